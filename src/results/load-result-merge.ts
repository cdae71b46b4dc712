// Adding load results up: the parts of a sharded run (`sockbench merge`), or the worker threads of one
// process. Counts add, errors add by kind, HdrHistograms add (so a merged percentile is that of every
// sample together), and per-second series line up by wall clock.

import { registerErrorClass, SockbenchError } from "../errors.js";
import { addCpuTimes, type CpuTimes, cpuTimesOf } from "./cpu-usage.js";
import {
  createLatencyHistogram,
  decodeHistogram,
  type LatencyHistogram,
  type LatencySummary,
} from "./latency-histogram.js";
import {
  completeLoadResult,
  ERROR_SAMPLE_LIMIT,
  type LoadCounts,
  type LoadResult,
  type LoadResultConfig,
  type LoadResultShard,
} from "./load-result.js";
import { EMPTY_SECOND_HISTOGRAM, mergeSecondHistograms, p99OfEachSecond } from "./per-second-latency.js";

export class MergeError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_MERGE_REFUSED";
}
registerErrorClass(MergeError);

function addRecords<T extends { [key: string]: number | undefined }>(a: T, b: T): T {
  const sum: { [key: string]: number | undefined } = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + (value ?? 0);
  return sum as T;
}

/**
 * Each part's per-second series, shifted to start at the earliest part's second 0, added up; per-second
 * latency histograms add the same way when every part has them.
 */
function alignPerSecond(results: LoadResult[]): LoadResult["perSecond"] {
  const starts = results.map((result) => result.perSecond.startMs);
  const known = starts.filter((start): start is number => start !== undefined);
  // Results from before wall-clock keys (or without them) line up from their own second 0.
  const startMs = known.length === starts.length && known.length > 0 ? Math.min(...known) : undefined;
  const withHistograms = results.every((result) => result.perSecond.histograms !== undefined);
  const messages: number[] = [];
  const bytes: number[] = [];
  let histograms: string[] = [];
  for (const result of results) {
    const shift =
      startMs === undefined ? 0 : Math.round(((result.perSecond.startMs as number) - startMs) / 1000);
    const add = (sum: number[], values: number[]) => {
      values.forEach((value, index) => {
        sum[index + shift] = (sum[index + shift] ?? 0) + value;
      });
    };
    add(messages, result.perSecond.messages);
    add(bytes, result.perSecond.bytes);
    if (withHistograms) {
      const shifted = [
        ...Array(shift).fill(EMPTY_SECOND_HISTOGRAM),
        ...(result.perSecond.histograms as string[]),
      ];
      histograms = mergeSecondHistograms(histograms, shifted);
    }
  }
  const filled = (values: number[]) => Array.from(values, (value) => value ?? 0);
  return {
    ...(startMs !== undefined ? { startMs } : {}),
    messages: filled(messages),
    bytes: filled(bytes),
    ...(withHistograms ? { p99Us: p99OfEachSecond(histograms), histograms } : {}),
  };
}

/**
 * The measured span (durationS, or sendingS) of parts that ran side by side: first start to last end by
 * wall clock, when known.
 */
function mergedSpanS(results: LoadResult[], spanS: (result: LoadResult) => number): number {
  const longest = Math.max(...results.map(spanS));
  if (results.some((result) => result.perSecond.startMs === undefined)) return longest;
  const starts = results.map((result) => result.perSecond.startMs as number);
  const ends = results.map((result) => (result.perSecond.startMs as number) + spanS(result) * 1000);
  return Math.round((Math.max(...ends) - Math.min(...starts)) * 1000) / 1e6;
}

function addHistogram(into: LatencyHistogram | undefined, encoded: string | undefined): void {
  if (into !== undefined && encoded !== undefined) into.add(decodeHistogram(encoded));
}

/** CPU times added over results of separate processes; undefined when one of them has none. */
function addedCpuTimes(results: LoadResult[]): CpuTimes | undefined {
  let sum: CpuTimes | undefined;
  for (const result of results) {
    if (result.cpu === undefined) return undefined;
    sum = sum === undefined ? cpuTimesOf(result.cpu) : addCpuTimes(sum, cpuTimesOf(result.cpu));
  }
  return sum;
}

/** The parts' replies per connection side by side, in connection order (the parts hold disjoint slices). */
function mergedRepliesPerConnection(results: LoadResult[]): Pick<LoadResult, "repliesPerConnection"> {
  const parts = results
    .map((result) => result.repliesPerConnection)
    .filter((part) => part !== undefined)
    .sort((a, b) => a.first - b.first);
  const first = parts[0];
  if (first === undefined) return {};
  return { repliesPerConnection: { first: first.first, verified: parts.flatMap((part) => part.verified) } };
}

