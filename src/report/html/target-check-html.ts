// A check of your server (check --target|--server --json) as HTML: the matrix, sizes by fragmentations,
// each cell's verdict coloured (pass green, refused amber, fail red); each failing cell's error, bytes,
// server output and reproducing command; and the text report whole, so that whatever it gains shows here.

import type { ByteExcerpt } from "../../results/byte-excerpt.js";
import type { TargetCell, TargetCheckResult } from "../../results/target-check-result.js";
import { formatSizeBytes } from "../format-size.js";
import { formatTargetCheckReport, serverOutputLineText, targetCellText } from "../target-check-report.js";
import { unique } from "../unique.js";
import { escapeHtml } from "./escape-html.js";

const VERDICT_CLASSES: Record<TargetCell["verdict"], string> = {
  pass: "pass",
  refused: "expected-fail",
  fail: "fail",
};

function sizeText(sizeBytes: number): string {
  return sizeBytes < 64 * 1024 ? `${sizeBytes} B` : formatSizeBytes(sizeBytes);
}

function cellHtml(cell: TargetCell | undefined): string {
  if (!cell) return "<td></td>";
  const title = `${cell.messages} of ${cell.asked} verified, ${cell.errors} errors`;
  return `<td class="verdict ${VERDICT_CLASSES[cell.verdict]}" title="${escapeHtml(title)}">${escapeHtml(targetCellText(cell))}</td>`;
}

function bytesHtml(label: string, bytes: ByteExcerpt | undefined): string {
  const shown =
    bytes === undefined
      ? "nothing"
      : `${bytes.length} bytes${bytes.offset > 0 ? `, from byte ${bytes.offset}` : ""}: ${bytes.hex} | ${JSON.stringify(bytes.text)}`;
  return `<tr><th scope="row">${escapeHtml(label)}</th><td><code>${escapeHtml(shown)}</code></td></tr>`;
}

function failureHtml(cell: TargetCell): string {
  const failure = cell.failure;
  const rows = failure
    ? [
        ...(failure.differsAt !== undefined
          ? [`<tr><th scope="row">first difference</th><td>byte ${failure.differsAt}</td></tr>`]
          : []),
        failure.request !== undefined
          ? bytesHtml("sent", failure.request)
          : bytesHtml("expected", failure.expected),
        bytesHtml("received", failure.received),
        ...(failure.serverExit !== undefined
          ? [`<tr><th scope="row">the server</th><td>${escapeHtml(failure.serverExit)}</td></tr>`]
          : []),
      ]
    : [];
  const output = failure?.serverOutput.length
    ? `<p class="note">server output around then (seconds since it started):</p><pre class="server-output">${failure.serverOutput
        .map((line) => escapeHtml(serverOutputLineText(line)))
        .join("\n")}</pre>`
    : "";
  return [
    `<div class="failure" data-size="${cell.size}" data-fragmentation="${escapeHtml(cell.fragmentation)}">`,
    `<h3>FAIL ${escapeHtml(sizeText(cell.size))} ${escapeHtml(cell.fragmentation)}: ${escapeHtml(failure?.kind ?? "failed")}: ${escapeHtml(failure?.detail ?? "")}</h3>`,
    rows.length > 0 ? `<table class="bytes"><tbody>${rows.join("")}</tbody></table>` : "",
    output,
    `<p>reproduce: <code class="reproduce">${escapeHtml(cell.reproduce)}</code></p>`,
    "</div>",
  ].join("\n");
}

export function targetCheckHtml(result: TargetCheckResult): string {
  const fragmentations = unique(result.cells.map((cell) => cell.fragmentation));
  const rows = unique(result.cells.map((cell) => cell.size)).map(
    (size) =>
      `<tr><th scope="row" class="size">${escapeHtml(sizeText(size))}</th>${fragmentations
        .map((fragmentation) =>
          cellHtml(result.cells.find((cell) => cell.size === size && cell.fragmentation === fragmentation)),
        )
        .join("")}</tr>`,
  );
  const failing = result.cells.filter((cell) => cell.verdict === "fail");
  const text = formatTargetCheckReport(result);
  return [
    `<p class="check-summary ${result.passed ? "pass" : "fail"}">${escapeHtml(text.split("\n", 1)[0] ?? "")}: check ${result.passed ? "passed" : "FAILED"}, ${failing.length} of ${result.cells.length} cells failed</p>`,
    `<table class="target-check"><thead><tr><th>size</th>${fragmentations.map((name) => `<th>${escapeHtml(name)}</th>`).join("")}</tr></thead>`,
    `<tbody>${rows.join("")}</tbody></table>`,
    ...failing.map(failureHtml),
    `<details><summary>The report as the terminal shows it</summary><pre class="text-report">${escapeHtml(text)}</pre></details>`,
  ].join("\n");
}
