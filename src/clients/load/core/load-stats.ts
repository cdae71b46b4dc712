// Everything a run measures, recorded as it happens: counts, errors by kind, latency histograms and
// per-second throughput. The stats own the measured window: lanes report what happened and when, and
// the stats decide whether it counts (see isMeasured).

import {
  createLatencyHistogram,
  encodeHistogram,
  HIGHEST_LATENCY_US,
  type LatencyHistogram,
} from "../../../results/latency-histogram.js";
import {
  ERROR_KINDS,
  ERROR_SAMPLE_LIMIT,
  type ErrorKind,
  MISMATCH_KINDS,
  type MismatchKind,
} from "../../../results/load-result.js";
import { EMPTY_SECOND_HISTOGRAM } from "../../../results/per-second-latency.js";
import type { ErrorEvidence } from "../verification/error-evidence.js";
import type { VerdictRecorder } from "../verification/reply-verifier.js";
import type { RequestQueue } from "../verification/request-queue.js";

/** One error as it is counted, for a caller that wants more than the counts (check's verdicts). */
export interface LoadErrorEvent extends ErrorEvidence {
  kind: ErrorKind;
  /** The mismatch's own kind (lost, merged, split, corrupted, ...) when kind is `mismatch`. */
  mismatch?: MismatchKind;
  detail: string;
  /** Wall-clock time, ms since the epoch: to find the server's output lines of that moment. */
  atMs: number;
}

function zeroRecord<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}

export class LoadStats implements VerdictRecorder {
  readonly latency: LatencyHistogram = createLatencyHistogram();
  /** Open loop only: latency from the actual write. */
  readonly uncorrectedLatency: LatencyHistogram | undefined;
  sent = 0;
  received = 0;
  verified = 0;
  scheduled = 0;
  /** When the last measured request was written (0: none was). */
  lastSentUs = 0;
  /** Connections the server closed or reset before a byte of reply came on them. */
  closedBeforeReply = 0;
  readonly errors = zeroRecord(ERROR_KINDS);
  readonly mismatches = zeroRecord(MISMATCH_KINDS);
  readonly errorSamples: string[] = [];
  readonly messagesPerSecond: number[] = [];
  readonly bytesPerSecond: number[] = [];
  /** When the measured phase starts (per-second buckets count from here); until the run says, never. */
  private windowStartUs = Number.POSITIVE_INFINITY;
  /** The latency of the second being recorded; each closed second's is kept encoded. */
  private readonly secondLatency: LatencyHistogram = createLatencyHistogram();
  private latencySecond = 0;
  private readonly latencyHistogramsPerSecond: string[] = [];
  private pendingLatencyUs = -1;
  private pendingCount = 0;

  /** Verified replies of each lane (connection) this run drives, from `firstLane`. */
  private readonly laneReplies: Uint32Array;

  constructor(
    openLoop: boolean,
    private readonly onError?: (event: LoadErrorEvent) => void,
    private readonly firstLane = 0,
    laneCount = 0,
  ) {
    this.uncorrectedLatency = openLoop ? createLatencyHistogram() : undefined;
    this.laneReplies = new Uint32Array(laneCount);
  }

  /** Verified replies of each lane, in lane order (lanes that report none, as UDP's, stay at 0). */
  repliesByLane(): number[] {
    return Array.from(this.laneReplies);
  }

  get measureStartUs(): number {
    return this.windowStartUs;
  }

  /** The run's warmup is over at `startUs`: from then on, what happens counts. */
  startMeasuring(startUs: number): void {
    this.windowStartUs = startUs;
  }

  /**
   * The one rule of the measured window: what happened at `timeUs` counts when it is not before the
   * window's start. A request, and everything about its reply, is judged by its intended send time (a
   * warmup request answered after warmup does not count); an event of no request (bytes read, a
   * dropped connection) by when it happened.
   */
  isMeasured(timeUs: number): boolean {
    return timeUs >= this.windowStartUs;
  }

  /** Requests in `queue` that count, by their intended send times. */
  measuredIn(queue: RequestQueue): number {
    return queue.countIntendedFrom(this.windowStartUs);
  }

