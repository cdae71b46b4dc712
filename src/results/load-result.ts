// The result of a load run, as docs/result-format.md lays it out (the JSON of --json and --out);
// src/results/load-result-merge.ts adds results up.

import { framingDefinition, framingNames } from "../framing/registry.js";
import {
  type CpuTimes,
  cpuFigures,
  type LoadCpu,
  SATURATION_WARNING_PREFIX,
  saturationWarning,
} from "./cpu-usage.js";
import type { FramingFields } from "./framing-fields.js";
import {
  decodeHistogram,
  encodeHistogram,
  type LatencyHistogram,
  type LatencySummary,
  summarizeLatency,
} from "./latency-histogram.js";
import type { MachineInfo, RunContext } from "./run-context.js";
import type { Transport } from "./transport.js";

export const ERROR_KINDS = ["mismatch", "timeout", "reset", "protocol", "connect"] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * What a `mismatch` was, when the reply tells (see src/clients/load/verification/reply-verifier.ts); `status` is
 * HTTP's own: a response whose status is not 200 (src/clients/load/http/http-reply-check.ts).
 */
export const MISMATCH_KINDS = [
  "lost",
  "duplicated",
  "reordered",
  "merged",
  "split",
  "corrupted",
  "status",
] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

/** Its framings as framingFields records them (results/framing-fields.ts). */
export interface LoadResultConfig extends FramingFields {
  target: string;
  /** Written by every run; absent from results written before HTTP existed (those are tcp). */
  transport?: Transport;
  /** The TCP framing, or "http" over --transport http, "udp" over --transport udp; "module" for a framing module. */
  framing: string;
  connections: number;
  pipelining: number;
  sizes: number[];
  /** Set when every request carried one fixed message (its bytes as UTF-8 text). */
  message?: string;
  durationMs?: number;
  amount?: number;
  warmupMs: number;
  /** Asked requests per second (open loop); absent for a closed loop. */
  rate?: number;
  timeoutMs: number;
  /** What replies were judged by (`--expect`): echo, hello, sum, none or an expect module's path. */
  verify: string;
  workers: number;
  seed: number;
  /** Set when each frame was written in this many pieces (--split). */
  splitPieces?: number;
  /** Set when Nagle's algorithm was left on (--nagle). */
  nagle?: boolean;
  /** The run's name (--label). */
  label?: string;
  /** Connections opened per second at most, before the load starts (--connect-rate). */
  connectRate?: number;
  /** Set when the measured phase was to start at this wall-clock instant (--start-at), ISO 8601. */
  startAt?: string;
}

/** A shard's part of a sharded load (--shard I/N): which one it was and what share of the whole it took. */
export interface LoadResultShard {
  /** From 0, as Kubernetes' JOB_COMPLETION_INDEX counts. */
  index: number;
  count: number;
  /** Its connections: ids firstConnection .. firstConnection + connections - 1 of config.connections. */
  firstConnection: number;
  connections: number;
  /** Its share of config.amount, when the load had one. */
  amount?: number;
}

export interface LoadResult {
  tool: "sockbench";
  version: string;
  startedAt: string;
  /** Set by the load command: the machine it ran on and how it was run. */
  machine?: MachineInfo;
  context?: RunContext;
  config: LoadResultConfig;
  /** Set on a shard's part (load --shard); absent from a whole run and from a merged one. */
  shard?: LoadResultShard;
  /** Set on a result `sockbench merge` made: how many shard parts it adds up. */
  mergedShards?: number;
  /** How long opening the connections took, before the load started. */
  opening?: { connections: number; durationMs: number };
  /** Length of the measured phase, seconds. */
  durationS: number;
  /**
   * Open loop: seconds from the measured phase's start to its last write; durationS adds the wait for
   * the last replies (a lost datagram's whole timeout). achievedRate counts over this.
   */
  sendingS?: number;
  messages: {
    /** Measured requests written. */
    sent: number;
    /** Reply frames received for measured requests (right or wrong; with --expect none, unjudged). */
    received: number;
    /** Replies judged right; 0 with --expect none, which judges none (files before it counted every reply). */
    verified: number;
    /** Open loop: measured requests whose intended send time fell in the run. */
    scheduled?: number;
  };
  /**
   * mismatch and timeout count requests (each wrong, lost or unanswered one); reset, protocol and connect
   * count events (a connection reset or closed under outstanding requests, a reply that breaks the
   * framing or ends mid-frame, a reconnection that failed). The requests a dropped connection was
   * waiting for are abandoned with it and not counted again.
   */
  errors: Record<ErrorKind, number>;
  /** The `mismatch` errors by what went wrong; they add up to errors.mismatch. */
  mismatches: Record<MismatchKind, number>;
  /** The first few error descriptions, for a human to start from. */
  errorSamples: string[];
  /**
   * TCP: times the server closed or reset a connection before a byte of reply came on it (each
   * reconnection counts again); absent when none did.
   */
  closedBeforeReply?: number;
  throughput: {
    messagesPerSec: number;
    bytesPerSec: number;
    /** Open loop: measured requests written per second, beside config.rate. */
    achievedRate?: number;
  };
  /** Closed loop: from each write. Open loop: from each intended send time (coordinated omission corrected). */
  latencyUs: LatencySummary;
  /** Open loop only: from each actual write, as wrk2 reports it beside the corrected one. */
  uncorrectedLatencyUs?: LatencySummary;
  /** latencyUs's HdrHistogram, compressed and base64-encoded (V2 encoding): mergeable. */
  histogram: string;
  uncorrectedHistogram?: string;
  /**
   * Counted replies (see countedReplies), bytes received and the p99 latency (µs, 0 without a reply) in each second of the
   * measured phase; second i starts at the wall-clock instant startMs + 1000 i. `histograms` holds each
   * second's latency histogram (encoded like `histogram`), so that per-second latency merges. startMs,
   * p99Us and histograms are absent from results of older versions.
   */
  perSecond: {
    startMs?: number;
    messages: number[];
    bytes: number[];
    p99Us?: number[];
    histograms?: string[];
  };
  /**
   * CPU time over the measured phase: the driver's (every thread) and, when its process was known (bench,
   * --server-pid), the server's (with its descendants). Absent from results written before it existed.
   */
  cpu?: LoadCpu;
  warnings: string[];
  /**
   * Set when the run was stopped early (Ctrl-C, SIGTERM, an aborted signal, --bail): durationS is the time
   * actually run.
   */
  partial?: boolean;
  /** With --per-connection (tcp, http): counted replies of each connection, from connection `first`. */
  repliesPerConnection?: { first: number; verified: number[] };
}

