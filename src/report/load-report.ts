// The human report of a load run, in autocannon's style: a latency table, a throughput table sampled
// once a second, errors by kind, and a closing line; cli-table3 draws the tables.

import Table from "cli-table3";
import type { LoadCpu, SideCpu } from "../results/cpu-usage.js";
import { framingWords } from "../results/framing-fields.js";
import type { LatencySummary } from "../results/latency-histogram.js";
import { percentileKey } from "../results/latency-percentiles.js";
import {
  countedReplies,
  ERROR_KINDS,
  judgesReplies,
  type LoadResult,
  MISMATCH_KINDS,
  totalErrors,
} from "../results/load-result.js";
import { formatCount, formatDurationMs, formatLatencyUs, plural } from "./format-number.js";
import { formatBytesPerSecond, formatSizeBytes } from "./format-size.js";

const TABLE_STYLE = { head: [], border: [] };

/** The columns of autocannon's latency table, unless --percentiles names others. */
const AUTOCANNON_COLUMNS = [
  ["2.5", "p2_5"],
  ["50", "p50"],
  ["97.5", "p97_5"],
  ["99", "p99"],
  ["99.9", "p999"],
] as const;

/** `replies`: those behind the figures; with none, each cell says `-`, for there is no latency to show. */
function latencyRow(
  label: string,
  latency: LatencySummary,
  percentiles: readonly number[] | undefined,
  replies: number,
): string[] {
  const atPercentiles = percentiles
    ? percentiles.map((percentile) => latency.percentiles?.[percentileKey(percentile)] ?? 0)
    : AUTOCANNON_COLUMNS.map(([, field]) => latency[field]);
  const figures = [...atPercentiles, latency.mean, latency.stdev, latency.max];
  if (replies === 0) return [`${label}: no reply verified`, ...figures.map(() => "-")];
  return [label, ...figures.map(formatLatencyUs)];
}

/** Connections listed one by one up to this many; beyond, the spread and the starved ones. */
const LISTED_CONNECTIONS = 20;

