// A bench cell's rounds reduced to one figure, its spread and its uncertainty: the round of median
// throughput stands for the cell (a real round, so its histogram and latencies belong together), the
// spread says how far any round strayed from it, and each figure's median gets a 95 % order-statistic
// interval (distribution-free; see statistics/median-interval.ts). Pure: no I/O.

import type { ErrorKind, LoadResult } from "./load-result.js";
import { type MedianInterval, medianInterval } from "./statistics/median-interval.js";

/** One round of a bench cell, as the cell keeps it beside the median round's full result. */
export interface BenchRound {
  messagesPerSec: number;
  p99Us: number;
  errors: Record<ErrorKind, number>;
  /** The server's CPU time per verified message, when its process was known and a message verified. */
  serverUsPerMessage?: number;
}

/** Each figure's median over the rounds and its 95 % interval. */
export interface RoundIntervals {
  messagesPerSec: MedianInterval;
  p99Us: MedianInterval;
  /** When every round measured it. */
  serverUsPerMessage?: MedianInterval;
}

export interface RoundsSummary {
  /** The round of median throughput (the lower middle one for an even count). */
  median: LoadResult;
  rounds: BenchRound[];
  /** The largest distance of a round's throughput from the median's, as a fraction of it (0.05: ±5 %). */
  spread: number;
  intervals: RoundIntervals;
}

/** A round's figures as a cell keeps them. */
export function benchRoundOf(result: LoadResult): BenchRound {
  const serverUs = result.cpu?.server?.usPerMessage;
  return {
    messagesPerSec: result.throughput.messagesPerSec,
    p99Us: result.latencyUs.p99,
    errors: { ...result.errors },
    ...(serverUs !== undefined ? { serverUsPerMessage: serverUs } : {}),
  };
}

/** The intervals of rounds' figures (the CPU's only when every round has it). */
export function roundIntervals(rounds: readonly BenchRound[]): RoundIntervals {
  const serverUs = rounds.flatMap((round) =>
    round.serverUsPerMessage !== undefined ? [round.serverUsPerMessage] : [],
  );
  return {
    messagesPerSec: medianInterval(rounds.map((round) => round.messagesPerSec)),
    p99Us: medianInterval(rounds.map((round) => round.p99Us)),
    ...(serverUs.length === rounds.length && serverUs.length > 0
      ? { serverUsPerMessage: medianInterval(serverUs) }
      : {}),
  };
}

export function summarizeRounds(results: LoadResult[]): RoundsSummary {
  if (results.length === 0) throw new Error("no rounds to summarize");
  const byThroughput = [...results].sort((a, b) => a.throughput.messagesPerSec - b.throughput.messagesPerSec);
  const median = byThroughput[Math.floor((byThroughput.length - 1) / 2)] as LoadResult;
  const middle = median.throughput.messagesPerSec;
  const farthest = Math.max(...results.map((result) => Math.abs(result.throughput.messagesPerSec - middle)));
  const rounds = results.map(benchRoundOf);
  return {
    median,
    rounds,
    spread: middle > 0 ? farthest / middle : 0,
    intervals: roundIntervals(rounds),
  };
}