/** Whether a run judged its replies: `--expect none` takes every reply as received, unjudged. */
export function judgesReplies(config: Pick<LoadResultConfig, "verify">): boolean {
  return config.verify !== "none";
}

/**
 * The replies a result's figures (throughput, latency, CPU per message) are made of: the verified ones,
 * or with `--expect none` every reply received. Files from before `none` stopped verifying counted
 * each reply as verified too, so they read the same.
 */
export function countedReplies(result: Pick<LoadResult, "config" | "messages">): number {
  return judgesReplies(result.config) ? result.messages.verified : result.messages.received;
}

/** A result keeps this many error messages (the first ones), merged results too. */
export const ERROR_SAMPLE_LIMIT = 10;

/** The counts of a result, before its figures are worked out from them. */
export type LoadCounts = Omit<
  LoadResult,
  "throughput" | "latencyUs" | "uncorrectedLatencyUs" | "histogram" | "uncorrectedHistogram" | "cpu"
> & { cpuTimes?: CpuTimes };

/** Below this share of the asked rate, the server (or the driver) did not keep up. */
const RATE_SHORTFALL = 0.95;

/** Works out throughput, latency summaries and encoded histograms, and warns when a rate was not met. */
export function completeLoadResult(
  counts: LoadCounts,
  latency: LatencyHistogram,
  uncorrected: LatencyHistogram | undefined,
): LoadResult {
  const perSecondOf = (count: number) => (counts.durationS > 0 ? Math.round(count / counts.durationS) : 0);
  const bytes = counts.perSecond.bytes.reduce((sum, value) => sum + value, 0);
  const rate = counts.config.rate;
  // Over the sending, not the wait for the last replies after it (a lost datagram's whole timeout).
  const sendingS = counts.sendingS ?? counts.durationS;
  const achievedRate =
    rate !== undefined ? (sendingS > 0 ? Math.round(counts.messages.sent / sendingS) : 0) : undefined;
  const { cpuTimes, ...countsOnly } = counts;
  const replies = countedReplies(counts);
  const cpu = cpuTimes ? cpuFigures(cpuTimes, counts.durationS, replies) : undefined;
  const warnings = counts.warnings.filter(
    (warning) =>
      !warning.startsWith(RATE_WARNING_PREFIX) &&
      !warning.startsWith(SATURATION_WARNING_PREFIX) &&
      !warning.startsWith(NOTHING_VERIFIED_PREFIX) &&
      !warning.startsWith(CLOSED_BEFORE_REPLY_PREFIX) &&
      !warning.startsWith(DATAGRAMS_LOST_PREFIX),
  );
  const saturated = cpu ? saturationWarning(cpu) : undefined;
  if (saturated !== undefined) warnings.push(saturated);
  if (rate !== undefined && achievedRate !== undefined && achievedRate < rate * RATE_SHORTFALL) {
    warnings.push(
      `${RATE_WARNING_PREFIX}: ${achievedRate} requests/s achieved of ${rate} asked; latency counts from the intended send times`,
    );
  }
  if (counts.config.transport === "udp" && counts.mismatches.lost > 0) {
    warnings.push(datagramsLostWarning(counts));
  }
  const closedBeforeReply = counts.closedBeforeReply ?? 0;
  if (closedBeforeReply >= Math.max(1, counts.config.connections * CLOSED_BEFORE_REPLY_SHARE)) {
    warnings.push(closedBeforeReplyWarning(closedBeforeReply, counts.config.connections));
  }
  const errorCount = ERROR_KINDS.reduce((sum, kind) => sum + counts.errors[kind], 0);
  if (replies === 0 && counts.messages.sent > 0 && errorCount > 0) {
    warnings.push(nothingVerified(counts.config));
  }
  return {
    ...countsOnly,
    warnings,
    ...(cpu ? { cpu } : {}),
    throughput: {
      messagesPerSec: perSecondOf(replies),
      bytesPerSec: perSecondOf(bytes),
      ...(achievedRate !== undefined ? { achievedRate } : {}),
    },
    latencyUs: summarizeLatency(latency),
    histogram: encodeHistogram(latency),
    ...(uncorrected
      ? {
          uncorrectedLatencyUs: summarizeLatency(uncorrected),
          uncorrectedHistogram: encodeHistogram(uncorrected),
        }
      : {}),
  };
}

