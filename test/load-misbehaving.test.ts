// The load driver against servers that misbehave on purpose: each misbehaviour is counted under its
// own kind, and every run ends by itself, by its deadline plus one timeout.

import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { LoadConfig } from "../src/clients/load/core/load-config.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { createFraming } from "../src/framing/registry.js";
import { type LoadResult, MISMATCH_KINDS, type MismatchKind } from "../src/results/load-result.js";
import { type ReplyScript, startScriptedServer, type TestServer } from "./support/misbehaving-server.js";

const framing = createFraming("length");
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(script: ReplyScript): Promise<TestServer> {
  const server = await startScriptedServer(framing, script);
  servers.push(server);
  return server;
}

/** Runs a load and measures how long runLoad took to settle. */
async function timedLoad(
  config: Omit<LoadConfig, "framing">,
): Promise<{ result: LoadResult; elapsedMs: number }> {
  const started = performance.now();
  const result = await runLoad({ framing: "length", sizesBytes: [64], ...config });
  return { result, elapsedMs: performance.now() - started };
}

/** The run must end by its deadline plus one timeout; the slack covers connecting and a loaded machine. */
const SLACK_MS = 1500;

function onlyMismatches(result: LoadResult, expected: Partial<Record<MismatchKind, number>>): void {
  for (const kind of MISMATCH_KINDS) expect(result.mismatches[kind], kind).toBe(expected[kind] ?? 0);
  const total = Object.values(expected).reduce((sum, count) => sum + count, 0);
  expect(result.errors).toEqual({ mismatch: total, timeout: 0, reset: 0, protocol: 0, connect: 0 });
}

/** Holds one reply per socket, to be written after a later one. */
function holder() {
  const held = new Map<Socket, Buffer>();
  return {
    hold: (socket: Socket, request: Buffer) => held.set(socket, request),
    take: (socket: Socket) => {
      const request = held.get(socket);
      held.delete(socket);
      return request;
    },
  };
}

describe("load against misbehaving servers", () => {
  it("silent: counts timeouts and ends by the deadline plus one timeout", async () => {
    const server = await serve(() => []);
    const { result, elapsedMs } = await timedLoad({
      target: server.target,
      connections: 2,
      pipelining: 2,
      durationMs: 800,
      timeoutMs: 400,
    });
    expect(result.errors.timeout).toBeGreaterThanOrEqual(4);
    expect(result.messages.verified).toBe(0);
    expect(result.errors.mismatch + result.errors.reset + result.errors.protocol).toBe(0);
    expect(elapsedMs).toBeLessThan(800 + 400 + SLACK_MS);
  });

  it("silent, with an amount: stops after one timeout without a reply", async () => {
    const server = await serve(() => []);
    const { result, elapsedMs } = await timedLoad({ target: server.target, amount: 1000, timeoutMs: 300 });
    expect(result.errors.timeout).toBeGreaterThan(0);
    expect(result.warnings.join()).toContain("no reply");
    expect(elapsedMs).toBeLessThan(300 * 2 + SLACK_MS);
  });

  it("slow: the open loop reports the achieved rate, warns, and ends on time", async () => {
    const timers = new Set<NodeJS.Timeout>();
    const server = await serve((request, { socket }) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!socket.destroyed) socket.write(Buffer.concat(framing.encode(request)));
      }, 20);
      timers.add(timer);
      return [];
    });
    const { result, elapsedMs } = await timedLoad({
      target: server.target,
      connections: 2,
      rate: 1000,
      durationMs: 1000,
      timeoutMs: 300,
    });
    for (const timer of timers) clearTimeout(timer);
    expect(result.messages.scheduled).toBe(1000);
    expect(result.throughput.achievedRate).toBeLessThan(500);
    expect(result.warnings.join()).toContain("could not keep up");
    // Requests the server's slowness kept from being written within a timeout count as timeouts.
    expect(result.errors.timeout).toBeGreaterThan(0);
    expect(result.errors.mismatch).toBe(0);
    expect(elapsedMs).toBeLessThan(1000 + 300 + SLACK_MS);
  });

  it("echoes wrong bytes: corrupted", async () => {
    const server = await serve((request, { serverIndex }) => {
      if (serverIndex % 50 !== 10) return framing.encode(request);
      const damaged = Buffer.from(request);
      damaged[40] = damaged[40] === 0x41 ? 0x42 : 0x41;
      return framing.encode(damaged);
    });
    const { result } = await timedLoad({ target: server.target, connections: 3, pipelining: 4, amount: 500 });
    onlyMismatches(result, { corrupted: 10 });
    expect(result.messages.verified).toBe(490);
  });

  it("drops one message: lost", async () => {
    const server = await serve((request, { serverIndex }) =>
      serverIndex === 100 ? [] : framing.encode(request),
    );
    const { result } = await timedLoad({ target: server.target, connections: 2, pipelining: 4, amount: 500 });
    onlyMismatches(result, { lost: 1 });
    expect(result.messages.verified).toBe(499);
  });

  it("answers twice: duplicated", async () => {
    const server = await serve((request, { serverIndex }) => {
      const reply = framing.encode(request);
      return serverIndex === 100 ? [...reply, ...reply] : reply;
    });
    const { result } = await timedLoad({ target: server.target, connections: 2, amount: 500 });
    onlyMismatches(result, { duplicated: 1 });
    expect(result.messages.verified).toBe(500);
  });

  it("swaps two replies: reordered", async () => {
    const held = holder();
    const server = await serve((request, { socket, serverIndex }) => {
      if (serverIndex === 100) {
        held.hold(socket, request);
        return [];
      }
      const late = held.take(socket);
      return late ? [...framing.encode(request), ...framing.encode(late)] : framing.encode(request);
    });
    const { result } = await timedLoad({ target: server.target, connections: 1, pipelining: 4, amount: 500 });
    onlyMismatches(result, { reordered: 1 });
    expect(result.messages.verified).toBe(499);
  });

  it("runs two replies into one frame: merged", async () => {
    const held = holder();
    const server = await serve((request, { socket, serverIndex }) => {
      if (serverIndex === 100) {
        held.hold(socket, request);
        return [];
      }
      const first = held.take(socket);
      return framing.encode(first ? Buffer.concat([first, request]) : request);
    });
    const { result } = await timedLoad({ target: server.target, connections: 1, pipelining: 4, amount: 500 });
    onlyMismatches(result, { merged: 1 });
    expect(result.messages.verified).toBe(498);
  });

  it("cuts one reply into two frames: split", async () => {
    const server = await serve((request, { serverIndex }) =>
      serverIndex === 100
        ? [...framing.encode(request.subarray(0, 30)), ...framing.encode(request.subarray(30))]
        : framing.encode(request),
    );
    const { result } = await timedLoad({ target: server.target, connections: 2, pipelining: 2, amount: 500 });
    onlyMismatches(result, { split: 1 });
    expect(result.messages.verified).toBe(499);
  });

  it("closes mid-frame: protocol, and the run goes on over a new connection", async () => {
    const server = await serve((request, { socket, serverIndex }) => {
      if (serverIndex !== 100) return framing.encode(request);
      const frame = Buffer.concat(framing.encode(request));
      socket.end(frame.subarray(0, frame.length / 2));
      return [];
    });
    const { result, elapsedMs } = await timedLoad({
      target: server.target,
      connections: 2,
      durationMs: 600,
      timeoutMs: 500,
    });
    expect(result.errors).toEqual({ mismatch: 0, timeout: 0, reset: 0, protocol: 1, connect: 0 });
    expect(result.messages.verified).toBeGreaterThan(101);
    expect(elapsedMs).toBeLessThan(600 + 500 + SLACK_MS);
  });

  it("resets the connection: reset", async () => {
    const server = await serve((request, { socket, serverIndex }) => {
      if (serverIndex !== 100) return framing.encode(request);
      socket.resetAndDestroy();
      return [];
    });
    const { result } = await timedLoad({
      target: server.target,
      connections: 2,
      amount: 400,
      timeoutMs: 1000,
    });
    expect(result.errors).toEqual({ mismatch: 0, timeout: 0, reset: 1, protocol: 0, connect: 0 });
  });

  it("verify none: a reply with nothing outstanding is duplicated", async () => {
    const server = await serve((request, { serverIndex }) => {
      const reply = framing.encode(request);
      return serverIndex === 50 ? [...reply, ...reply] : reply;
    });
    const { result } = await timedLoad({
      target: server.target,
      connections: 1,
      amount: 200,
      verify: "none",
    });
    onlyMismatches(result, { duplicated: 1 });
  });
});

