// The cells of one scenario of a comparison of two result files, the same in the text table
// (comparison-table.ts) and the HTML page (html/comparison-table.ts): each change with its interval and
// p-value (~ where the test finds none), the error counts, and the verdict.

import { type ChangeTest, significanceLevel } from "../results/statistics/change-test.js";
import type { ComparisonRow } from "./compare-results.js";
import { formatCount, formatPercent } from "./format-number.js";

export const COMPARISON_HEAD = [
  "scenario",
  "msg/s A",
  "msg/s B",
  "Δ",
  "p99 µs A",
  "p99 µs B",
  "Δ",
  "errors A→B",
  "verdict",
] as const;

/** A change as a signed percentage: +12.0%, -3.5%. */
export function signed(fraction: number | undefined): string {
  if (fraction === undefined) return "";
  return `${fraction >= 0 ? "+" : "-"}${formatPercent(Math.abs(fraction))}`;
}

/** A probability as benchstat prints one: 0.002, 0.620, 6e-4. */
export function formatProbability(value: number): string {
  return value < 0.001 ? value.toExponential(0) : value.toFixed(3);
}

/**
 * A test's p-value as benchstat prints it, p=0.002; when several tests share the 5%, beside the level it
 * had to reach: p=0.019 > 0.017.
 */
export function formatPValue(test: ChangeTest): string {
  const p = `p=${formatProbability(test.pValue)}`;
  if (test.family === 1) return p;
  return `${p} ${test.significant ? "≤" : ">"} ${formatProbability(significanceLevel(test.family))}`;
}

/**
 * A tested change: `~ (p=0.620)` when the test finds none (benchstat's tilde), else the change with its
 * interval, `-12.3% (-15.0% to -9.8%, p=0.002)`; an untested one as a bare signed percentage.
 */
export function changeText(change: number | undefined, test: ChangeTest | undefined): string {
  if (!test) return signed(change);
  if (!test.significant) return `~ (${formatPValue(test)})`;
  return `${signed(test.ratio - 1)} (${signed(test.low - 1)} to ${signed(test.high - 1)}, ${formatPValue(test)})`;
}

/** A whole number with thousands separators, or - when absent. */
export function rate(value: number | undefined): string {
  return value === undefined ? "-" : formatCount(value);
}

/** What became of a scenario: ok, its regressions, or in which file alone it ran; untested: judged by the threshold alone. */
export function verdict(row: ComparisonRow): string {
  if (!row.before || !row.after) return `only in ${row.before ? "A" : "B"}`;
  const partial = [row.before.partial ? "A" : "", row.after.partial ? "B" : ""].filter(Boolean);
  const untested = row.throughputTest
    ? ""
    : row.before.rounds && row.after.rounds
      ? " (untested: a rate of 0)"
      : " (untested: no rounds to test)";
  const judged = `${row.regressions.join("; ") || "ok"}${untested}`;
  return partial.length > 0 ? `${judged} (${partial.join(" and ")} partial: interrupted)` : judged;
}

/** One scenario's cells, in the order of COMPARISON_HEAD. */
export function comparisonCells(row: ComparisonRow): string[] {
  return [
    row.key,
    rate(row.before?.messagesPerSec),
    rate(row.after?.messagesPerSec),
    changeText(row.throughputChange, row.throughputTest),
    rate(row.before?.p99Us),
    rate(row.after?.p99Us),
    changeText(row.p99Change, row.p99Test),
    `${rate(row.before?.errorCount)} → ${rate(row.after?.errorCount)}`,
    verdict(row),
  ];
}
