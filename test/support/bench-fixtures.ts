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

/** A correct cell of `scenario` whose rounds ran at `rates` msg/s (p99 `p99Us` each); its median round's rate stands. */
export function loadRoundFixture(scenario: BenchScenario, rates: number[], p99Us = 500): BenchRun {
  const template = quickBaseline().runs.find((run) => run.scenario.framing === "length") as BenchRun;
  const rounds = rates.map((messagesPerSec) => ({ messagesPerSec, p99Us, errors: { ...noErrors } }));
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
  return {
    ...template,
    scenario,
    errors: { ...noErrors },
    throughput: { ...template.throughput, messagesPerSec: median },
    latencyUs: { ...template.latencyUs, p99: p99Us },
    rounds,
    spread: 0,
    intervals: roundIntervals(rounds),
  };
}
