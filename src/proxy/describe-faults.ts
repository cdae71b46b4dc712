// The proxy's faults in one line a person reads at start-up, so that a run says what it did to the bytes.

import type { FaultOptions, ProxyDirection } from "./fault-options.js";

/** `slices of 4±3 B every 1 ms, latency 5±2 ms (both directions)`, or `no faults (a plain relay)`. */
export function describeFaults(faults: FaultOptions, direction: ProxyDirection): string {
  const parts: string[] = [];
  const spread = (value: number, variation: number | undefined) =>
    variation ? `${value}±${variation}` : `${value}`;
  if (faults.sliceAvgBytes !== undefined) {
    parts.push(
      `slices of ${spread(faults.sliceAvgBytes, faults.sliceVariationBytes)} B` +
        (faults.sliceDelayMs ? ` every ${faults.sliceDelayMs} ms` : ""),
    );
  }
  if (faults.coalesceMs !== undefined) parts.push(`coalesced over ${faults.coalesceMs} ms`);
  if (faults.latencyMs !== undefined) parts.push(`latency ${spread(faults.latencyMs, faults.jitterMs)} ms`);
  if (faults.bandwidthBytesPerS !== undefined) parts.push(`at most ${faults.bandwidthBytesPerS} B/s`);
  if (faults.resetAfterBytes !== undefined) parts.push(`reset after ${faults.resetAfterBytes} B`);
  if (parts.length === 0) return "no faults (a plain relay)";
  const where =
    direction === "both" ? "both directions" : direction === "up" ? "client to target" : "target to client";
  return `${parts.join(", ")} (${where})`;
}
