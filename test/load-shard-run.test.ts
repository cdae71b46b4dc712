// Shards of one load run in this process against one server: their shares add up to the whole exactly
// (with worker threads inside a shard too), they start at the shared instant, a start already past is
// refused, and connections open no faster than --connect-rate.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoadConfig, LoadConfigError } from "../src/clients/load/core/load-config.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import type { LoadResult } from "../src/results/load-result.js";
import type { RunningServer } from "../src/servers/server-options.js";
import { startTestServer } from "./support/servers.js";

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer("concurrent");
});
afterAll(async () => {
  await server.close();
});

function shardsOf(config: LoadConfig, count: number): Promise<LoadResult[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) => runLoad({ ...config, shard: { index, count } })),
  );
}

const sum = (results: LoadResult[], pick: (result: LoadResult) => number) =>
  results.reduce((total, result) => total + pick(result), 0);

describe("shards of one load", () => {
  it("closed loop: the shards' amounts (split again over workers) add up to the amount", async () => {
    const parts = await shardsOf(
      { target: server.target as string, framing: "length", connections: 7, amount: 100, workers: 2 },
      3,
    );
    expect(parts.map((part) => part.shard?.amount)).toEqual([28, 29, 43]);
    expect(parts.map((part) => part.messages.sent)).toEqual([28, 29, 43]);
    expect(sum(parts, (part) => part.messages.verified)).toBe(100);
    expect(parts.map((part) => [part.shard?.firstConnection, part.shard?.connections])).toEqual([
      [0, 2],
      [2, 2],
      [4, 3],
    ]);
    // Every part reports the whole load's configuration, so that they merge.
    expect(new Set(parts.map((part) => JSON.stringify(part.config))).size).toBe(1);
    expect(parts[0]?.config.connections).toBe(7);
  });

  it("open loop: shards started together schedule exactly the whole load's requests", async () => {
    const startAtMs = Date.now() + 1500;
    const config: LoadConfig = {
      target: server.target as string,
      framing: "length",
      connections: 5,
      rate: 701,
      durationMs: 1000,
      startAtMs,
    };
    const parts = await shardsOf(config, 3);
    // 701 a second for one second: 701 requests, on 1 + 2 + 2 of the 5 connections, none lost to rounding.
    expect(sum(parts, (part) => part.messages.scheduled ?? 0)).toBe(701);
    expect(parts.map((part) => part.messages.scheduled)).toEqual([141, 280, 280]);
    for (const part of parts) {
      expect(part.perSecond.startMs).toBe(startAtMs);
      expect(part.config.startAt).toBe(new Date(startAtMs).toISOString());
    }
  });

  it("refuses a start time already past, saying by how much", async () => {
    const late = runLoad({
      target: server.target as string,
      framing: "length",
      amount: 10,
      startAtMs: Date.now() - 2000,
    });
    await expect(late).rejects.toThrow(
      /the start time .* passed \d+ ms before this run was ready .*: give a later startAtMs/,
    );
    await expect(late).rejects.toBeInstanceOf(LoadConfigError);
  });

  it("refuses more shards than connections, and an amount that leaves a shard none", async () => {
    const config = { target: server.target as string, framing: "length" as const };
    await expect(runLoad({ ...config, connections: 3, shard: { index: 0, count: 4 } })).rejects.toThrow(
      /4 shards need at least 4 connections \(one each\), got 3/,
    );
    await expect(
      runLoad({ ...config, connections: 4, amount: 1, shard: { index: 0, count: 2 } }),
    ).rejects.toThrow(/leaves the shard with connections 0-1 of 4 none: give an amount of at least 4/);
  });
});

describe("--connect-rate", () => {
  it("opens connections no faster than asked, and reports how long opening took", async () => {
    const result = await runLoad({
      target: server.target as string,
      framing: "length",
      connections: 11,
      amount: 11,
      connectRate: 50,
    });
    // Eleven attempts at 50 a second: the last starts ten intervals (200 ms) after the first.
    expect(result.opening?.connections).toBe(11);
    expect(result.opening?.durationMs).toBeGreaterThanOrEqual(199);
    expect(result.messages.verified).toBe(11);
  });
});
