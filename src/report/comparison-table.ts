// Renders a comparison of two result files as a cli-table3 table, one row per scenario.

import Table from "cli-table3";
import type { ComparisonRow } from "./compare-results.js";
import { formatCount, formatPercent } from "./format-number.js";

/** A change as a signed percentage: +12.0%, -3.5%. */
export function signed(fraction: number | undefined): string {
  if (fraction === undefined) return "";
  return `${fraction >= 0 ? "+" : "-"}${formatPercent(Math.abs(fraction))}`;
}

/** A whole number with thousands separators, or - when absent. */
export function rate(value: number | undefined): string {
  return value === undefined ? "-" : formatCount(value);
}

/** What became of a scenario: ok, its regressions, or in which file alone it ran. */
export function verdict(row: ComparisonRow): string {
  if (!row.before || !row.after) return `only in ${row.before ? "A" : "B"}`;
  const partial = [row.before.partial ? "A" : "", row.after.partial ? "B" : ""].filter(Boolean);
  const judged = row.regressions.join("; ") || "ok";
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
      signed(row.throughputChange),
      rate(row.before?.p99Us),
      rate(row.after?.p99Us),
      signed(row.p99Change),
      `${row.before ? formatCount(row.before.errorCount) : "-"} → ${row.after ? formatCount(row.after.errorCount) : "-"}`,
      verdict(row),
    ]);
  }
  return table.toString();
}
