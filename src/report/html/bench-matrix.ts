// The framing x variant matrix of each bench group (a size, connection count and fragmentation) as an
// HTML table: messages/s and p99 in each cell, shaded by speed against the group's fastest correct cell,
// the fastest (and those not significantly slower) marked with a star, cells with errors in red.

import { type BenchResult, type BenchRun, benchRunFindings } from "../../results/bench-result.js";
import { countedReplies } from "../../results/load-result.js";
import { cellErrorsText, groupRuns } from "../bench-report.js";
import { escapeHtml } from "./escape-html.js";

/** Background lightness (HSL %) of the slowest and of the fastest correct cell. */
const LIGHTEST = 96;
const DARKEST = 58;

function cellHtml(run: BenchRun | undefined, fastest: number, leaders: BenchRun[]): string {
  if (!run) return `<td class="empty">-</td>`;
  const rate = Math.round(run.throughput.messagesPerSec).toLocaleString("en-US");
  const p99Ms = (run.latencyUs.p99 / 1000).toFixed(2);
  const errors = benchRunFindings(run);
  const figures =
    countedReplies(run) > 0
      ? `<span class="rate">${rate}</span> msg/s<br><span class="p99">p99 ${p99Ms} ms</span>`
      : "no verified reply";
  if (errors > 0) {
    return `<td class="errors">${figures}<br><strong>${escapeHtml(cellErrorsText(run))}</strong></td>`;
  }
  const share = fastest > 0 ? run.throughput.messagesPerSec / fastest : 0;
  const lightness = Math.round(LIGHTEST - (LIGHTEST - DARKEST) * share);
  const isBest = leaders.includes(run);
  return `<td class="${isBest ? "best" : "correct"}" style="background:hsl(210 70% ${lightness}%)">${isBest ? "★ " : ""}${figures}</td>`;
}

export function benchMatricesHtml(result: BenchResult): string {
  return groupRuns(result.runs)
    .map((group) => {
      const fastest = group.best?.throughput.messagesPerSec ?? 0;
      const rows = group.framings.map(
        (framing) =>
          `<tr><th scope="row">${escapeHtml(framing)}</th>${group.variants
            .map((variant) => cellHtml(group.cell(framing, variant), fastest, group.leaders))
            .join("")}</tr>`,
      );
      return [
        `<table class="matrix"><caption>${escapeHtml(group.title)}</caption>`,
        `<thead><tr><th>framing</th>${group.variants.map((variant) => `<th>${escapeHtml(variant)}</th>`).join("")}</tr></thead>`,
        `<tbody>${rows.join("")}</tbody></table>`,
      ].join("");
    })
    .join("\n");
}
