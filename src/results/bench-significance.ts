// Whether one bench cell's rounds are faster than another's beyond chance: a Mann-Whitney U test over
// the rounds' rates, at the level its family of comparisons shares (change-test.ts). Cells without
// rounds (files from before rounds) cannot be tested. Pure.

import type { BenchRun } from "./bench-result.js";
import { significanceLevel } from "./statistics/change-test.js";
import { mannWhitneyU } from "./statistics/mann-whitney.js";

/**
 * Whether `faster`'s rounds beat `slower`'s significantly, as one of `family` comparisons sharing the 5%;
 * undefined when either has fewer than 2 rounds.
 */
export function significantlyFaster(faster: BenchRun, slower: BenchRun, family: number): boolean | undefined {
  const a = faster.rounds?.map((round) => round.messagesPerSec) ?? [];
  const b = slower.rounds?.map((round) => round.messagesPerSec) ?? [];
  if (a.length < 2 || b.length < 2) return undefined;
  const { u, pValue } = mannWhitneyU(a, b);
  return pValue <= significanceLevel(family) && u > (a.length * b.length) / 2;
}
