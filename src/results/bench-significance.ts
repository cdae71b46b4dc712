// Whether one bench cell's rounds are faster than another's beyond chance: a Mann-Whitney U test over
// the rounds' rates, significant at p <= 0.05. Cells without rounds (files from before rounds) cannot be
// tested. Pure.

import type { BenchRun } from "./bench-result.js";
import { SIGNIFICANCE_LEVEL } from "./statistics/change-test.js";
import { mannWhitneyU } from "./statistics/mann-whitney.js";

/** Whether `faster`'s rounds beat `slower`'s significantly; undefined when either has fewer than 2 rounds. */
export function significantlyFaster(faster: BenchRun, slower: BenchRun): boolean | undefined {
  const a = faster.rounds?.map((round) => round.messagesPerSec) ?? [];
  const b = slower.rounds?.map((round) => round.messagesPerSec) ?? [];
  if (a.length < 2 || b.length < 2) return undefined;
  const { u, pValue } = mannWhitneyU(a, b);
  return pValue <= SIGNIFICANCE_LEVEL && u > (a.length * b.length) / 2;
}
