// Bench cells with chosen rounds, for the report and compare tests: a recorded cell of the committed
// quick baseline (a real load result) given the scenario, rounds and intervals the test asks for.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { BenchResult, BenchRun, BenchScenario } from "../../src/results/bench-result.js";
import { roundIntervals } from "../../src/results/bench-rounds.js";

const noErrors = { mismatch: 0, timeout: 0, reset: 0, protocol: 0, connect: 0 };

export function quickBaseline(): BenchResult {
  const path = resolve(import.meta.dirname, "..", "..", "results", "baseline-quick.json");
  return JSON.parse(readFileSync(path, "utf8")) as BenchResult;
}

/**
 * A correct cell of `scenario` whose rounds ran at `rates` msg/s with p99 `p99Us` (one for all, or one per
 * round); its median round's rate stands, and the cell's own p99 is `p99Us`'s first.
 */
export function loadRoundFixture(
  scenario: BenchScenario,
  rates: number[],
  p99Us: number | number[] = 500,
): BenchRun {
  const template = quickBaseline().runs.find((run) => run.scenario.framing === "length") as BenchRun;
  const p99s = Array.isArray(p99Us) ? p99Us : rates.map(() => p99Us);
  const rounds = rates.map((messagesPerSec, index) => ({
    messagesPerSec,
    p99Us: p99s[index] as number,
    errors: { ...noErrors },
  }));
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  return {
    ...template,
    scenario,
    errors: { ...noErrors },
    throughput: { ...template.throughput, messagesPerSec: median },
    latencyUs: { ...template.latencyUs, p99: p99s[0] as number },
    rounds,
    spread: 0,
    intervals: roundIntervals(rounds),
  };
}
