// The ways the suites cut a byte stream on its way to the server, by name: through the fault proxy
// (slicing, coalescing) or by the driver itself (split writes). `none` goes straight to the server.

import type { FaultOptions } from "../proxy/fault-options.js";
import type { FragmentationName } from "../results/fragmentation-name.js";

export interface Fragmentation {
  name: FragmentationName;
  /** What a person reads in a table. */
  description: string;
  /** Run the traffic through a proxy with these faults (both directions). */
  proxyFaults?: FaultOptions;
  /** The driver writes each frame in this many pieces, a tick apart. */
  splitPieces?: number;
  /** Requests in flight per connection, where the fragmentation needs several to show (coalescing). */
  pipelining?: number;
}

export const FRAGMENTATIONS: Record<FragmentationName, Fragmentation> = {
  none: { name: "none", description: "straight to the server" },
  "slices-1": {
    name: "slices-1",
    description: "proxy re-cuts the stream into 1-byte pieces",
    proxyFaults: { sliceAvgBytes: 1, sliceVariationBytes: 0 },
  },
  "slices-1-7": {
    name: "slices-1-7",
    description: "proxy re-cuts the stream into random 1..7-byte pieces",
    proxyFaults: { sliceAvgBytes: 4, sliceVariationBytes: 3 },
  },
  coalesced: {
    name: "coalesced",
    description: "proxy holds bytes 5 ms and delivers them as one write (8 requests in flight)",
    proxyFaults: { coalesceMs: 5 },
    pipelining: 8,
  },
  split: {
    name: "split",
    description: "driver writes each frame in 3 pieces, a tick apart",
    splitPieces: 3,
  },
};
