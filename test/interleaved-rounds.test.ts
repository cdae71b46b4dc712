// The order bench and ab measure in: every cell warmed until its rate settles, then round 1 of every
// cell, then round 2, in a seeded shuffle; a cell whose load fails drops out alone, and a stopped run
// keeps the rounds each cell finished. The loads are recorded results replayed (no server needed to
// decide the order).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BenchScenario } from "../src/results/bench-result.js";
import type { LoadResult } from "../src/results/load-result.js";
import { SeededRandom } from "../src/seeded-random.js";
import { type RoundCell, runInterleavedRounds, shuffledOrder } from "../src/suites/bench-cell-rounds.js";
import { warmUntilSettled } from "../src/suites/warm-up.js";
import { quickBaseline } from "./support/bench-fixtures.js";

const recorded = quickBaseline().runs[0] as LoadResult;
const atRate = (messagesPerSec: number): LoadResult => ({
  ...recorded,
  throughput: { ...recorded.throughput, messagesPerSec },
});
const scenario = (size: number): BenchScenario => ({
  framing: "length",
  variant: "concurrent",
  size,
  connections: 10,
  pipelining: 1,
  fragmentation: "none",
});

describe("warming until the rate settles", () => {
  it("stops once two slices agree within 5 %, or at the most it may spend", async () => {
    const rates = [100, 150, 190, 195, 196, 197];
    let slices = 0;
    const slice = async () => atRate(rates[slices++] as number);
    expect(await warmUntilSettled(slice, 100, 10_000)).toBe(400);
    expect(slices).toBe(4);
    slices = 0;
    expect(await warmUntilSettled(slice, 100, 250)).toBe(250);
    expect(slices).toBe(3);
    expect(await warmUntilSettled(slice, 100, 0)).toBe(0);
  });
});

describe("interleaved rounds", () => {
  it("shuffles a permutation, the same for the same seed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (count, seed) => {
          const order = shuffledOrder(count, new SeededRandom(seed));
          expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
          expect(shuffledOrder(count, new SeededRandom(seed))).toEqual(order);
        },
      ),
    );
  });

  it("runs round r of every cell before round r + 1 of any, and drops a failing cell alone", async () => {
    const ran: string[] = [];
    const cells: RoundCell[] = [64, 1024, 65536].map((size) => ({
      scenario: scenario(size),
      load: async (durationMs) => {
        ran.push(`${size}/${durationMs}`);
        if (size === 1024 && ran.filter((entry) => entry.startsWith("1024/50")).length === 2) {
          throw new Error("the server is gone");
        }
        return atRate(1000);
      },
    }));
    const outcomes = await runInterleavedRounds(cells, { rounds: 3, roundMs: 50, warmupMs: 0, seed: 7 });
    const rounds = ran.filter((entry) => entry.endsWith("/50"));
    // Round 1: three cells; round 2: three (1024 fails); round 3: the two left.
    expect(rounds).toHaveLength(8);
    expect(new Set(rounds.slice(0, 3)).size).toBe(3);
    expect(new Set(rounds.slice(3, 6)).size).toBe(3);
    expect(rounds.slice(6)).not.toContain("1024/50");
    expect(
      outcomes.map((outcome) => (outcome && "rounds" in outcome ? outcome.rounds.length : outcome)),
    ).toEqual([3, { error: new Error("the server is gone") }, 3]);
  });

  it("runs no further round of a cell whose round had errors, and keeps the rounds it ran", async () => {
    const withErrors = (result: LoadResult, timeouts: number): LoadResult => ({
      ...result,
      errors: { ...result.errors, timeout: timeouts },
    });
    const loadsOf = new Map<number, number>();
    const cells: RoundCell[] = [64, 1024].map((size) => ({
      scenario: scenario(size),
      load: async () => {
        const loads = (loadsOf.get(size) ?? 0) + 1;
        loadsOf.set(size, loads);
        // 1 KiB: its first two rounds clean, its third with errors (no warm-up load: warmupMs 0).
        return withErrors(atRate(1000), size === 1024 && loads === 3 ? 2 : 0);
      },
    }));
    const outcomes = await runInterleavedRounds(cells, { rounds: 5, roundMs: 50, warmupMs: 0, seed: 3 });
    expect(loadsOf.get(64)).toBe(5);
    expect(loadsOf.get(1024)).toBe(3);
    const kept = outcomes.map((outcome) =>
      outcome && "rounds" in outcome ? outcome.rounds.map((round) => round.errors.timeout) : outcome,
    );
    expect(kept).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 2],
    ]);
  });

  it("keeps the rounds each cell finished when stopped, none when it finished none", async () => {
    const controller = new AbortController();
    let loads = 0;
    const cells: RoundCell[] = [64, 1024].map((size) => ({
      scenario: scenario(size),
      load: async () => {
        loads++;
        // Stopped during the second cell's load of round 2: it ends partial, as a stopped load does.
        if (loads === 4) {
          controller.abort();
          return { ...atRate(1000), partial: true };
        }
        return atRate(1000);
      },
    }));
    const outcomes = await runInterleavedRounds(
      cells,
      { rounds: 5, roundMs: 50, warmupMs: 0, seed: 1 },
      controller.signal,
    );
    const kept = outcomes.map((outcome) => (outcome && "rounds" in outcome ? outcome.rounds.length : 0));
    expect([...kept].sort()).toEqual([1, 2]);
  });
});
