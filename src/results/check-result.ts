// The result of `sockbench check`: one cell per framing, size and fragmentation, each saying whether it
// held and whether it makes the check fail.

import type { FramingName } from "../framing/framing.js";
import type { FragmentationName } from "./fragmentation-name.js";
import type { ErrorKind } from "./load-result.js";

/** A row of the check: a TCP framing, or udp (one message per datagram). */
export type CheckRowName = FramingName | "udp";

export interface CheckCell {
  framing: CheckRowName;
  size: number;
  fragmentation: FragmentationName;
  /** No errors and every message verified (udp: every datagram answered or lost, loss within --max-loss). */
  passed: boolean;
  /** Verified messages. */
  messages: number;
  /** Messages asked for. */
  asked: number;
  /** Errors (udp: besides loss). */
  errors: number;
  /** udp only: datagrams that got no reply. */
  lost?: number;
  errorKinds: Record<ErrorKind, number>;
  /** The first error messages, for a person to read why a cell failed. */
  samples: string[];
  /** naive only: why the cell must fail; absent where passing or failing is only a matter of chance. */
  mustFailBecause?: string;
  /** Whether this cell makes the check fail: a framing that must hold did not, or naive passed where it must not. */
  blocking: boolean;
}

export interface CheckResult {
  cells: CheckCell[];
  /** True when no cell is blocking. */
  passed: boolean;
}
