// One cell of `sockbench ab`: A's and B's runs at one size and each figure of B tested against A's over
// the rounds (msg/s, p99, the server's CPU per message), each test one of the run's cells. Pure.

import type { BenchRun } from "./bench-result.js";
import type { BenchRound } from "./bench-rounds.js";
import { type ChangeTest, testChange } from "./statistics/change-test.js";

/** One cell's verdict: A's and B's runs, and each figure of B tested against A's (B/A ratios). */
export interface AbCell {
  size: number;
  a: BenchRun;
  b: BenchRun;
  messagesPerSec?: ChangeTest;
  p99Us?: ChangeTest;
  serverUsPerMessage?: ChangeTest;
}

/**
 * B's figures against A's over the rounds (each test undefined when it cannot be taken); `cells` is how
 * many cells the run tests, which share each figure's 5% chance of a false call.
 */
export function testAbCell(size: number, a: BenchRun, b: BenchRun, cells: number): AbCell {
  const figures = (run: BenchRun, pick: (round: BenchRound) => number | undefined) =>
    (run.rounds ?? []).flatMap((round) => {
      const value = pick(round);
      return value !== undefined ? [value] : [];
    });
  const cpuA = figures(a, (round) => round.serverUsPerMessage);
  const cpuB = figures(b, (round) => round.serverUsPerMessage);
  const messagesPerSec = testChange(
    figures(a, (round) => round.messagesPerSec),
    figures(b, (round) => round.messagesPerSec),
    cells,
  );
  const p99Us = testChange(
    figures(a, (round) => round.p99Us),
    figures(b, (round) => round.p99Us),
    cells,
  );
  const serverUsPerMessage = testChange(cpuA, cpuB, cells);
  return {
    size,
    a,
    b,
    ...(messagesPerSec ? { messagesPerSec } : {}),
    ...(p99Us ? { p99Us } : {}),
    ...(serverUsPerMessage ? { serverUsPerMessage } : {}),
  };
}
