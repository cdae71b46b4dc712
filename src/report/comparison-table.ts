// Renders a comparison of two result files as a cli-table3 table, one row per scenario.

import Table from "cli-table3";
import type { ComparisonRow } from "./compare-results.js";
import { formatCount, formatPercent } from "./format-number.js";

function signed(fraction: number | undefined): string {
  if (fraction === undefined) return "";
  return `${fraction >= 0 ? "+" : "-"}${formatPercent(Math.abs(fraction))}`;
}

function rate(value: number | undefined): string {
  return value === undefined ? "-" : formatCount(value);
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
      !row.before || !row.after ? `only in ${row.before ? "A" : "B"}` : row.regressions.join("; ") || "ok",
    ]);
  }
  return table.toString();
}
