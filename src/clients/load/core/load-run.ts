// One load run in this thread, over the transport its config names (found in the transport registry, so
// that the run knows none): opens its lanes, drives them (closed loop, or the open-loop schedule), keeps
// the deadline, and ends by itself, whatever the server does, by the deadline plus one timeout. Every
// socket and timer it made is gone when its promise settles.

import { checksReplies, type Expectation } from "../../../apps/expectation.js";
import { readProcessTreeCpu } from "../../../platform/process-cpu.js";
import type { CpuTimes } from "../../../results/cpu-usage.js";
import { framingFields } from "../../../results/framing-fields.js";
import type { LoadProgress } from "../../../results/load-progress.js";
import { completeLoadResult, type LoadResult, type LoadResultConfig } from "../../../results/load-result.js";
import { p99OfEachSecond } from "../../../results/per-second-latency.js";
import { SOCKBENCH_VERSION } from "../../../version.js";
import { CpuMeter } from "./cpu-meter.js";
import { DriverPauses } from "./driver-pauses.js";
import { monotonicUsOf, nowUs, wallClockMsOf } from "./load-clock.js";
import { configError, field, LoadConfigError, type ResolvedLoadConfig } from "./load-config.js";
import type { LaneHost, LoadLane, LoadTransport } from "./load-lane.js";
import { amountShare, requestsOnSlice } from "./load-share.js";
import { type LoadErrorEvent, LoadStats } from "./load-stats.js";
import { OpenLoopSchedule } from "./open-loop-schedule.js";
import { formatTarget, targetForTransport } from "./target.js";
import { createTransport } from "./transport-registry.js";

export interface LoadHooks {
  /** Called about once a second while the run lasts. */
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Aborting it (Ctrl-C) ends the run early: it settles with what was measured so far, marked `partial`,
   * its duration the time actually run; requests still in flight are left out, not counted as errors.
   */
  signal?: AbortSignal;
  /** Called for each error as it is counted, with the bytes involved (in this thread only, not from workers). */
  onError?: (event: LoadErrorEvent) => void;
}

const PROGRESS_INTERVAL_MS = 1000;
const MAX_SWEEP_INTERVAL_MS = 100;

export function resultConfigOf(config: ResolvedLoadConfig): LoadResultConfig {
  return {
    target: formatTarget(targetForTransport(config.target, config.transport)),
    transport: config.transport,
    // Over http the framing is HTTP/1.1's own and over udp the datagram's: rows beside the TCP framings.
    ...(config.transport === "tcp"
      ? framingFields(config.framing, config.replyFraming)
      : { framing: config.transport }),
    connections: config.connections,
    pipelining: config.pipelining,
    sizes: config.sizesBytes,
    ...(config.message !== undefined ? { message: config.message.toString("utf8") } : {}),
    ...(config.durationMs !== undefined ? { durationMs: config.durationMs } : {}),
    ...(config.amount !== undefined ? { amount: config.amount } : {}),
    warmupMs: config.warmupMs,
    ...(config.rate !== undefined ? { rate: config.rate } : {}),
    timeoutMs: config.timeoutMs,
    verify: config.expectModule ?? config.verify,
    workers: config.workers,
    seed: config.seed,
    ...(config.transport === "tcp" && config.splitPieces > 1 ? { splitPieces: config.splitPieces } : {}),
    ...(config.transport === "tcp" && config.nagle ? { nagle: true } : {}),
    ...(config.label !== undefined ? { label: config.label } : {}),
    connectRate: config.connectRate,
    ...(config.startAtMs !== undefined ? { startAt: new Date(config.startAtMs).toISOString() } : {}),
  };
}