  /** A request meant for `intendedUs` was written at `sentUs`; says whether it counts. */
  recordSent(intendedUs: number, sentUs: number): boolean {
    const measured = this.isMeasured(intendedUs);
    if (measured) {
      this.sent++;
      this.lastSentUs = sentUs;
    }
    return measured;
  }

  /** A verified reply: latency from the intended send time and, in an open loop, from the write. */
  recordVerified(intendedUs: number, sentUs: number, nowUs: number, lane = -1): void {
    this.received++;
    this.verified++;
    if (lane >= 0)
      this.laneReplies[lane - this.firstLane] = (this.laneReplies[lane - this.firstLane] as number) + 1;
    const latencyUs = clampLatency(nowUs - intendedUs);
    const second = Math.floor((nowUs - this.windowStartUs) / 1e6);
    if (second > this.latencySecond) this.closeSecond(second);
    // A pipelined batch written together and answered in one read has one latency: record it once, with its count.
    if (latencyUs === this.pendingLatencyUs) {
      this.pendingCount++;
    } else {
      this.flushLatency();
      this.pendingLatencyUs = latencyUs;
      this.pendingCount = 1;
    }
    this.uncorrectedLatency?.recordValue(clampLatency(nowUs - sentUs));
    this.messagesPerSecond[second] = (this.messagesPerSecond[second] ?? 0) + 1;
  }

  /** Records the latency run kept back by recordVerified; call before reading the histogram. */
  flushLatency(): void {
    if (this.pendingCount > 0) {
      this.latency.recordValueWithCount(this.pendingLatencyUs, this.pendingCount);
      this.secondLatency.recordValueWithCount(this.pendingLatencyUs, this.pendingCount);
    }
    this.pendingCount = 0;
    this.pendingLatencyUs = -1;
  }

  /** Keeps the current second's latency histogram (encoded) and starts `next`'s. */
  private closeSecond(next: number): void {
    this.flushLatency();
    this.latencyHistogramsPerSecond[this.latencySecond] = encodeHistogram(this.secondLatency);
    this.secondLatency.reset();
    this.latencySecond = next;
  }

  /** Each second's encoded latency histogram, over `seconds` seconds at least; ends the recording. */
  latencyHistogramsBySecond(seconds: number): string[] {
    this.closeSecond(this.latencySecond + 1);
    const length = Math.max(seconds, this.latencyHistogramsPerSecond.length);
    return Array.from(
      { length },
      (_, second) => this.latencyHistogramsPerSecond[second] ?? EMPTY_SECOND_HISTOGRAM,
    );
  }

  /** Reply bytes read at `nowUs` (counted in the measured window only). */
  recordBytes(byteCount: number, nowUs: number): void {
    if (!this.isMeasured(nowUs)) return;
    const second = Math.floor((nowUs - this.windowStartUs) / 1e6);
    this.bytesPerSecond[second] = (this.bytesPerSecond[second] ?? 0) + byteCount;
  }

  recordMismatch(kind: MismatchKind, detail: string, withReply: boolean, evidence: ErrorEvidence = {}): void {
    if (withReply) this.received++;
    this.mismatches[kind]++;
    this.count("mismatch", `${kind}: ${detail}`, 1);
    this.onError?.({ kind: "mismatch", mismatch: kind, detail, atMs: Date.now(), ...evidence });
  }

  /** An error of no single request (a dropped connection, a failed connect) at `nowUs`, when measured. */
  recordErrorAt(kind: ErrorKind, detail: string, nowUs: number, evidence: ErrorEvidence = {}): void {
    if (this.isMeasured(nowUs)) this.recordError(kind, detail, 1, evidence);
  }

  /** Errors the caller has judged measured already (requests counted by their intended times). */
  recordError(kind: ErrorKind, detail: string, count = 1, evidence: ErrorEvidence = {}): void {
    this.count(kind, detail, count);
    this.onError?.({ kind, detail, atMs: Date.now(), ...evidence });
  }

  private count(kind: ErrorKind, detail: string, count: number): void {
    this.errors[kind] += count;
    if (this.errorSamples.length < ERROR_SAMPLE_LIMIT) this.errorSamples.push(`${kind}: ${detail}`);
  }
}

function clampLatency(latencyUs: number): number {
  return latencyUs <= 0 ? 0 : latencyUs >= HIGHEST_LATENCY_US ? HIGHEST_LATENCY_US : Math.round(latencyUs);
}
