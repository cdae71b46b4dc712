// The CSV of `report --csv` and `bench --format csv`: one row per scenario, its figures in plain units
// (messages/s, bytes/s, µs); README names the columns.

import { decodeHistogram } from "../results/latency-histogram.js";
import { latencyAtPercentiles, percentileKey } from "../results/latency-percentiles.js";
import { ERROR_KINDS } from "../results/load-result.js";
import type { ScenarioRow } from "./scenario-rows.js";

/** `p99_9_us` for 99.9: a column name without a dot, which spreadsheets read as a decimal. */
export function percentileColumn(percentile: number): string {
  return `p${percentileKey(percentile).replace(".", "_")}_us`;
}

function quote(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderCsv(rows: ScenarioRow[], percentiles: readonly number[]): string {
  const header = [
    "source",
    "framing",
    "variant",
    "size_bytes",
    "connections",
    "pipelining",
    "fragmentation",
    "duration_s",
    "sent",
    "verified",
    "messages_per_sec",
    "bytes_per_sec",
    "latency_min_us",
    "latency_mean_us",
    ...percentiles.map(percentileColumn),
    "latency_max_us",
    "errors",
    ...ERROR_KINDS.map((kind) => `errors_${kind}`),
  ];
  const lines = rows.map((row) => {
    const { result } = row;
    const atPercentiles = latencyAtPercentiles(decodeHistogram(result.histogram), percentiles);
    const errors = ERROR_KINDS.map((kind) => row.errors[kind]);
    return [
      row.source,
      row.framing,
      row.variant,
      row.size,
      row.connections,
      row.pipelining,
      row.fragmentation,
      result.durationS,
      result.messages.sent,
      result.messages.verified,
      result.throughput.messagesPerSec,
      result.throughput.bytesPerSec,
      result.latencyUs.min,
      result.latencyUs.mean,
      ...percentiles.map((percentile) => atPercentiles[percentileKey(percentile)] as number),
      result.latencyUs.max,
      errors.reduce((sum, count) => sum + count, 0),
      ...errors,
    ]
      .map(quote)
      .join(",");
  });
  return `${[header.join(","), ...lines].join("\n")}\n`;
}