const RATE_WARNING_PREFIX = "the server could not keep up with the asked rate";
const NOTHING_VERIFIED_PREFIX = "no reply was verified";

/** From this share of the connections closed before any reply, the driver says why a server does that. */
const CLOSED_BEFORE_REPLY_SHARE = 0.1;
const CLOSED_BEFORE_REPLY_PREFIX = "the server closed or reset connections before any reply";

/**
 * A server that closes connections before replying mostly refuses them at accept, at a cap: on
 * connections, per client address (every connection of one driver, or behind one proxy, is one
 * address), or its open-file limit. Only the server's log names the cap; this names the likely ones.
 */
function closedBeforeReplyWarning(closed: number, connections: number): string {
  return `${CLOSED_BEFORE_REPLY_PREFIX} ${closed} times, with ${connections} connections asked: a server does that when it refuses connections at accept, at a cap on connections, per client address (all of this driver's connections come from one address) or on open files. Against sockbench serve: raise --max-connections (1024 by default) and --max-connections-per-address (a quarter of it), or open part of the load from another source address (--local-address 127.0.0.2); its log names the cap that refused`;
}

const DATAGRAMS_LOST_PREFIX = "datagrams lost";

/** What a lost datagram cost: its own reply only, neither the schedule nor the other requests. */
function datagramsLostWarning(counts: LoadCounts): string {
  const { lost } = counts.mismatches;
  const share = (lost / Math.max(1, counts.messages.sent)) * 100;
  const pace =
    counts.config.rate !== undefined
      ? "the other requests went at their intended times"
      : "each freed its place for the next request";
  return `${DATAGRAMS_LOST_PREFIX}: ${lost} of ${counts.messages.sent} (${share.toFixed(share < 1 ? 2 : 1)}%) got no reply within ${counts.config.timeoutMs} ms and count as lost, not as latency; ${pace}. The network or the server dropped them, or the server never answered (on loopback the kernel drops one only when a receive buffer is full)`;
}

/** Every request failed: most often the server speaks another framing (or protocol) than the run. */
function nothingVerified(config: LoadResultConfig): string {
  return `${NOTHING_VERIFIED_PREFIX}: every request failed (closed, reset, a bad frame or no answer); ${framingMismatchCause(config.framing)}`;
}

/** Why nothing at all may verify, and what to try: the framing (or protocol) the run spoke is not the server's. */
export function framingMismatchCause(framing: string): string {
  return framing === "http"
    ? "the server may not speak HTTP/1.1 POST: for a TCP server drop --transport http and give its --framing"
    : `the server's framing may not be ${framing}: give the one it speaks with --framing ${framingChoicesText()} (or --framing-module, docs/framing-module.md; --reply-framing or --reply-framing-module when its replies are framed otherwise), or --transport http for an HTTP server`;
}

/** The registered framings with their options' flags: `eof (--token), length (--length-bytes, ...), ..., naive`. */
function framingChoicesText(): string {
  const choices = framingNames().map((name) => {
    const flags = framingDefinition(name).options.map((option) => option.flag.split(" ")[0]);
    return flags.length > 0 ? `${name} (${flags.join(", ")})` : name;
  });
  return `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
}

/** The result with its latency summaries read again at these percentiles (--percentiles). */
export function withLatencyPercentiles(result: LoadResult, percentiles: readonly number[]): LoadResult {
  return {
    ...result,
    latencyUs: summarizeLatency(decodeHistogram(result.histogram), percentiles),
    ...(result.uncorrectedHistogram !== undefined
      ? { uncorrectedLatencyUs: summarizeLatency(decodeHistogram(result.uncorrectedHistogram), percentiles) }
      : {}),
  };
}

export function totalErrors(result: LoadResult): number {
  return ERROR_KINDS.reduce((sum, kind) => sum + result.errors[kind], 0);
}
