// Sharing a load out over shards and workers: every share adds up to the whole, exactly, whatever the
// numbers, and the open loop's requests land on exactly one part each.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  amountShare,
  type ConnectionSlice,
  formatShard,
  LoadShareError,
  MAX_SHARDS,
  nextRequestOnSlice,
  parseShard,
  requestsOnSlice,
  shardSlice,
  subSlice,
  wholeSlice,
} from "../src/clients/load/core/load-share.js";

/** Connections, and a shard count no larger. */
const connectionsAndShards = fc
  .integer({ min: 1, max: 100_000 })
  .chain((connections) =>
    fc.tuple(fc.constant(connections), fc.integer({ min: 1, max: Math.min(connections, 300) })),
  );

function shardsOf(connections: number, count: number): ConnectionSlice[] {
  return Array.from({ length: count }, (_, index) => shardSlice(connections, { index, count }));
}

describe("shard slices", () => {
  it("cover every connection once, in order, each shard within one of the others", () => {
    fc.assert(
      fc.property(connectionsAndShards, ([connections, count]) => {
        const slices = shardsOf(connections, count);
        let next = 0;
        for (const slice of slices) {
          expect(slice.first).toBe(next);
          expect(slice.total).toBe(connections);
          next += slice.count;
        }
        expect(next).toBe(connections);
        const counts = slices.map((slice) => slice.count);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
        expect(Math.min(...counts)).toBeGreaterThanOrEqual(1);
      }),
    );
  });

  it("split again (workers inside a shard), still cover the shard exactly", () => {
    fc.assert(
      fc.property(connectionsAndShards, fc.integer({ min: 1, max: 16 }), ([connections, count], workers) => {
        for (const shard of shardsOf(connections, count)) {
          const parts = Array.from({ length: workers }, (_, index) => subSlice(shard, index, workers));
          expect(parts.reduce((sum, part) => sum + part.count, 0)).toBe(shard.count);
          expect(parts[0]?.first).toBe(shard.first);
        }
      }),
    );
  });

  it("are refused when a shard would get no connection", () => {
    expect(() => shardSlice(3, { index: 0, count: 4 })).toThrow(/4 shards need at least 4 connections/);
  });
});

describe("amount shares", () => {
  it("add up to the amount exactly, for amounts up to the largest safe integer", () => {
    fc.assert(
      fc.property(
        connectionsAndShards,
        fc.oneof(fc.integer({ min: 0, max: 1_000 }), fc.maxSafeNat()),
        ([connections, count], amount) => {
          const slices = shardsOf(connections, count);
          const shares = slices.map((slice) => amountShare(amount, slice));
          expect(shares.reduce((sum, share) => sum + share, 0)).toBe(amount);
          for (const [index, share] of shares.entries()) {
            // Each share is its connections' fraction of the amount, rounded one way or the other.
            const slice = slices[index] as ConnectionSlice;
            const exact = (BigInt(amount) * BigInt(slice.count)) / BigInt(connections);
            expect(BigInt(share) - exact).toBeGreaterThanOrEqual(-1n);
            expect(BigInt(share) - exact).toBeLessThanOrEqual(1n);
          }
        },
      ),
    );
  });

  it("of workers add up to their shard's share (the cuts are the whole load's)", () => {
    fc.assert(
      fc.property(
        connectionsAndShards,
        fc.integer({ min: 1, max: 8 }),
        fc.maxSafeNat(),
        ([connections, count], workers, amount) => {
          for (const shard of shardsOf(connections, count)) {
            const workerSum = Array.from({ length: workers }, (_, index) =>
              amountShare(amount, subSlice(shard, index, workers)),
            ).reduce((sum, share) => sum + share, 0);
            expect(workerSum).toBe(amountShare(amount, shard));
          }
        },
      ),
    );
  });
});

describe("open-loop requests on a slice (request k goes to connection k mod C)", () => {
  const small = fc
    .integer({ min: 1, max: 40 })
    .chain((connections) =>
      fc.tuple(
        fc.constant(connections),
        fc.integer({ min: 1, max: connections }),
        fc.integer({ min: 0, max: 500 }),
      ),
    );

  it("count exactly the requests a brute-force walk finds, and next finds the same ones", () => {
    fc.assert(
      fc.property(small, ([connections, count, before]) => {
        for (const slice of shardsOf(connections, count)) {
          const owned: number[] = [];
          for (let k = 0; k < before; k++) {
            const connection = k % connections;
            if (connection >= slice.first && connection < slice.first + slice.count) owned.push(k);
          }
          expect(requestsOnSlice(before, slice)).toBe(owned.length);
          const walked: number[] = [];
          for (let k = nextRequestOnSlice(0, slice); k < before; k = nextRequestOnSlice(k + 1, slice)) {
            walked.push(k);
          }
          expect(walked).toEqual(owned);
        }
      }),
    );
  });

  it("add up over the shards to every request", () => {
    fc.assert(
      fc.property(connectionsAndShards, fc.maxSafeNat(), ([connections, count], before) => {
        const sum = shardsOf(connections, count).reduce(
          (total, slice) => total + requestsOnSlice(before, slice),
          0,
        );
        expect(sum).toBe(before);
      }),
    );
  });

  it("cover the whole load for the whole slice", () => {
    expect(requestsOnSlice(17, wholeSlice(5))).toBe(17);
  });
});

describe("--shard I/N", () => {
  it("reads back what formatShard writes", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: MAX_SHARDS })
          .chain((count) =>
            fc.record({ index: fc.integer({ min: 0, max: count - 1 }), count: fc.constant(count) }),
          ),
        (shard) => {
          expect(parseShard(formatShard(shard))).toEqual(shard);
        },
      ),
    );
  });

  it.each(["4/4", "1", "-1/4", "a/4", "1/0", "0/10001", "1.5/4", ""])(
    "refuses %j, naming the form",
    (text) => {
      expect(() => parseShard(text)).toThrow(LoadShareError);
      expect(() => parseShard(text)).toThrow(/I\/N with N from 1 to 10000 and I from 0 to N-1/);
    },
  );
});
