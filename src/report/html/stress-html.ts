// A stress result as HTML: its headline, one row per scenario with the verdict coloured (kept serving
// green, degraded amber, locked out and server down red, the rest grey), then each verdict's reason and
// the server's last output lines when it went down. The columns are the text report's.

import type { StressResult, StressVerdict } from "../../results/stress-result.js";
import { SERVER_OUTPUT_HEADING, STRESS_COLUMNS, stressHeadline, stressRowCells } from "../stress-report.js";
import { serverOutputLineText } from "../target-check-report.js";
import { escapeHtml } from "./escape-html.js";

const VERDICT_CLASSES: Record<StressVerdict, string> = {
  "kept serving": "pass",
  degraded: "expected-fail",
  "locked out": "fail",
  "server down": "fail",
  "not reached": "chance",
  "not served before": "chance",
  skipped: "chance",
};

export function stressHtml(result: StressResult): string {
  const rows = result.scenarios.map((scenario) => {
    const cells = stressRowCells(scenario).map((text, index) => {
      const column = STRESS_COLUMNS[index] as string;
      // The verdict is a word, left as text; the other columns are figures, set as numbers are.
      if (column === "verdict") {
        return `<td class="verdict ${VERDICT_CLASSES[scenario.verdict]}">${escapeHtml(text)}</td>`;
      }
      return `<td data-column="${escapeHtml(column)}">${escapeHtml(text)}</td>`;
    });
    return `<tr data-scenario="${escapeHtml(scenario.scenario)}">${cells.join("")}</tr>`;
  });
  const reasons = result.scenarios
    .filter((scenario) => scenario.reason !== undefined)
    .map((scenario) => {
      const output = scenario.serverOutput?.length
        ? `<p class="note">${escapeHtml(SERVER_OUTPUT_HEADING)}</p><pre class="server-output">${scenario.serverOutput
            .map((line) => escapeHtml(serverOutputLineText(line)))
            .join("\n")}</pre>`
        : "";
      return `<li data-scenario="${escapeHtml(scenario.scenario)}"><strong>${escapeHtml(scenario.scenario)}: ${escapeHtml(scenario.verdict)}</strong>: ${escapeHtml(scenario.reason ?? "")}${output}</li>`;
    });
  return [
    `<p class="stress-summary">${escapeHtml(stressHeadline(result))}</p>`,
    `<table class="stress"><thead><tr>${STRESS_COLUMNS.map((name) => `<th>${escapeHtml(name)}</th>`).join("")}</tr></thead>`,
    `<tbody>${rows.join("")}</tbody></table>`,
    ...(reasons.length > 0 ? [`<ul class="stress-reasons">${reasons.join("")}</ul>`] : []),
  ].join("\n");
}
