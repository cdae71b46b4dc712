// The comparison of `compare A B --html` as an HTML table: per scenario both runs' messages/s and p99,
// the changes, and the verdict; regressions in red.

import type { ComparisonRow } from "../compare-results.js";
import { signed, verdict, rate as whole } from "../comparison-table.js";
import { escapeHtml } from "./escape-html.js";

export function comparisonTableHtml(rows: ComparisonRow[]): string {
  const regressed = rows.filter((row) => row.regressions.length > 0).length;
  const body = rows.map((row) => {
    const cells = [
      row.key,
      whole(row.before?.messagesPerSec),
      whole(row.after?.messagesPerSec),
      signed(row.throughputChange),
      whole(row.before?.p99Us),
      whole(row.after?.p99Us),
      signed(row.p99Change),
      `${row.before?.errorCount ?? "-"} → ${row.after?.errorCount ?? "-"}`,
      `${row.regressions.length > 0 ? "✗ " : ""}${verdict(row)}`,
    ];
    return `<tr class="${row.regressions.length > 0 ? "regression" : "steady"}">${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`;
  });
  return [
    `<p class="comparison-summary">${regressed} of ${rows.length} scenarios regressed (A the baseline, B the new run).</p>`,
    `<table class="comparison"><thead><tr><th>scenario</th><th>msg/s A</th><th>msg/s B</th><th>Δ</th><th>p99 µs A</th><th>p99 µs B</th><th>Δ</th><th>errors A→B</th><th>verdict</th></tr></thead>`,
    `<tbody>${body.join("")}</tbody></table>`,
  ].join("\n");
}