/**
 * One result from several that ran side by side (workers, processes, machines), with `config` as the
 * whole run's (the first part's when not given). It checks nothing: mergeShardParts does, for files.
 * `cpuTimes`: the CPU measured over the whole set by whoever ran it (worker threads share one process,
 * so their own figures each cover all of it); without it, each result's are added (separate processes).
 */
export function mergeLoadResults(
  results: LoadResult[],
  config?: LoadResultConfig,
  cpuTimes?: CpuTimes,
): LoadResult {
  const first = results[0];
  if (first === undefined) throw new MergeError("no results to merge");
  const latency = createLatencyHistogram();
  const uncorrected = first.uncorrectedHistogram !== undefined ? createLatencyHistogram() : undefined;
  const opened = results.filter((result) => result.opening !== undefined);
  let counts: LoadCounts = {
    tool: "sockbench",
    version: first.version,
    // ISO timestamps sort as text: the earliest start.
    startedAt: results.map((result) => result.startedAt).sort()[0] as string,
    config: config ?? first.config,
    ...(opened.length > 0
      ? {
          opening: {
            connections: opened.reduce((sum, result) => sum + (result.opening?.connections ?? 0), 0),
            durationMs: Math.max(...opened.map((result) => result.opening?.durationMs ?? 0)),
          },
        }
      : {}),
    durationS: mergedSpanS(results, (result) => result.durationS),
    ...(results.every((result) => result.sendingS !== undefined)
      ? { sendingS: mergedSpanS(results, (result) => result.sendingS as number) }
      : {}),
    messages: { ...first.messages },
    errors: { ...first.errors },
    ...(first.closedBeforeReply !== undefined ? { closedBeforeReply: first.closedBeforeReply } : {}),
    mismatches: { ...first.mismatches },
    errorSamples: [],
    perSecond: alignPerSecond(results),
    warnings: [...new Set(results.flatMap((result) => result.warnings))],
    ...(results.some((result) => result.partial) ? { partial: true } : {}),
    ...mergedRepliesPerConnection(results),
  };
  const cpu = cpuTimes ?? addedCpuTimes(results);
  if (cpu !== undefined) counts.cpuTimes = cpu;
  for (const result of results) {
    addHistogram(latency, result.histogram);
    addHistogram(uncorrected, result.uncorrectedHistogram);
    counts.errorSamples.push(...result.errorSamples);
    if (result === first) continue;
    counts = {
      ...counts,
      messages: addRecords(counts.messages, result.messages),
      errors: addRecords(counts.errors, result.errors),
      mismatches: addRecords(counts.mismatches, result.mismatches),
    };
    const closedBeforeReply = (counts.closedBeforeReply ?? 0) + (result.closedBeforeReply ?? 0);
    if (closedBeforeReply > 0) counts.closedBeforeReply = closedBeforeReply;
  }
  counts.errorSamples = counts.errorSamples.slice(0, ERROR_SAMPLE_LIMIT);
  const merged = completeLoadResult(counts, latency, uncorrected);
  // A histogram added into another keeps its maximum only to its resolution; the parts know it exactly.
  merged.latencyUs.max = exactMax(
    results.map((result) => result.latencyUs),
    merged.latencyUs.max,
  );
  if (merged.uncorrectedLatencyUs !== undefined) {
    const parts = results.map((result) => result.uncorrectedLatencyUs);
    merged.uncorrectedLatencyUs.max = exactMax(parts, merged.uncorrectedLatencyUs.max);
  }
  return merged;
}

function exactMax(parts: (LatencySummary | undefined)[], fallback: number): number {
  const maxima = parts.map((summary) => summary?.max);
  return maxima.every((max) => max !== undefined) ? Math.max(0, ...(maxima as number[])) : fallback;
}

/** A result file to merge, and where it came from (named in every refusal). */
export interface MergePart {
  source: string;
  result: LoadResult;
}

const WHOLE_RUN: LoadResultShard = { index: 0, count: 1, firstConnection: 0, connections: 0 };

function shardName(shard: LoadResultShard): string {
  return `shard ${shard.index}/${shard.count}`;
}

/** The first config field two parts disagree on, as `field: A in X, B in Y`. */
function configDifference(a: MergePart, b: MergePart): string | undefined {
  const keys = new Set([...Object.keys(a.result.config), ...Object.keys(b.result.config)]);
  for (const key of [...keys].sort()) {
    const left = JSON.stringify((a.result.config as unknown as Record<string, unknown>)[key]);
    const right = JSON.stringify((b.result.config as unknown as Record<string, unknown>)[key]);
    if (left !== right)
      return `config.${key} is ${left ?? "absent"} in ${a.source}, ${right ?? "absent"} in ${b.source}`;
  }
  return undefined;
}

