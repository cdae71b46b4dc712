// Merging shard results: any latencies, split any way over shards and merged, make the histogram that
// recording them in one would; counts add by kind; per-second series line up by wall clock; and parts
// that are not one run are refused with the files named.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  HIGHEST_LATENCY_US,
  summarizeLatency,
} from "../src/results/latency-histogram.js";
import {
  completeLoadResult,
  ERROR_KINDS,
  type LoadResult,
  type LoadResultConfig,
  MISMATCH_KINDS,
} from "../src/results/load-result.js";
import { MergeError, type MergePart, mergeShardParts } from "../src/results/load-result-merge.js";

const CONFIG: LoadResultConfig = {
  target: "127.0.0.1:7000",
  transport: "tcp",
  framing: "length",
  connections: 8,
  pipelining: 1,
  sizes: [64],
  durationMs: 3000,
  warmupMs: 0,
  timeoutMs: 5000,
  verify: "echo",
  workers: 1,
  seed: 1,
};

interface PartSpec {
  latenciesUs: number[];
  errors?: Partial<Record<(typeof ERROR_KINDS)[number], number>>;
  startMs?: number;
  perSecond?: number[];
}

function part(spec: PartSpec, index: number, count: number, config = CONFIG): MergePart {
  const histogram = createLatencyHistogram();
  for (const latency of spec.latenciesUs) histogram.recordValue(latency);
  const errors = Object.fromEntries(ERROR_KINDS.map((kind) => [kind, spec.errors?.[kind] ?? 0]));
  const perSecond = spec.perSecond ?? [spec.latenciesUs.length];
  const result = completeLoadResult(
    {
      tool: "sockbench",
      version: "0.1.0",
      startedAt: new Date(spec.startMs ?? 0).toISOString(),
      config,
      shard: { index, count, firstConnection: index, connections: 1 },
      durationS: perSecond.length,
      messages: {
        sent: spec.latenciesUs.length,
        received: spec.latenciesUs.length,
        verified: spec.latenciesUs.length,
      },
      errors: errors as LoadResult["errors"],
      mismatches: Object.fromEntries(MISMATCH_KINDS.map((kind) => [kind, 0])) as LoadResult["mismatches"],
      errorSamples: [],
      perSecond: {
        ...(spec.startMs !== undefined ? { startMs: spec.startMs } : {}),
        messages: perSecond,
        bytes: perSecond.map((count) => count * 64),
      },
      warnings: [],
    },
    histogram,
    undefined,
  );
  // Through JSON, as a file on disk carries it.
  return { source: `part-${index}.json`, result: JSON.parse(JSON.stringify(result)) as LoadResult };
}

const latency = fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: HIGHEST_LATENCY_US }));

describe("merging shard parts", () => {
  // Decoding hour-wide histograms is slow on a busy machine: a generous bound, the runs are what count.
  it("any latencies split any way over shards merge to the histogram of recording them in one", {
    timeout: 180_000,
  }, () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(latency, fc.nat()), { maxLength: 400 }),
        fc.integer({ min: 1, max: 12 }),
        (samples, count) => {
          const byShard: number[][] = Array.from({ length: count }, () => []);
          for (const [value, pick] of samples) byShard[pick % count]?.push(value);
          const merged = mergeShardParts(
            byShard.map((latenciesUs, index) => part({ latenciesUs }, index, count)),
          );
          const whole = createLatencyHistogram();
          for (const [value] of samples) whole.recordValue(value);
          expect(merged.histogram).toBe(encodeHistogram(whole));
          expect(decodeHistogram(merged.histogram).totalCount).toBe(samples.length);
          expect(merged.latencyUs).toEqual(summarizeLatency(whole));
          expect(merged.messages.verified).toBe(samples.length);
          expect(merged.mergedShards).toBe(count);
        },
      ),
      // Each run decodes up to a dozen hour-wide histograms: fewer runs keep the file to a few seconds.
      { numRuns: 50 },
    );
  });

  it("adds errors by kind and lines per-second series up by wall clock", () => {
    const startMs = Date.UTC(2026, 11, 1, 10, 0, 0);
    const merged = mergeShardParts([
      part({ latenciesUs: [10], errors: { timeout: 2, reset: 1 }, startMs, perSecond: [5, 6, 7] }, 0, 3),
      // Started one second later (say, it was late): its second 0 is the others' second 1.
      part(
        { latenciesUs: [20], errors: { timeout: 3 }, startMs: startMs + 1000, perSecond: [1, 1, 1] },
        1,
        3,
      ),
      part({ latenciesUs: [30], errors: { protocol: 4 }, startMs: startMs + 2, perSecond: [2, 2, 2] }, 2, 3),
    ]);
    expect(merged.errors).toEqual({ mismatch: 0, timeout: 5, reset: 1, protocol: 4, connect: 0 });
    expect(merged.perSecond.startMs).toBe(startMs);
    expect(merged.perSecond.messages).toEqual([7, 9, 10, 1]);
    // The measured span runs from the first start to the last end: four seconds.
    expect(merged.durationS).toBe(4);
    expect(merged.config).toEqual(CONFIG);
  });

  it("refuses two copies of one shard, naming both files", () => {
    const zero = part({ latenciesUs: [1] }, 0, 2);
    const again = { ...part({ latenciesUs: [2] }, 0, 2), source: "copy.json" };
    expect(() => mergeShardParts([zero, again])).toThrow(
      new MergeError("part-0.json and copy.json are both shard 0/2: two copies of one shard"),
    );
  });

  it("refuses parts of different configurations, naming the field", () => {
    const other = part({ latenciesUs: [2] }, 1, 2, { ...CONFIG, connections: 16 });
    expect(() => mergeShardParts([part({ latenciesUs: [1] }, 0, 2), other])).toThrow(
      /ran different configurations: config.connections is 8 in part-0.json, 16 in part-1.json/,
    );
  });

  it("refuses parts of different shard counts", () => {
    expect(() =>
      mergeShardParts([part({ latenciesUs: [1] }, 0, 2), part({ latenciesUs: [1] }, 1, 3)]),
    ).toThrow(/part-0.json is shard 0\/2 but part-1.json is shard 1\/3/);
  });

  it("refuses a missing shard unless asked for a partial merge, which says what it lacks", () => {
    const parts = [part({ latenciesUs: [1] }, 0, 4), part({ latenciesUs: [2] }, 2, 4)];
    expect(() => mergeShardParts(parts)).toThrow(/shards 1\/4, 3\/4 missing \(2 of 4 given\)/);
    const merged = mergeShardParts(parts, { partial: true });
    expect(merged.warnings).toContain("partial merge: 2 of 4 shards, 1/4, 3/4 missing");
    expect(merged.messages.verified).toBe(2);
  });

  it("refuses what is not a load result, and a result already merged", () => {
    const notResult = {
      source: "bench.json",
      result: { tool: "sockbench", runs: [] } as unknown as LoadResult,
    };
    expect(() => mergeShardParts([notResult])).toThrow(
      /bench.json is not a sockbench load result \(no config/,
    );
    const merged = mergeShardParts([part({ latenciesUs: [1] }, 0, 1)]);
    expect(() => mergeShardParts([{ source: "merged.json", result: merged }])).toThrow(
      /merged.json is already merged from 1 shards/,
    );
  });
});
