// Renders a comparison of two result files as a cli-table3 table, one row per scenario (each change with
// its interval and p-value, ~ where the test finds none), and a geometric-mean row.

import Table from "cli-table3";
import type { ChangeTest } from "../results/statistics/change-test.js";
import { type ComparisonRow, geometricMeanRatio } from "./compare-results.js";
import { formatCount, formatPercent } from "./format-number.js";

/** A change as a signed percentage: +12.0%, -3.5%. */
export function signed(fraction: number | undefined): string {
  if (fraction === undefined) return "";
  return `${fraction >= 0 ? "+" : "-"}${formatPercent(Math.abs(fraction))}`;
}

/**
 * Two files are two runs: the U test weighs each cell's rounds against the noise within the runs, but a
 * machine that drifted between the runs moves every cell of one file, and no test over the rounds sees
 * that. The figures are A/A runs on the 2-core machine this was developed on (the A/A figures are in the README).
 */
export const SEPARATE_RUNS_NOTE =
  "note: A and B are separate runs: the test covers the noise between rounds within each run, not a drift of the machine between the runs. " +
  "On the 2-core machine sockbench was developed on, two back-to-back quick runs of the same build differed per cell by 0.50x to 2.87x (median 30%, load average 4 to 9); " +
  "`sockbench ab` runs old and new in alternating rounds on one machine, which the test does cover.";

/** A p-value as benchstat prints it: p=0.002, p=0.62. */
export function formatPValue(pValue: number): string {
  return `p=${pValue < 0.001 ? pValue.toExponential(0) : pValue.toFixed(3)}`;
}

/**
 * A tested change: `~ (p=0.620)` when the test finds none (benchstat's tilde), else the change with its
 * interval, `-12.3% (-15.0% to -9.8%, p=0.002)`; an untested one as a bare signed percentage.
 */
export function changeText(change: number | undefined, test: ChangeTest | undefined): string {
  if (!test) return signed(change);
  if (!test.significant) return `~ (${formatPValue(test.pValue)})`;
  return `${signed(test.ratio - 1)} (${signed(test.low - 1)} to ${signed(test.high - 1)}, ${formatPValue(test.pValue)})`;
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

export function renderComparison(rows: ComparisonRow[]): string {
  const table = new Table({
    head: ["scenario", "msg/s A", "msg/s B", "Δ", "p99 µs A", "p99 µs B", "Δ", "errors A→B", "verdict"],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    table.push([
      row.key,
      rate(row.before?.messagesPerSec),
      rate(row.after?.messagesPerSec),
      changeText(row.throughputChange, row.throughputTest),
      rate(row.before?.p99Us),
      rate(row.after?.p99Us),
      changeText(row.p99Change, row.p99Test),
      `${row.before ? formatCount(row.before.errorCount) : "-"} → ${row.after ? formatCount(row.after.errorCount) : "-"}`,
      verdict(row),
    ]);
  }
  const mean = geometricMeanRatio(rows);
  if (mean) {
    table.push([
      `geometric mean of B/A msg/s (${mean.count})`,
      "",
      "",
      signed(mean.ratio - 1),
      "",
      "",
      "",
      "",
      "",
    ]);
  }
  return table.toString();
}
