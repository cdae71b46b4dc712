// The proxy's fault stages on their own, with a collecting sink: what each passes on, in what pieces
// and order, and that the same seed repeats the same random choices.

import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BandwidthStage } from "../src/proxy/bandwidth-stage.js";
import { CoalescerStage } from "../src/proxy/coalescer-stage.js";
import { buildFaultPipeline } from "../src/proxy/fault-pipeline.js";
import type { ChunkSink } from "../src/proxy/fault-stage.js";
import { LatencyStage } from "../src/proxy/latency-stage.js";
import { ResetAfterStage } from "../src/proxy/reset-after-stage.js";
import { SlicerStage } from "../src/proxy/slicer-stage.js";
import { TimedDelivery } from "../src/proxy/timed-delivery.js";
import { SeededRandom } from "../src/seeded-random.js";

interface Collector extends ChunkSink {
  chunks: Buffer[];
  ended: Promise<void>;
  isEnded(): boolean;
}

function collector(): Collector {
  const chunks: Buffer[] = [];
  let ended = false;
  let markEnded: () => void = () => {};
  return {
    chunks,
    ended: new Promise((resolve) => {
      markEnded = resolve;
    }),
    isEnded: () => ended,
    write: (chunk) => chunks.push(chunk),
    end: () => {
      ended = true;
      markEnded();
    },
  };
}

describe("TimedDelivery", () => {
  it("never lets a chunk due earlier overtake one scheduled before it", async () => {
    const sink = collector();
    const delivery = new TimedDelivery(sink);
    const nowMs = TimedDelivery.nowMs();
    const dueOffsetsMs = [30, 5, 20, 0, 10];
    dueOffsetsMs.forEach((offsetMs, index) => {
      delivery.schedule(Buffer.from([index]), nowMs + offsetMs);
    });
    delivery.end();
    expect(sink.isEnded()).toBe(false);
    await sink.ended;
    expect(Buffer.concat(sink.chunks)).toEqual(Buffer.from([0, 1, 2, 3, 4]));
  });

  it("delivers at once what is due when nothing is held", () => {
    const sink = collector();
    new TimedDelivery(sink).schedule(Buffer.from("now"), TimedDelivery.nowMs() - 1);
    expect(sink.chunks.map(String)).toEqual(["now"]);
  });
});

describe("SlicerStage", () => {
  it("keeps every byte and cuts pieces of avg ± variation, but for a chunk's last", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 64 })
          .chain((averageBytes) =>
            fc.tuple(fc.constant(averageBytes), fc.integer({ min: 0, max: averageBytes - 1 })),
          ),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 500 }), { minLength: 1, maxLength: 8 }),
        fc.integer(),
        ([averageBytes, variationBytes], inputs, seed) => {
          const sink = collector();
          const slicer = new SlicerStage(
            sink,
            { averageBytes, variationBytes, delayMs: 0 },
            new SeededRandom(seed),
          );
          const lastPieceOfChunk: boolean[] = [];
          for (const input of inputs) {
            slicer.write(Buffer.from(input));
            lastPieceOfChunk[sink.chunks.length - 1] = true;
          }
          slicer.end();
          expect(sink.isEnded()).toBe(true);
          expect(Buffer.concat(sink.chunks)).toEqual(
            Buffer.concat(inputs.map((input) => Buffer.from(input))),
          );
          sink.chunks.forEach((piece, index) => {
            expect(piece.length).toBeGreaterThanOrEqual(1);
            expect(piece.length).toBeLessThanOrEqual(averageBytes + variationBytes);
            if (!lastPieceOfChunk[index])
              expect(piece.length).toBeGreaterThanOrEqual(averageBytes - variationBytes);
          });
        },
      ),
    );
  });

  it("spaces pieces by the delay and still ends after the last", async () => {
    const sink = collector();
    const slicer = new SlicerStage(
      sink,
      { averageBytes: 10, variationBytes: 0, delayMs: 2 },
      new SeededRandom(1),
    );
    const input = randomBytes(55);
    slicer.write(input);
    slicer.end();
    expect(sink.chunks.length).toBe(1);
    await sink.ended;
    expect(sink.chunks.map((piece) => piece.length)).toEqual([10, 10, 10, 10, 10, 5]);
    expect(Buffer.concat(sink.chunks)).toEqual(input);
  });
});

describe("LatencyStage", () => {
  it("keeps order under jitter as large as the latency", async () => {
    const sink = collector();
    const latency = new LatencyStage(sink, 4, 4, new SeededRandom(3));
    const input = Buffer.from(Array.from({ length: 300 }, (_, index) => index % 256));
    for (const byte of input) latency.write(Buffer.from([byte]));
    latency.end();
    await sink.ended;
    expect(Buffer.concat(sink.chunks)).toEqual(input);
  });
});

describe("BandwidthStage", () => {
  it("passes large chunks on in pieces of at most 100 ms of the rate", async () => {
    const sink = collector();
    const bandwidth = new BandwidthStage(sink, 100_000);
    const input = randomBytes(15_000);
    bandwidth.write(input);
    bandwidth.end();
    await sink.ended;
    expect(sink.chunks.map((piece) => piece.length)).toEqual([10_000, 5_000]);
    expect(Buffer.concat(sink.chunks)).toEqual(input);
  });
});

describe("CoalescerStage", () => {
  it("merges what arrives within the hold into one write", async () => {
    const sink = collector();
    const coalescer = new CoalescerStage(sink, 5);
    for (const part of ["a", "bc", "def"]) coalescer.write(Buffer.from(part));
    expect(sink.chunks).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sink.chunks.map(String)).toEqual(["abcdef"]);
  });

  it("passes on what it holds at once when the stream ends", () => {
    const sink = collector();
    const coalescer = new CoalescerStage(sink, 60_000);
    coalescer.write(Buffer.from("held"));
    coalescer.end();
    expect(sink.chunks.map(String)).toEqual(["held"]);
    expect(sink.isEnded()).toBe(true);
  });
});

describe("ResetAfterStage", () => {
  it("passes exactly the limit, reports it once and drops the rest", () => {
    const sink = collector();
    let reports = 0;
    const stage = new ResetAfterStage(sink, 20, () => reports++);
    for (let index = 0; index < 5; index++) stage.write(Buffer.alloc(7, index));
    stage.end();
    expect(Buffer.concat(sink.chunks)).toEqual(
      Buffer.concat([Buffer.alloc(7, 0), Buffer.alloc(7, 1), Buffer.alloc(6, 2)]),
    );
    expect(reports).toBe(1);
    expect(sink.isEnded()).toBe(false);
  });
});

describe("buildFaultPipeline", () => {
  it("repeats its random choices from the same seed", async () => {
    const pieceSizes = async (seed: number): Promise<number[]> => {
      const sink = collector();
      const faults = { sliceAvgBytes: 50, sliceVariationBytes: 49, latencyMs: 1, jitterMs: 1 };
      const pipeline = buildFaultPipeline(faults, sink, new SeededRandom(seed), () => {});
      pipeline.head.write(Buffer.alloc(2000));
      pipeline.head.end();
      await sink.ended;
      return sink.chunks.map((piece) => piece.length);
    };
    const first = await pieceSizes(42);
    expect(await pieceSizes(42)).toEqual(first);
    expect(await pieceSizes(43)).not.toEqual(first);
  });
});
