// The comparison of `compare A B --html` as an HTML table: per scenario both runs' messages/s and p99,
// the changes, and the verdict; regressions in red.

import type { ComparisonRow } from "../compare-results.js";
import { COMPARISON_HEAD, comparisonCells } from "../comparison-cells.js";
import { escapeHtml } from "./escape-html.js";

export function comparisonTableHtml(rows: ComparisonRow[]): string {
  const regressed = rows.filter((row) => row.regressions.length > 0).length;
  const body = rows.map((row) => {
    const cells = comparisonCells(row);
    // Marked in the text too, not by colour alone.
    if (row.regressions.length > 0) cells[cells.length - 1] = `✗ ${cells.at(-1)}`;
    return `<tr class="${row.regressions.length > 0 ? "regression" : "steady"}">${cells.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`;
  });
  return [
    `<p class="comparison-summary">${regressed} of ${rows.length} scenarios regressed (A the baseline, B the new run).</p>`,
    `<table class="comparison"><thead><tr>${COMPARISON_HEAD.map((name) => `<th>${escapeHtml(name)}</th>`).join("")}</tr></thead>`,
    `<tbody>${body.join("")}</tbody></table>`,
  ].join("\n");
}
