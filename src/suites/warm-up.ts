// Warms a server for one cell until its rate settles (a fresh Node server's JIT, the kernel's socket
// buffers), so that the measured rounds compare a warm server with a warm server.

import type { LoadResult } from "../results/load-result.js";

/** Two consecutive warm-up slices within this fraction of each other: the rate has settled. */
export const SETTLED_WITHIN = 0.05;

/** The length of one warm-up slice: short enough to stop early, long enough to measure a rate. */
export function warmUpSliceMs(roundMs: number): number {
  return Math.max(100, Math.min(250, Math.round(roundMs / 2)));
}

/**
 * Runs `slice` (an unmeasured load of `sliceMs`) until two slices in a row agree within SETTLED_WITHIN or
 * `maxMs` is spent; resolves to the time spent warming (0 when `maxMs` is 0).
 */
export async function warmUntilSettled(
  slice: (durationMs: number) => Promise<LoadResult>,
  sliceMs: number,
  maxMs: number,
  signal?: AbortSignal,
): Promise<number> {
  let spentMs = 0;
  let previous: number | undefined;
  while (spentMs < maxMs && !signal?.aborted) {
    const durationMs = Math.min(sliceMs, maxMs - spentMs);
    const result = await slice(durationMs);
    spentMs += durationMs;
    if (result.partial) break;
    const rate = result.throughput.messagesPerSec;
    if (previous !== undefined && Math.abs(rate - previous) <= SETTLED_WITHIN * Math.max(rate, previous))
      break;
    previous = rate;
  }
  return spentMs;
}
