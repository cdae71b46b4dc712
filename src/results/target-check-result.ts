// The result of `sockbench check --target|--server`: one cell per size and fragmentation against the
// user's server, each failing one with what a person needs to act (the error's kind, the bytes, the
// server's output of that moment, a command reproducing it), and the smallest failing case found.

import type { ByteExcerpt } from "./byte-excerpt.js";
import type { FragmentationName } from "./fragmentation-name.js";
import type { ErrorKind, MismatchKind } from "./load-result.js";

/** refused: a size above --max-frame that the server did not answer, as its design says it may. */
export type TargetCellVerdict = "pass" | "fail" | "refused";

export interface ServerOutputLine {
  /** Seconds since this server started (one server per cell under --restart per-cell). */
  atS: number;
  stream: "stdout" | "stderr";
  text: string;
}

export interface TargetCellFailure {
  /** lost, merged, split, corrupted, duplicated, reordered; timeout, reset, protocol, connect. */
  kind: MismatchKind | Exclude<ErrorKind, "mismatch">;
  detail: string;
  /** Where expected (or the request, under a judge) and received first differ; absent when nothing came. */
  differsAt?: number;
  expected?: ByteExcerpt;
  /** The request, when a module's judge decided and no exact reply was known. */
  request?: ByteExcerpt;
  received?: ByteExcerpt;
  /** The server's output lines around the moment (--server only). */
  serverOutput: ServerOutputLine[];
  /** How the server ended during the cell, if it did (`exited with code 1`). */
  serverExit?: string;
}

export interface TargetCell {
  size: number;
  fragmentation: FragmentationName;
  verdict: TargetCellVerdict;
  /** Verified replies, of `asked` requests. */
  messages: number;
  asked: number;
  errors: number;
  errorKinds: Record<ErrorKind, number>;
  mismatches: Record<MismatchKind, number>;
  /** The first error of a cell that did not pass. */
  failure?: TargetCellFailure;
  /** One command line that runs exactly this cell again. */
  reproduce: string;
  durationMs: number;
}

/** The smallest failing case shrinking found, starting from the first failing cell. */
export interface ShrunkFailure {
  from: { size: number; fragmentation: FragmentationName };
  size: number;
  fragmentation: FragmentationName;
  kind: TargetCellFailure["kind"];
  reproduce: string;
  /** Cells run while shrinking. */
  attempts: number;
}

export interface TargetCheckResult {
  /** The server as the options named it: the command, or HOST:PORT. */
  target: string;
  restart?: "per-cell" | "never";
  framing: string;
  expect: string;
  connections: number;
  seed: number;
  cells: TargetCell[];
  /** True when every cell passed or was refused by design. */
  passed: boolean;
  shrunk?: ShrunkFailure;
  /** The matrix's wall time (shrinking not included) and cells run per second in it. */
  durationMs: number;
  cellsPerSecond: number;
}
