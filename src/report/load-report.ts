// The human report of a load run, in autocannon's style: a latency table, a throughput table sampled
// once a second, errors by kind, and a closing line; cli-table3 draws the tables.

import bytes from "bytes-iec";
import Table from "cli-table3";
import type { LoadCpu, SideCpu } from "../results/cpu-usage.js";
import type { LatencySummary } from "../results/latency-histogram.js";
import { percentileKey } from "../results/latency-percentiles.js";
import { ERROR_KINDS, type LoadResult, MISMATCH_KINDS, totalErrors } from "../results/load-result.js";

const TABLE_STYLE = { head: [], border: [] };

function formatMs(latencyUs: number): string {
  const ms = latencyUs / 1000;
  return `${ms >= 100 ? Math.round(ms) : ms.toFixed(2)} ms`;
}

function formatBytes(byteCount: number): string {
  return bytes.format(Math.round(byteCount), { decimalPlaces: 2 }) ?? `${byteCount} B`;
}

/** The columns of autocannon's latency table, unless --percentiles names others. */
const AUTOCANNON_COLUMNS = [
  ["2.5", "p2_5"],
  ["50", "p50"],
  ["97.5", "p97_5"],
  ["99", "p99"],
  ["99.9", "p999"],
] as const;

function latencyRow(
  label: string,
  latency: LatencySummary,
  percentiles: readonly number[] | undefined,
): string[] {
  const atPercentiles = percentiles
    ? percentiles.map((percentile) => latency.percentiles?.[percentileKey(percentile)] ?? 0)
    : AUTOCANNON_COLUMNS.map(([, field]) => latency[field]);
  return [label, ...[...atPercentiles, latency.mean, latency.stdev, latency.max].map(formatMs)];
}

/** Per-second samples as autocannon tabulates them: low percentiles, the mean and spread, the minimum. */
function sampleRow(label: string, samples: number[], format: (value: number) => string): string[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (percentile: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1))] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  const stdev = Math.sqrt(
    sorted.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, sorted.length),
  );
  return [label, ...[at(1), at(2.5), at(50), at(97.5), mean, stdev, sorted[0] ?? 0].map(format)];
}

/** With `percentiles` (--percentiles), the latency columns are those, read from latencyUs.percentiles. */
export function formatLoadReport(result: LoadResult, percentiles?: readonly number[]): string {
  const { config } = result;
  const lines: string[] = [];
  const load =
    config.amount !== undefined ? `${config.amount} messages` : `${(config.durationMs ?? 0) / 1000} s`;
  const payload =
    config.message !== undefined
      ? `message ${JSON.stringify(config.message)}`
      : `sizes ${config.sizes.join(", ")} B`;
  lines.push(
    `sockbench load ${config.target}: ${config.transport === "http" ? "HTTP/1.1 POST" : `${config.framing} framing`}, ${config.connections} connections x ${config.pipelining} pipelined, ${load}, ${payload}, verify ${config.verify}` +
      (config.rate !== undefined ? `, open loop at ${config.rate} requests/s` : ", closed loop") +
      (config.workers > 1 ? `, ${config.workers} workers` : ""),
  );

  const latency = new Table({
    head: [
      "Stat",
      ...(percentiles?.map(percentileKey) ?? AUTOCANNON_COLUMNS.map(([key]) => key)).map((key) => `${key}%`),
      "Avg",
      "Stdev",
      "Max",
    ],
    style: TABLE_STYLE,
  });
  latency.push(
    latencyRow(config.rate !== undefined ? "Latency (corrected)" : "Latency", result.latencyUs, percentiles),
  );
  if (result.uncorrectedLatencyUs)
    latency.push(latencyRow("Latency (uncorrected)", result.uncorrectedLatencyUs, percentiles));
  lines.push(latency.toString());

  const throughput = new Table({
    head: ["Stat", "1%", "2.5%", "50%", "97.5%", "Avg", "Stdev", "Min"],
    style: TABLE_STYLE,
  });
  const seconds = Math.max(1, Math.floor(result.durationS));
  throughput.push(
    sampleRow("Msg/Sec", result.perSecond.messages.slice(0, seconds), (value) => `${Math.round(value)}`),
  );
  throughput.push(sampleRow("Bytes/Sec", result.perSecond.bytes.slice(0, seconds), formatBytes));
  lines.push(throughput.toString());
  lines.push(`Msg/Sec and Bytes/Sec are sampled once a second; ${seconds} samples.`);

  const errors = new Table({ head: ["Error", "Count", "Detail"], style: TABLE_STYLE });
  for (const kind of ERROR_KINDS) {
    const detail =
      kind === "mismatch"
        ? MISMATCH_KINDS.filter((each) => result.mismatches[each] > 0)
            .map((each) => `${each} ${result.mismatches[each]}`)
            .join(", ")
        : "";
    errors.push([kind, String(result.errors[kind]), detail]);
  }
  lines.push(errors.toString());
  for (const sample of result.errorSamples) lines.push(`  ${sample}`);

  const read = formatBytes(result.perSecond.bytes.reduce((sum, value) => sum + value, 0));
  lines.push(
    `${result.messages.verified} verified of ${result.messages.sent} sent (${result.messages.received} replies) in ${result.durationS.toFixed(2)} s, ${read} read; ${totalErrors(result)} errors`,
  );
  if (config.rate !== undefined) {
    lines.push(
      `rate: ${result.throughput.achievedRate ?? 0} requests/s achieved of ${config.rate} asked (${result.messages.scheduled ?? 0} scheduled)`,
    );
  }
  if (result.cpu) lines.push(formatCpu(result.cpu));
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join("\n")}\n`;
}

/** CPU time per verified message, microseconds, as the tables print it. */
export function formatUsPerMessage(side: SideCpu): string {
  if (side.usPerMessage === undefined) return "-";
  return `${side.usPerMessage < 10 ? side.usPerMessage.toFixed(2) : side.usPerMessage.toFixed(1)} us/msg`;
}

function formatCpu(cpu: LoadCpu): string {
  const cores = cpu.driver.cores === 1 ? "1 core" : `${cpu.driver.cores} cores`;
  const driver = `driver ${formatUsPerMessage(cpu.driver)}, ${cpu.driver.coreShare.toFixed(2)} of ${cores}${cpu.driver.saturated ? " (saturated)" : ""}`;
  const server = cpu.server
    ? `server ${formatUsPerMessage(cpu.server)}, ${cpu.server.coreShare.toFixed(2)} of a core (pid ${cpu.server.pid} and its children)`
    : "server not measured (--server-pid)";
  return `CPU per verified message: ${driver}; ${server}`;
}
