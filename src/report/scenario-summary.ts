// The terminal form of `sockbench report`: one row per scenario of the files read, with messages/s,
// latency at the chosen percentiles and errors (cli-table3).

import Table from "cli-table3";
import { decodeHistogram } from "../results/latency-histogram.js";
import { latencyAtPercentiles, percentileKey } from "../results/latency-percentiles.js";
import { errorsHeading, rowErrorTotal, type ScenarioRow } from "./scenario-rows.js";

export function renderScenarioSummary(rows: ScenarioRow[], percentiles: readonly number[]): string {
  const withSource = new Set(rows.map((row) => row.source)).size > 1;
  const table = new Table({
    head: [
      ...(withSource ? ["file"] : []),
      "scenario",
      "msg/s",
      ...percentiles.map((percentile) => `p${percentileKey(percentile)} ms`),
      "max ms",
      errorsHeading(rows),
    ],
    style: { head: [], border: [] },
  });
  for (const row of rows) {
    const atPercentiles = latencyAtPercentiles(decodeHistogram(row.result.histogram), percentiles);
    table.push([
      ...(withSource ? [row.source] : []),
      row.label,
      Math.round(row.result.throughput.messagesPerSec).toLocaleString("en-US"),
      ...percentiles.map((percentile) => ((atPercentiles[percentileKey(percentile)] ?? 0) / 1000).toFixed(3)),
      (row.result.latencyUs.max / 1000).toFixed(3),
      rowErrorTotal(row).toLocaleString("en-US"),
    ]);
  }
  return table.toString();
}