export class LoadRun implements LaneHost {
  readonly stats: LoadStats;
  readonly openLoop: boolean;
  active = true;
  private issuing = true;
  private measuring = false;
  /** Closed loop with an amount: measured requests still to issue. */
  private remaining: number | undefined;
  /** The lanes and the way to the target (tests reach in to fault its close). */
  readonly transport: LoadTransport;
  private readonly lanes: readonly LoadLane[];
  private schedule: OpenLoopSchedule | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private startUs = 0;
  private deadlineUs: number | undefined;
  private lastReplyUs = 0;
  /**
   * When the first request claimed since the last reply was claimed: a dropped connection forgets its
   * requests, so without this a server gone for good, reset on every reconnect, never looks silent.
   */
  private owedSinceUs: number | undefined;
  private readonly warnings: string[] = [];
  private settle: ((result: LoadResult) => void) | undefined;
  private startedAt = "";
  private openingMs = 0;
  private interrupted = false;
  /** --bail's count was reached: the run stops as if interrupted, and says why. */
  private bailed = false;
  private readonly onAbort = () => this.interrupt();
  /** This thread's load uses one core. */
  private readonly cpuMeter: CpuMeter;
  /** Time this thread did not run, which timeouts do not count (set when the load starts). */
  private pauses: DriverPauses | undefined;

  constructor(
    readonly config: ResolvedLoadConfig,
    readonly expectation: Expectation,
    private readonly hooks: LoadHooks = {},
  ) {
    this.openLoop = config.rate !== undefined;
    this.stats = new LoadStats(
      this.openLoop,
      (event) => this.onError(event),
      config.slice.first,
      config.slice.count,
    );
    this.remaining =
      config.rate === undefined && config.amount !== undefined
        ? amountShare(config.amount, config.slice)
        : undefined;
    this.transport = createTransport(config, this);
    this.lanes = this.transport.lanes;
    this.cpuMeter = new CpuMeter(1, config.serverPid);
  }

  /** Opens every lane; rejects (before any load) when a payload cannot be framed or the target cannot be reached. */
  async open(): Promise<void> {
    this.startedAt = new Date().toISOString();
    if (this.config.serverPid !== undefined) checkServerPid(this.config.serverPid);
    const openingUs = nowUs();
    try {
      await this.transport.open();
    } catch (error) {
      this.active = false;
      throw error;
    }
    this.openingMs = (nowUs() - openingUs) / 1000;
  }