function checkIsLoadResult(part: MergePart): void {
  const result = part.result as unknown as Record<string, unknown> | null;
  const missing = ["config", "messages", "errors", "mismatches", "perSecond", "histogram"].filter(
    (key) => typeof result?.[key] !== "object" && typeof result?.[key] !== "string",
  );
  if (result === null || typeof result !== "object" || result.tool !== "sockbench" || missing.length > 0) {
    throw new MergeError(
      `${part.source} is not a sockbench load result${missing.length > 0 ? ` (no ${missing.join(", ")})` : ""}`,
    );
  }
  if (result.mergedShards !== undefined) {
    throw new MergeError(
      `${part.source} is already merged from ${result.mergedShards} shards: merge the parts`,
    );
  }
}

/** Parts' starts may differ by this much besides their measured time: clocks and connection set-up. */
const START_SLACK_MS = 60_000;

/**
 * Refuses parts that did not run side by side: one starting after another's series ended (plus
 * START_SLACK_MS) is another run, and lining their seconds up would claim a run as long as the gap.
 */
function checkSideBySide(parts: MergePart[]): void {
  const timed = parts.filter((part) => part.result.perSecond.startMs !== undefined);
  if (timed.length < 2) return;
  const startOf = (part: MergePart) => part.result.perSecond.startMs as number;
  const earliest = timed.reduce((a, b) => (startOf(b) < startOf(a) ? b : a));
  const latest = timed.reduce((a, b) => (startOf(b) > startOf(a) ? b : a));
  const longestMs = Math.max(...timed.map((part) => part.result.perSecond.messages.length)) * 1000;
  const gapMs = startOf(latest) - startOf(earliest);
  if (gapMs > longestMs + START_SLACK_MS) {
    throw new MergeError(
      `${latest.source} started ${(gapMs / 1000).toFixed(3)} s after ${earliest.source}, longer than the parts ran (${longestMs / 1000} s) and ${START_SLACK_MS / 1000} s besides: parts of different runs (shards start together, --start-at)`,
    );
  }
}

/**
 * The parts of one sharded run (load --shard I/N), merged. Refused with a MergeError naming the files:
 * parts of different configurations or shard counts, two copies of one shard, a shard index beyond its
 * count, parts that did not run side by side, and (unless `partial`) a missing shard; a partial merge says which shards it lacks in its warnings.
 */
export function mergeShardParts(parts: MergePart[], options: { partial?: boolean } = {}): LoadResult {
  if (parts.length === 0) throw new MergeError("give the result files of the shards to merge");
  for (const part of parts) checkIsLoadResult(part);
  const first = parts[0] as MergePart;
  const count = (first.result.shard ?? WHOLE_RUN).count;
  const seen = new Map<number, MergePart>();
  for (const part of parts) {
    const shard = part.result.shard ?? WHOLE_RUN;
    if (shard.index >= shard.count) {
      throw new MergeError(
        `${part.source} claims ${shardName(shard)}: a shard's index counts from 0 to ${shard.count - 1}`,
      );
    }
    if (shard.count !== count) {
      throw new MergeError(
        `${first.source} is ${shardName(first.result.shard ?? WHOLE_RUN)} but ${part.source} is ${shardName(shard)}: parts of different runs`,
      );
    }
    const copy = seen.get(shard.index);
    if (copy !== undefined) {
      throw new MergeError(
        `${copy.source} and ${part.source} are both ${shardName(shard)}: two copies of one shard`,
      );
    }
    seen.set(shard.index, part);
    const difference = configDifference(first, part);
    if (difference !== undefined) {
      throw new MergeError(`${first.source} and ${part.source} ran different configurations: ${difference}`);
    }
  }
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !seen.has(index));
  const missingNames = missing.map((index) => `${index}/${count}`).join(", ");
  if (missing.length > 0 && !options.partial) {
    throw new MergeError(
      `shard${missing.length > 1 ? "s" : ""} ${missingNames} missing (${parts.length} of ${count} given): merge them all, or pass --partial`,
    );
  }
  checkSideBySide(parts);
  const ordered = [...seen.entries()].sort(([a], [b]) => a - b).map(([, part]) => part.result);
  const merged = mergeLoadResults(ordered, first.result.config);
  if (missing.length > 0) {
    merged.warnings.push(`partial merge: ${parts.length} of ${count} shards, ${missingNames} missing`);
  }
  return { ...merged, mergedShards: parts.length };
}
