// The table of every scenario's figures in an HTML report: messages/s, bytes/s, latency at the chosen
// percentiles and the maximum (ms to the microsecond, as recorded), and errors.

import bytes from "bytes-iec";
import { decodeHistogram } from "../../results/latency-histogram.js";
import { latencyAtPercentiles, percentileKey } from "../../results/latency-percentiles.js";
import { errorsHeading, rowErrorTotal, type ScenarioRow } from "../scenario-rows.js";
import { escapeHtml } from "./escape-html.js";

/** µs as ms with three decimals: every recorded microsecond shows. */
export function formatLatencyMs(latencyUs: number): string {
  return (latencyUs / 1000).toFixed(3);
}

export function scenarioTableHtml(rows: ScenarioRow[], percentiles: readonly number[]): string {
  const withSource = new Set(rows.map((row) => row.source)).size > 1;
  const head = [
    ...(withSource ? ["file"] : []),
    "scenario",
    "msg/s",
    "bytes/s",
    ...percentiles.map((percentile) => `p${percentileKey(percentile)} ms`),
    "max ms",
    errorsHeading(rows),
  ];
  const body = rows.map((row) => {
    const { result } = row;
    const atPercentiles = latencyAtPercentiles(decodeHistogram(result.histogram), percentiles);
    const errors = rowErrorTotal(row);
    const cells: [string, string][] = [
      ...(withSource ? [["file", row.source] as [string, string]] : []),
      ["scenario", row.label],
      ["msg/s", Math.round(result.throughput.messagesPerSec).toLocaleString("en-US")],
      ["bytes/s", bytes.format(result.throughput.bytesPerSec, { mode: "binary", decimalPlaces: 2 }) ?? ""],
      ...percentiles.map((percentile): [string, string] => [
        `p${percentileKey(percentile)}`,
        formatLatencyMs(atPercentiles[percentileKey(percentile)] as number),
      ]),
      ["max", formatLatencyMs(result.latencyUs.max)],
      ["errors", errors.toLocaleString("en-US")],
    ];
    return `<tr data-scenario="${escapeHtml(`${row.source}|${row.key}`)}"${errors > 0 ? ' class="errors"' : ""}>${cells
      .map(([column, text]) => `<td data-column="${escapeHtml(column)}">${escapeHtml(text)}</td>`)
      .join("")}</tr>`;
  });
  return `<table class="scenarios"><thead><tr>${head.map((name) => `<th>${escapeHtml(name)}</th>`).join("")}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}