  /**
   * Runs the load on the opened connections; settles with the result once every socket is closed. With
   * a start time (config.startAtMs) it waits for it, and rejects with a LoadConfigError when it has passed.
   */
  async measure(): Promise<LoadResult> {
    const { startAtMs, warmupMs } = this.config;
    const startUs = startAtMs === undefined ? nowUs() : monotonicUsOf(startAtMs) - warmupMs * 1000;
    const lateMs = (nowUs() - startUs) / 1000;
    if (startAtMs !== undefined && lateMs > 0) {
      this.active = false;
      await this.transport.close();
      throw configError`the start time ${new Date(startAtMs).toISOString()}${warmupMs > 0 ? ` (less ${warmupMs} ms of warmup)` : ""} passed ${Math.ceil(lateMs)} ms before this run was ready (opening its connections took ${Math.round(this.openingMs)} ms): give a later ${field("startAtMs")}`;
    }
    while (nowUs() < startUs) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, (startUs - nowUs()) / 1000)));
    }
    return new Promise((resolve) => {
      this.settle = resolve;
      this.start(startUs);
      const { signal } = this.hooks;
      if (signal?.aborted) this.interrupt();
      else signal?.addEventListener("abort", this.onAbort, { once: true });
    });
  }

  /** Ends the run now, keeping what was measured (see LoadHooks.signal). */
  interrupt(): void {
    if (!this.active) return;
    this.interrupted = true;
    this.finish();
  }

  /** Every counted error: handed on, and with --bail, the run stops at the count (after the lane's turn). */
  private onError(event: LoadErrorEvent): void {
    this.hooks.onError?.(event);
    const { bail } = this.config;
    if (bail === undefined || this.bailed || !this.active) return;
    const errors = Object.values(this.stats.errors).reduce((sum, count) => sum + count, 0);
    if (errors < bail) return;
    this.bailed = true;
    setImmediate(() => this.interrupt());
  }

  claimRequest(now: number): boolean {
    if (!this.issuing) return false;
    this.owedSinceUs ??= now;
    if (this.remaining === undefined) return true;
    // Judged by the same clock reading the connection stamps the request with: warmup is free.
    if (!this.stats.isMeasured(now)) return true;
    if (this.remaining > 0) {
      this.remaining--;
      return true;
    }
    this.stopIssuing();
    return false;
  }

  onReplies(now: number): void {
    this.lastReplyUs = now;
    this.owedSinceUs = undefined;
    if (!this.issuing || this.schedule?.isComplete) this.finishIfDrained();
  }

  /** Starts the load (its warmup first) at `startUs`, which every shard of the load shares. */
  private start(startUs: number): void {
    const { warmupMs, durationMs, timeoutMs, rate } = this.config;
    this.startUs = startUs;
    this.lastReplyUs = nowUs();
    const measureStartUs = this.startUs + warmupMs * 1000;
    this.stats.startMeasuring(measureStartUs);
    if (warmupMs > 0) this.at(measureStartUs, () => this.startMeasuring());
    else this.startMeasuring();
    if (durationMs !== undefined) {
      this.deadlineUs = measureStartUs + durationMs * 1000;
      this.at(this.deadlineUs, () => {
        this.stopIssuing();
        // Whatever the server does, the run ends one timeout (of this thread's running time) after the deadline.
        this.finishAfterTimeout(this.deadlineUs as number);
        this.finishIfDrained();
      });
    }
    const sweepMs = Math.max(1, Math.min(MAX_SWEEP_INTERVAL_MS, Math.floor(timeoutMs / 4)));
    this.pauses = new DriverPauses(sweepMs * 1000, nowUs());
    this.timers.push(setInterval(() => this.sweep(), sweepMs));
    if (this.hooks.onProgress)
      this.timers.push(setInterval(() => this.reportProgress(), PROGRESS_INTERVAL_MS));
    if (rate !== undefined) {
      const warmupCount = OpenLoopSchedule.countBefore(rate, warmupMs * 1000);
      const total =
        durationMs !== undefined
          ? OpenLoopSchedule.countBefore(rate, (warmupMs + durationMs) * 1000)
          : warmupCount + (this.config.amount as number);
      const slice = this.config.slice;
      this.stats.scheduled = requestsOnSlice(total, slice) - requestsOnSlice(warmupCount, slice);
      this.schedule = new OpenLoopSchedule(rate, this.lanes, slice, this.startUs, total);
      this.schedule.start();
    } else {
      for (const lane of this.lanes) lane.pump();
    }
  }

  private startMeasuring(): void {
    this.measuring = true;
    this.cpuMeter.start();
  }

  private stopIssuing(): void {
    this.issuing = false;
    // Every request meant for the run is due by its end (a late timer must not drop the last ones); those
    // the server's slowness kept back are still written in the grace period, their latency counting on.
    this.schedule?.complete();
  }

  /** Finishes once a timeout of this thread's running time has passed since `sinceUs`. */
  private finishAfterTimeout(sinceUs: number): void {
    const dueUs = sinceUs + this.timeoutUs(nowUs());
    this.at(dueUs, () => {
      if (sinceUs + this.timeoutUs(nowUs()) > dueUs) this.finishAfterTimeout(sinceUs);
      else this.finish();
    });
  }

  /** The timeout, lengthened by the time this thread did not run within it. */
  private timeoutUs(now: number): number {
    const timeoutUs = this.config.timeoutMs * 1000;
    return this.pauses?.extendedTimeoutUs(now, timeoutUs) ?? timeoutUs;
  }

  private sweep(): void {
    const now = nowUs();
    this.pauses?.tick(now);
    const timeoutUs = this.timeoutUs(now);
    const busy = this.lanes.some((lane) => lane.isBusy);
    const silentSinceUs = this.silentSinceUs();
    // Requests past their timeout are counted as such first, each with its own detail, so that the
    // run-level stop below only ever catches what has not yet had its full timeout.
    for (const lane of this.lanes) lane.checkTimeout(now, timeoutUs);
    // All of the run sent and nothing left waiting once the expired are counted (a UDP run whose last
    // datagram was lost): it ended drained, not stopped before its amount.
    if (!this.issuing || this.schedule?.isComplete) {
      this.finishIfDrained();
      if (!this.active) return;
    }
    // Without a deadline, a server that answers nothing for a whole timeout ends the run.
    const owed = busy || this.owedSinceUs !== undefined;
    if (this.deadlineUs === undefined && owed && now - silentSinceUs >= timeoutUs) {
      this.warnings.push(`no reply for ${this.config.timeoutMs} ms: the run was stopped before its amount`);
      this.finish();
      return;
    }
    if (!this.issuing || this.schedule?.isComplete) this.finishIfDrained();
  }

  /**
   * Since when the server has owed a reply and sent none: the later of the last reply and the oldest
   * request still unanswered, or dropped unanswered since the last reply. An open loop slower than the
   * timeout waits between requests without owing anything, so the last reply alone would call a working
   * server silent.
   */
  private silentSinceUs(): number {
    let oldestOwedUs = this.owedSinceUs ?? Number.POSITIVE_INFINITY;
    for (const lane of this.lanes) oldestOwedUs = Math.min(oldestOwedUs, lane.oldestSentUs() ?? oldestOwedUs);
    return oldestOwedUs === Number.POSITIVE_INFINITY
      ? this.lastReplyUs
      : Math.max(this.lastReplyUs, oldestOwedUs);
  }

  private finishIfDrained(): void {
    if (!this.active) return;
    if (this.schedule !== undefined && !this.schedule.isComplete && this.issuing) return;
    if (this.lanes.every((lane) => !lane.isBusy)) this.finish();
  }

  private reportProgress(): void {
    const now = nowUs();
    const errors = Object.values(this.stats.errors).reduce((sum, count) => sum + count, 0);
    this.hooks.onProgress?.({
      elapsedMs: Math.round((now - this.startUs) / 1000),
      phase: !this.measuring ? "warmup" : this.issuing ? "measure" : "drain",
      sent: this.stats.sent,
      ...this.replyCounts(),
      judged: checksReplies(this.expectation),
      errors,
    });
  }

  /** The stats count every answer as verified; a run that judges nothing (--expect none) verified none. */
  private replyCounts(): { received: number; verified: number } {
    const { received, verified } = this.stats;
    return { received, verified: checksReplies(this.expectation) ? verified : 0 };
  }

  private finish(): void {
    if (!this.active) return;
    this.active = false;
    this.issuing = false;
    const now = nowUs();
    // A run that ended within its warmup measured nothing: its CPU is all warmup.
    const cpu = this.measuring ? this.cpuMeter.stop() : undefined;
    if (cpu?.warning !== undefined) this.warnings.push(cpu.warning);
    const pauseWarning = driverPauseWarning(this.pauses?.longestPauseUs ?? 0, this.config.timeoutMs);
    if (pauseWarning !== undefined) this.warnings.push(pauseWarning);
    this.schedule?.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.hooks.signal?.removeEventListener("abort", this.onAbort);
    let unanswered = 0;
    let unsent = 0;
    for (const lane of this.lanes) {
      unanswered += lane.measuredUnanswered();
      unsent += this.stats.measuredIn(lane.due);
    }
    if (this.interrupted) {
      // Cut short, not failed: what was still in flight or due is left out, and said so.
      const why = this.bailed ? `bailed at ${this.config.bail} errors (--bail)` : "interrupted";
      this.warnings.push(
        `${why}: the figures cover the ${this.measuredSeconds(now).toFixed(2)} s actually measured; ${unanswered + unsent} requests in flight or due were left out`,
      );
      unanswered = 0;
      unsent = 0;
    }
    if (unanswered > 0) {
      this.stats.recordError(
        "timeout",
        `${unanswered} requests still unanswered when the run ended`,
        unanswered,
      );
    }
    if (unsent > 0) {
      // Open loop: due for at least a timeout and still not written, because the server never caught up.
      this.stats.recordError(
        "timeout",
        `${unsent} scheduled requests never written: the server fell behind`,
        unsent,
      );
    }
    const starved = starvedConnectionsWarning(this.stats.repliesByLane(), this.stats.errors.timeout);
    if (starved !== undefined && this.config.transport !== "udp") this.warnings.push(starved);
    // The result is due whatever closing does: a close that fails is reported, never waited on forever.
    const closed = this.transport.close().then(
      () => undefined,
      (error: Error) => {
        this.warnings.push(`closing the connections failed: ${error.message}`);
      },
    );
    void closed.then(() => this.settle?.(this.result(now, cpu?.times)));
  }

  private measuredSeconds(endUs: number): number {
    const measuredEndUs = Math.min(endUs, this.deadlineUs ?? endUs);
    return Math.max(0, (measuredEndUs - this.stats.measureStartUs) / 1e6);
  }

  private result(endUs: number, cpuTimes: CpuTimes | undefined): LoadResult {
    const stats = this.stats;
    stats.flushLatency();
    const durationS = this.measuredSeconds(endUs);
    const seconds = Math.max(1, Math.ceil(durationS));
    const filled = (values: number[]) =>
      Array.from({ length: Math.max(seconds, values.length) }, (_, i) => values[i] ?? 0);
    const messages = filled(stats.messagesPerSecond);
    const latencyHistograms = stats.latencyHistogramsBySecond(messages.length);
    return completeLoadResult(
      {
        tool: "sockbench",
        version: SOCKBENCH_VERSION,
        startedAt: this.startedAt,
        config: resultConfigOf(this.config),
        opening: { connections: this.lanes.length, durationMs: Math.round(this.openingMs) },
        durationS: Math.round(durationS * 1e6) / 1e6,
        ...(this.openLoop && stats.lastSentUs > 0
          ? { sendingS: Math.round(this.measuredSeconds(stats.lastSentUs) * 1e6) / 1e6 }
          : {}),
        messages: {
          sent: stats.sent,
          ...this.replyCounts(),
          ...(this.openLoop ? { scheduled: stats.scheduled } : {}),
        },
        errors: { ...stats.errors },
        mismatches: { ...stats.mismatches },
        errorSamples: [...stats.errorSamples],
        ...(stats.closedBeforeReply > 0 ? { closedBeforeReply: stats.closedBeforeReply } : {}),
        perSecond: {
          startMs: Math.round(wallClockMsOf(stats.measureStartUs) * 1000) / 1000,
          messages,
          bytes: filled(stats.bytesPerSecond),
          p99Us: p99OfEachSecond(latencyHistograms),
          histograms: latencyHistograms,
        },
        ...(cpuTimes ? { cpuTimes } : {}),
        warnings: this.warnings,
        ...(this.interrupted ? { partial: true } : {}),
        ...(this.config.perConnection
          ? { repliesPerConnection: { first: this.config.slice.first, verified: stats.repliesByLane() } }
          : {}),
      },
      stats.latency,
      stats.uncorrectedLatency,
    );
  }

  private at(timeUs: number, action: () => void): void {
    this.timers.push(setTimeout(action, Math.max(0, (timeUs - nowUs()) / 1000)));
  }
}

