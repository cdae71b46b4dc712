// What `sockbench ab` prints: per cell, A's and B's msg/s, p99 and server CPU per message with their
// intervals, B's change against A's for each (~ where the test finds none), and a verdict on throughput
// in hyperfine's words ("B is 1.25 (1.21 to 1.29) times slower than A").

import Table from "cli-table3";
import type { AbCell } from "../results/ab-cell.js";
import type { BenchRun } from "../results/bench-result.js";
import { type ChangeTest, significanceLevel } from "../results/statistics/change-test.js";
import type { MedianInterval } from "../results/statistics/median-interval.js";
import { changeText, formatPValue } from "./comparison-cells.js";
import { formatCount, formatLatencyUs, plural } from "./format-number.js";
import { formatSizeBytes } from "./format-size.js";

function intervalText(interval: MedianInterval | undefined, format: (value: number) => string): string {
  if (!interval) return "-";
  return `${format(interval.median)} (${format(interval.low)}–${format(interval.high)})`;
}

const usText = (us: number) => `${us.toFixed(1)} µs`;

function sideRow(label: string, run: BenchRun): string[] {
  return [
    label,
    intervalText(run.intervals?.messagesPerSec, formatCount),
    intervalText(run.intervals?.p99Us, formatLatencyUs),
    intervalText(run.intervals?.serverUsPerMessage, usText),
  ];
}

const factor = (value: number) => value.toFixed(2);

/** B against A in msg/s as a sentence: how many times faster or slower, with the interval and p-value. */
export function throughputVerdict(test: ChangeTest | undefined, nameA: string, nameB: string): string {
  if (!test) return `msg/s: cannot test ${nameB} against ${nameA} (fewer than 2 rounds, or a rate of 0)`;
  const p = formatPValue(test);
  if (!test.significant) {
    // Too few rounds to reach the level give an interval of every pair, which covers less than asked.
    const reached = test.confidence >= 1 - significanceLevel(test.family);
    const coverage = reached
      ? ""
      : `, a ${(test.confidence * 100).toFixed(0)}% interval: too few rounds for more`;
    return `~ msg/s: no significant difference: ${nameB}/${nameA} ${factor(test.ratio)} (${factor(test.low)} to ${factor(test.high)}${coverage}), ${p}`;
  }
  if (test.ratio < 1) {
    return `${nameB} is ${factor(1 / test.ratio)} (${factor(1 / test.high)} to ${factor(1 / test.low)}) times slower than ${nameA} in msg/s, ${p}`;
  }
  return `${nameB} is ${factor(test.ratio)} (${factor(test.low)} to ${factor(test.high)}) times faster than ${nameA} in msg/s, ${p}`;
}

export function renderAbCell(cell: AbCell): string {
  const { a, b } = cell;
  const table = new Table({
    head: ["", "msg/s (95% interval)", "p99", "server CPU per message"],
    style: { head: [], border: [] },
  });
  table.push(sideRow(a.scenario.variant, a), sideRow(b.scenario.variant, b), [
    "B vs A",
    changeText(undefined, cell.messagesPerSec),
    changeText(undefined, cell.p99Us),
    changeText(undefined, cell.serverUsPerMessage),
  ]);
  const { scenario } = a;
  const title = `${scenario.framing} framing, ${formatSizeBytes(cell.size)} messages, ${plural(b.scenario.connections, "connection")}`;
  return `${title}\n${table.toString()}\n${throughputVerdict(cell.messagesPerSec, a.scenario.variant, b.scenario.variant)}`;
}
