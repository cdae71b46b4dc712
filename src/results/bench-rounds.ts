// A bench cell's rounds reduced to one figure and its spread: the round of median throughput stands for
// the cell (a real round, so its histogram and latencies belong together), and the spread says how far
// any round strayed from it. Pure: no I/O.

import type { ErrorKind, LoadResult } from "./load-result.js";

/** One round of a bench cell, as the cell keeps it beside the median round's full result. */
export interface BenchRound {
  messagesPerSec: number;
  p99Us: number;
  errors: Record<ErrorKind, number>;
}

export interface RoundsSummary {
  /** The round of median throughput (the lower middle one for an even count). */
  median: LoadResult;
  rounds: BenchRound[];
  /** The largest distance of a round's throughput from the median's, as a fraction of it (0.05: ±5 %). */
  spread: number;
}

export function summarizeRounds(results: LoadResult[]): RoundsSummary {
  if (results.length === 0) throw new Error("no rounds to summarize");
  const byThroughput = [...results].sort((a, b) => a.throughput.messagesPerSec - b.throughput.messagesPerSec);
  const median = byThroughput[Math.floor((byThroughput.length - 1) / 2)] as LoadResult;
  const middle = median.throughput.messagesPerSec;
  const farthest = Math.max(...results.map((result) => Math.abs(result.throughput.messagesPerSec - middle)));
  return {
    median,
    rounds: results.map((result) => ({
      messagesPerSec: result.throughput.messagesPerSec,
      p99Us: result.latencyUs.p99,
      errors: { ...result.errors },
    })),
    spread: middle > 0 ? farthest / middle : 0,
  };
}
