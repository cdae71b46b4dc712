// The check matrix as an HTML table: rows framing x size, columns fragmentations, each cell's verdict
// coloured: pass green, expected fail amber, a fail or an unexpected pass red, chance grey.

import type { CheckCellRecord, CheckResultRecord } from "../../results/result-file.js";
import { unique } from "../unique.js";
import { escapeHtml } from "./escape-html.js";

const VERDICT_CLASSES: Record<string, string> = {
  pass: "pass",
  "expected fail": "expected-fail",
  "fail (by chance)": "chance",
  FAIL: "fail",
  "unexpected pass": "fail",
};

function cellHtml(cell: CheckCellRecord | undefined): string {
  if (!cell) return "<td></td>";
  const title = cell.mustFailBecause ?? `${cell.messages} verified, ${cell.errors} errors`;
  return `<td class="verdict ${VERDICT_CLASSES[cell.verdict] ?? "fail"}" title="${escapeHtml(title)}">${escapeHtml(cell.verdict)}</td>`;
}

export function checkMatrixHtml(result: CheckResultRecord): string {
  const fragmentations = unique(result.cells.map((cell) => cell.fragmentation));
  const rows = unique(result.cells.map((cell) => `${cell.framing} ${cell.size}`)).map((row) => {
    const cells = result.cells.filter((cell) => `${cell.framing} ${cell.size}` === row);
    const first = cells[0] as CheckCellRecord;
    return `<tr><th scope="row">${escapeHtml(first.framing)}</th><td class="size">${first.size} B</td>${fragmentations
      .map((fragmentation) => cellHtml(cells.find((cell) => cell.fragmentation === fragmentation)))
      .join("")}</tr>`;
  });
  const counts = unique(result.cells.map((cell) => cell.verdict))
    .map((verdict) => `${result.cells.filter((cell) => cell.verdict === verdict).length} ${verdict}`)
    .join(", ");
  return [
    `<p class="check-summary ${result.passed ? "pass" : "fail"}">check ${result.passed ? "passed" : "FAILED"}: ${result.cells.length} cells (${escapeHtml(counts)})</p>`,
    `<table class="check"><thead><tr><th>framing</th><th>size</th>${fragmentations.map((name) => `<th>${escapeHtml(name)}</th>`).join("")}</tr></thead>`,
    `<tbody>${rows.join("")}</tbody></table>`,
  ].join("\n");
}
