// What a cell of `check --target|--server` is asked to do: the settings every cell shares and the one
// cell's size and fragmentation. Apart from the cell runner, so that the reproducing command reads them too.

import type { PayloadContent } from "../clients/load/verification/payload-content.js";
import type { FramingSpec } from "../framing/framing.js";
import type { FaultOptions } from "../proxy/fault-options.js";
import type { FragmentationName } from "../results/fragmentation-name.js";
import type { TargetChoice } from "../targets/target-spec.js";

/** What generated payloads hold unless --payload says otherwise: utf8 and binary bodies by turns. */
export const DEFAULT_PAYLOAD: PayloadContent = "mixed";
/** Clients the concurrent probe runs side by side unless --clients says otherwise. */
export const DEFAULT_CONCURRENT_CLIENTS = 4;

/** How every cell of one check talks to the user's server. */
export interface TargetCheckSettings {
  choice: TargetChoice;
  /** How the server cuts messages (its max frame, when given, is `maxFrameBytes` below). */
  framing: FramingSpec;
  /** How the server's replies are cut, when not as its requests are. */
  replyFraming?: FramingSpec;
  /** The server's largest frame, when given: a larger size it does not answer is refused, not failed. */
  maxFrameBytes?: number;
  connections: number;
  /** What generated echo payloads hold (default mixed: utf8 and binary bodies, whitespace at both ends). */
  payload: PayloadContent;
  /** The server serves one client and exits (the lab's hello server): no probe needs a second. */
  singleClient: boolean;
  /** Clients the concurrent probe runs side by side. */
  concurrentClients: number;
  /** Seeds the proxy's cuts: the same seed cuts the stream the same way again. */
  seed: number;
  /** Per request; default: by size and fragmentation, as the built-in check. */
  timeoutMs?: number;
  /** Latency, jitter, bandwidth, reset-after: on top of each cell's fragmentation. */
  faults: FaultOptions;
}

export interface TargetCellPlan {
  size: number;
  fragmentation: FragmentationName;
}