/** `replies per connection: ...` (--per-connection): each connection's count, or the spread and the lowest. */
function repliesPerConnectionLines(replies: NonNullable<LoadResult["repliesPerConnection"]>): string[] {
  const { first, verified } = replies;
  const named = verified.map((count, index) => ({ connection: first + index, count }));
  if (verified.length <= LISTED_CONNECTIONS) {
    return [
      `replies per connection: ${named.map(({ connection, count }) => `#${connection} ${formatCount(count)}`).join(", ")}`,
    ];
  }
  const sorted = [...named].sort((a, b) => a.count - b.count);
  const median = (sorted[Math.floor(sorted.length / 2)] as { count: number }).count;
  const starved = named.filter(({ count }) => count < median / 10);
  return [
    `replies per connection: min ${formatCount(sorted[0]?.count ?? 0)} (#${sorted[0]?.connection}), median ${formatCount(median)}, max ${formatCount(sorted[sorted.length - 1]?.count ?? 0)} (#${sorted[sorted.length - 1]?.connection})`,
    ...(starved.length > 0
      ? [
          `starved (under a tenth of the median): ${starved
            .slice(0, LISTED_CONNECTIONS)
            .map(({ connection, count }) => `#${connection} ${formatCount(count)}`)
            .join(
              ", ",
            )}${starved.length > LISTED_CONNECTIONS ? ` and ${starved.length - LISTED_CONNECTIONS} more (--json has each)` : ""}`,
        ]
      : []),
  ];
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
    config.amount !== undefined ? plural(config.amount, "message") : formatDurationMs(config.durationMs ?? 0);
  const payload =
    config.message !== undefined
      ? `message ${JSON.stringify(config.message)}`
      : `${config.sizes.length === 1 ? "size" : "sizes"} ${config.sizes.map((size) => formatSizeBytes(size)).join(", ")}`;
  lines.push(
    `sockbench load ${config.target}${config.label !== undefined ? ` (${config.label})` : ""}: ${config.transport === "http" ? "HTTP/1.1 POST" : config.transport === "udp" ? "one datagram per message" : framingWords(config)}, ${plural(config.connections, "connection")} x ${formatCount(config.pipelining)} pipelined, ${load}, ${payload}, expect ${config.verify}` +
      (config.rate !== undefined
        ? `, open loop at ${formatCount(config.rate)} requests/s`
        : ", closed loop") +
      (config.workers > 1 ? `, ${plural(config.workers, "worker")}` : "") +
      (result.partial ? `; PARTIAL: interrupted after ${result.durationS.toFixed(2)} s measured` : ""),
  );
  if (result.shard !== undefined) {
    const { index, count, firstConnection, connections } = result.shard;
    lines.push(
      `shard ${index}/${count}: connections ${firstConnection}-${firstConnection + connections - 1}` +
        (result.shard.amount !== undefined ? `, ${result.shard.amount} messages` : ""),
    );
  }
  if (result.mergedShards !== undefined) lines.push(`merged from ${result.mergedShards} shards`);
  if (result.opening !== undefined) {
    lines.push(
      `opened ${result.opening.connections} connections in ${(result.opening.durationMs / 1000).toFixed(2)} s`,
    );
  }

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
  const replies = countedReplies(result);
  latency.push(
    latencyRow(
      config.rate !== undefined ? "Latency (corrected)" : "Latency",
      result.latencyUs,
      percentiles,
      replies,
    ),
  );
  if (result.uncorrectedLatencyUs)
    latency.push(latencyRow("Latency (uncorrected)", result.uncorrectedLatencyUs, percentiles, replies));
  lines.push(latency.toString());

  const throughput = new Table({
    head: ["Stat", "1%", "2.5%", "50%", "97.5%", "Avg", "Stdev", "Min"],
    style: TABLE_STYLE,
  });
  const seconds = Math.max(1, Math.floor(result.durationS));
  throughput.push(sampleRow("Msg/Sec", result.perSecond.messages.slice(0, seconds), formatCount));
  throughput.push(sampleRow("Bytes/Sec", result.perSecond.bytes.slice(0, seconds), formatBytesPerSecond));
  lines.push(throughput.toString());
  lines.push(`Msg/Sec and Bytes/Sec are sampled once a second; ${plural(seconds, "sample")}.`);

  const errors = new Table({ head: ["Error", "Count", "Detail"], style: TABLE_STYLE });
  for (const kind of ERROR_KINDS) {
    const detail =
      kind === "mismatch"
        ? MISMATCH_KINDS.filter((each) => result.mismatches[each] > 0)
            .map((each) => `${each} ${formatCount(result.mismatches[each])}`)
            .join(", ")
        : "";
    errors.push([kind, formatCount(result.errors[kind]), detail]);
  }
  lines.push(errors.toString());
  for (const sample of result.errorSamples) lines.push(`  ${sample}`);

  const read = formatSizeBytes(result.perSecond.bytes.reduce((sum, value) => sum + value, 0));
  const { messages } = result;
  const judged = judgesReplies(config);
  lines.push(
    `${judged ? `${formatCount(messages.verified)} verified` : `${formatCount(messages.received)} received (not judged)`} of ${formatCount(messages.sent)} sent${judged ? ` (${plural(messages.received, "reply", "replies")})` : ""} in ${result.durationS.toFixed(2)} s, ${read} read; ${plural(totalErrors(result), "error")}`,
  );
  if (config.rate !== undefined) {
    lines.push(
      `rate: ${formatCount(result.throughput.achievedRate ?? 0)} requests/s achieved of ${formatCount(config.rate)} asked (${formatCount(messages.scheduled ?? 0)} scheduled)`,
    );
  }
  if (result.repliesPerConnection) lines.push(...repliesPerConnectionLines(result.repliesPerConnection));
  if (result.cpu) lines.push(formatCpu(result.cpu, judged));
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join("\n")}\n`;
}

/** CPU time per counted message (countedReplies), microseconds, as the tables print it. */
export function formatUsPerMessage(side: SideCpu): string {
  return side.usPerMessage === undefined ? "-" : formatMicrosPerMessage(side.usPerMessage);
}

/** `6.72 us/msg`, `20.2 us/msg`. */
export function formatMicrosPerMessage(usPerMessage: number): string {
  return `${usPerMessage < 10 ? usPerMessage.toFixed(2) : usPerMessage.toFixed(1)} us/msg`;
}

/** ` (54% in the kernel)`: the share of a side's CPU time its system calls and the network stack took. */
export function formatKernelShare(side: SideCpu): string {
  if (side.systemUs === undefined || side.cpuUs === 0) return "";
  return ` (${Math.round((100 * side.systemUs) / side.cpuUs)}% in the kernel)`;
}

function formatCpu(cpu: LoadCpu, judged: boolean): string {
  const cores = cpu.driver.cores === 1 ? "1 core" : `${cpu.driver.cores} cores`;
  const driver = `driver ${formatUsPerMessage(cpu.driver)}${formatKernelShare(cpu.driver)}, ${cpu.driver.coreShare.toFixed(2)} of ${cores}${cpu.driver.saturated ? " (saturated)" : ""}`;
  const server = cpu.server
    ? `server ${formatUsPerMessage(cpu.server)}${formatKernelShare(cpu.server)}, ${cpu.server.coreShare.toFixed(2)} of a core (pid ${cpu.server.pid} and its children)`
    : "server not measured (--server-pid)";
  return `CPU per ${judged ? "verified" : "received"} message: ${driver}; ${server}`;
}
