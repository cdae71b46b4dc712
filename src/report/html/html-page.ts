// One self-contained HTML report from one or more result files (or a comparison of two): the latency
// percentile distributions, messages/s and p99 second by second, bench matrices, the check matrix, a
// check of your server, a stress run, every scenario's figures and the run context. uPlot and the chart data are inlined: it opens offline.

import type { ResultFile } from "../../results/result-file.js";
import { SOCKBENCH_VERSION } from "../../version.js";
import type { ComparisonRow } from "../compare-results.js";
import { type ScenarioRow, scenarioRows } from "../scenario-rows.js";
import { benchMatricesHtml } from "./bench-matrix.js";
import { chartLibrary } from "./chart-library.js";
import { buildChartSpecs, MIN_CHARTED_SECONDS } from "./chart-specs.js";
import { checkMatrixHtml } from "./check-matrix.js";
import { comparisonTableHtml } from "./comparison-table.js";
import { contextTableHtml } from "./context-table.js";
import { escapeHtml } from "./escape-html.js";
import type { ChartSpec, PageData } from "./page-data.js";
import { drawCharts } from "./page-script.js";
import { scenarioTableHtml } from "./scenario-table.js";
import { stressHtml } from "./stress-html.js";
import { targetCheckHtml } from "./target-check-html.js";

export interface HtmlReportInput {
  title: string;
  /** Each file with the label its lines and rows carry (its path, or A and B in a comparison). */
  files: { label: string; file: ResultFile }[];
  /** The latency columns of the scenario table. */
  percentiles: readonly number[];
  comparison?: ComparisonRow[];
  /** When the page was made (ISO); the command passes the clock's reading. */
  generatedAt: string;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.75rem 0 1.25rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
td[data-column]:not([data-column=scenario]):not([data-column=file]) { text-align: right; font-variant-numeric: tabular-nums; }
.matrix td { min-width: 9rem; } .matrix td.best { outline: 3px solid #0b3d91; outline-offset: -3px; font-weight: 600; }
td.errors, tr.errors td, tr.regression td { background: #fbd5d5; color: #8b0000; }
.verdict.pass { background: #d4f4d4; } .verdict.expected-fail { background: #fde9b8; }
.verdict.fail { background: #f4a6a6; font-weight: 600; } .verdict.chance { background: #eee; }
.check-summary.fail, .comparison-summary { font-weight: 600; }
.chart { margin: 1rem 0; min-height: 400px; }
pre.server-output, pre.text-report { background: #f6f6f6; padding: 0.5rem; overflow-x: auto; }
.note { color: #555; }
`;

function section(title: string, body: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>\n${body}\n</section>`;
}

function chartsHtml(charts: ChartSpec[], kind: ChartSpec["xKind"]): string {
  return charts
    .filter((chart) => chart.xKind === kind)
    .map((chart) => `<div class="chart" id="${chart.id}"></div>`)
    .join("\n");
}

/** JSON placed inside a script element: "</script>" in a label must not end it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const rows: ScenarioRow[] = input.files.flatMap(({ label, file }) => scenarioRows(file, label));
  const regressed = new Set(
    (input.comparison ?? []).filter((row) => row.regressions.length > 0).map((row) => row.key),
  );
  const charts = buildChartSpecs(rows, regressed);
  const data: PageData = { charts };
  const sections: string[] = [];
  if (input.comparison) sections.push(section("Comparison", comparisonTableHtml(input.comparison)));
  const ownRows = rows.filter((row) => row.ownServer);
  if (ownRows.length > 0) {
    sections.push(
      section(
        "Your servers",
        `<p class="note">Your servers' cells, first; in the charts their lines are drawn thick and marked "your server".</p>\n${scenarioTableHtml(ownRows, input.percentiles)}`,
      ),
    );
  }
  if (rows.length > 0) {
    sections.push(
      section(
        "Latency percentile distribution",
        `<p class="note">Latency against percentile, x on a log scale of 1/(1−p) out to 99.99% (HdrHistogram's plot); one line per scenario, colour the framing, dash the server variant${input.files.length > 1 ? ", earlier files faded" : ""}.</p>\n${chartsHtml(charts, "percentile")}`,
      ),
      section(
        "Second by second",
        `<p class="note">Verified messages and p99 latency in each whole second of the measured phase; a group whose scenarios last under ${MIN_CHARTED_SECONDS} whole seconds has none (a line would be one point): bench --round ${MIN_CHARTED_SECONDS}s draws them.</p>\n${chartsHtml(charts, "second")}`,
      ),
    );
  }
  for (const { label, file } of input.files) {
    if (file.kind === "bench") {
      sections.push(
        section(
          `Framing × size × variant${input.files.length > 1 ? `: ${label}` : ""}`,
          `<p class="note">Messages/s (every reply verified) and p99; shade: speed against the group's fastest correct cell (★); red: errors.</p>\n${benchMatricesHtml(file.result)}`,
        ),
      );
    }
    if (file.kind === "check") {
      sections.push(
        section(`Check matrix${input.files.length > 1 ? `: ${label}` : ""}`, checkMatrixHtml(file.result)),
      );
    }
    if (file.kind === "target-check") {
      sections.push(
        section(
          `Check of your server${input.files.length > 1 ? `: ${label}` : ""}`,
          targetCheckHtml(file.result),
        ),
      );
    }
    if (file.kind === "stress") {
      sections.push(section(`Stress${input.files.length > 1 ? `: ${label}` : ""}`, stressHtml(file.result)));
    }
  }
  if (rows.length > 0) sections.push(section("Scenarios", scenarioTableHtml(rows, input.percentiles)));
  sections.push(
    section(
      "Run context",
      input.files
        .map(({ label, file }) => `<h3>${escapeHtml(label)}</h3>\n${contextTableHtml(file)}`)
        .join("\n"),
    ),
  );
  const library = chartLibrary();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${library.stylesheet}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p class="note">Made by sockbench ${escapeHtml(SOCKBENCH_VERSION)} on ${escapeHtml(input.generatedAt)} from ${input.files.map(({ label }) => escapeHtml(label)).join(", ")}.</p>
${sections.join("\n")}
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<!-- ${escapeHtml(library.notice)} -->
<script>${library.script}</script>
<script>(${drawCharts.toString()})(JSON.parse(document.getElementById("report-data").textContent), uPlot);</script>
</body>
</html>
`;
}