describe("coordinated omission", () => {
  /** Echoes, except that replies due during one second (from 1 s after the first request) are held back. */
  function stallingServer() {
    let firstRequestMs: number | undefined;
    const held = new Map<Socket, Buffer[]>();
    const flush = (socket: Socket) => {
      const replies = held.get(socket) ?? [];
      held.delete(socket);
      if (!socket.destroyed) for (const reply of replies) socket.write(Buffer.concat(framing.encode(reply)));
    };
    const timers: NodeJS.Timeout[] = [];
    const script: ReplyScript = (request, { socket }) => {
      const now = performance.now();
      firstRequestMs ??= now;
      const stallStart = firstRequestMs + 1000;
      const stallEnd = stallStart + 1000;
      if (now >= stallStart && now < stallEnd) {
        if (!held.has(socket)) {
          held.set(socket, []);
          timers.push(setTimeout(() => flush(socket), stallEnd - now));
        }
        held.get(socket)?.push(request);
        return [];
      }
      if (held.has(socket)) flush(socket);
      return framing.encode(request);
    };
    return { script, stop: () => timers.forEach(clearTimeout) };
  }

  it("a one-second stall shows in p99 under --rate, and a closed loop hides it", async () => {
    const openStall = stallingServer();
    const openServer = await serve(openStall.script);
    const { result: open } = await timedLoad({
      target: openServer.target,
      connections: 10,
      rate: 1000,
      durationMs: 3000,
      timeoutMs: 5000,
    });
    openStall.stop();
    const closedStall = stallingServer();
    const closedServer = await serve(closedStall.script);
    const { result: closed } = await timedLoad({
      target: closedServer.target,
      connections: 10,
      durationMs: 3000,
      timeoutMs: 5000,
    });
    closedStall.stop();

    expect(open.errors.timeout + closed.errors.timeout).toBe(0);
    // Requests meant to go out during the stall waited up to a second: a third of the run.
    expect(open.latencyUs.p99).toBeGreaterThanOrEqual(800_000);
    // The closed loop saw the stall (its max) but sent almost nothing meanwhile, so p99 hides it.
    expect(closed.latencyUs.max).toBeGreaterThanOrEqual(800_000);
    expect(closed.latencyUs.p99).toBeLessThan(open.latencyUs.p99 / 4);
    // As wrk2 reports: latency from the actual write hides the wait too.
    expect(open.uncorrectedLatencyUs?.p99 ?? 0).toBeLessThan(open.latencyUs.p99);
  });
});