/**
 * Some connections answered and the others only timed out: most often a server that serves one
 * connection at a time (the lab's sequential server), which the timeouts alone do not say.
 */
export function starvedConnectionsWarning(repliesByLane: number[], timeouts: number): string | undefined {
  const answered = repliesByLane.filter((count) => count > 0).length;
  if (timeouts === 0 || answered === 0 || answered === repliesByLane.length) return undefined;
  return `only ${answered} of ${repliesByLane.length} connections got a reply, the others timed out: the server may serve one connection at a time (a sequential server); load it with -c ${answered}, or see each connection with --per-connection`;
}

/** A --server-pid that names no process is a usage error, found before any load. */
export function checkServerPid(pid: number): void {
  if (readProcessTreeCpu(pid) === undefined) {
    throw new LoadConfigError(
      `server pid ${pid}: no such process, or its CPU time cannot be read (it is read from /proc, on Linux)`,
    );
  }
}

/**
 * Said when this thread once stood still for half a timeout or more: the timeouts waited that much
 * longer, and the latencies around it include time no server spent.
 */
function driverPauseWarning(longestPauseUs: number, timeoutMs: number): string | undefined {
  const pauseMs = Math.round(longestPauseUs / 1000);
  if (pauseMs < timeoutMs / 2) return undefined;
  return `the driver itself did not run for ${pauseMs} ms at once (a busy machine, or a long pause of its own): timeouts do not count that time, and latencies measured across it include it`;
}
