// Three load-run faults, each pinned by the test that found it: an open loop slower than --timeout
// stopped early, a transport whose close() rejects left runLoad pending forever, and each reconnect kept
// one more promise alive for the whole run. Also: reconnects back off, and a run that verifies nothing
// names the framing as the likely cause.

import { afterEach, describe, expect, it } from "vitest";
import { type LoadConfig, resolveLoadConfig } from "../src/clients/load/core/load-config.js";
import { LoadRun } from "../src/clients/load/core/load-run.js";
import { ReconnectBackoff } from "../src/clients/load/core/reconnect-backoff.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import type { TcpLane } from "../src/clients/load/tcp/tcp-lane.js";
import { loadExpectation } from "../src/clients/load/verification/expectation-module.js";
import { createFraming } from "../src/framing/registry.js";
import { echoFrame, startScriptedServer, type TestServer } from "./support/misbehaving-server.js";
import { startTestServer } from "./support/servers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function lengthEchoServer() {
  const server = await startTestServer("concurrent", { framing: createFraming("length") });
  closers.push(() => server.close());
  return `127.0.0.1:${server.port}`;
}

async function scripted(script: Parameters<typeof startScriptedServer>[1]): Promise<TestServer> {
  const server = await startScriptedServer(createFraming("length"), script);
  closers.push(() => server.close());
  return server;
}

/** A LoadRun as runLoad builds one, for tests that reach into its transport. */
async function loadRunOf(config: LoadConfig): Promise<LoadRun> {
  const resolved = resolveLoadConfig(config);
  return new LoadRun(resolved, await loadExpectation(resolved));
}

describe("load run fixes", () => {
  it("an open-loop amount whose requests are further apart than the timeout runs to the end", async () => {
    // 4 requests/s over 1 connection: 250 ms between requests, against a 100 ms timeout. Silence counts
    // from the oldest request still owed a reply, not from the last reply.
    const result = await runLoad({
      target: await lengthEchoServer(),
      framing: "length",
      connections: 1,
      rate: 4,
      amount: 6,
      timeoutMs: 100,
    });
    expect(result.warnings.filter((warning) => warning.startsWith("no reply for"))).toEqual([]);
    expect(result.messages.verified).toBe(6);
    expect(result.errors.timeout).toBe(0);
  });

  it("still stops an amount run against a server that never answers, after one timeout", async () => {
    const silent = await scripted(() => []);
    const started = Date.now();
    const result = await runLoad({
      target: silent.target,
      framing: "length",
      connections: 2,
      amount: 1000,
      timeoutMs: 200,
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.messages.verified).toBe(0);
    expect(result.errors.timeout).toBeGreaterThan(0);
    // One request in flight per connection: said in the singular.
    expect(JSON.stringify(result.errorSamples)).toMatch(/no reply within 200 ms \(1 request unanswered\)/);
  });

  it("stops an amount run after one timeout when every connection is reset before it is answered", async () => {
    // A server gone for good behind something that still accepts (a proxy, a port forward): each
    // reconnect costs one request of the amount, so without a clock that survives the drops the run
    // backed off through the whole amount (20 s for 20 requests).
    const resetting = await scripted((_request, { socket }) => {
      socket.resetAndDestroy();
      return [];
    });
    const result = await runLoad({
      target: resetting.target,
      framing: "length",
      connections: 1,
      amount: 1000,
      timeoutMs: 300,
    });
    expect(result.messages.verified).toBe(0);
    expect(result.errors.reset).toBeGreaterThan(0);
    expect(result.warnings).toContain("no reply for 300 ms: the run was stopped before its amount");
    expect(result.messages.sent).toBeLessThan(100);
  });

  it("settles with the result when a transport's close() rejects, saying so", async () => {
    const run = await loadRunOf({
      target: await lengthEchoServer(),
      framing: "length",
      connections: 2,
      amount: 50,
    });
    await run.open();
    // The sockets close for real; only the promise that reports it fails.
    const transport = run.transport;
    const close = transport.close.bind(transport);
    transport.close = () => close().then(() => Promise.reject(new Error("close failed on purpose")));
    const result = await Promise.race([
      run.measure(),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000)),
    ]);
    expect(result?.messages.verified).toBe(50);
    expect(result?.warnings).toContain("closing the connections failed: close failed on purpose");
  });

  it("keeps at most two sockets per connection however often it reconnects", async () => {
    const framing = createFraming("length");
    // Every reply is followed by a close: each request costs a reconnect.
    const closing = await scripted((request, { socket }) => {
      setImmediate(() => socket.end());
      return echoFrame(framing, request);
    });
    const run = await loadRunOf({
      target: closing.target,
      framing: "length",
      connections: 1,
      amount: 60,
      timeoutMs: 2000,
    });
    await run.open();
    const started = Date.now();
    const connection = run.transport.lanes[0] as TcpLane;
    let mostOpen = 0;
    const sampler = setInterval(() => {
      mostOpen = Math.max(mostOpen, connection.openSocketCount);
    }, 1);
    const result = await run.measure();
    clearInterval(sampler);
    expect(result.messages.verified).toBeGreaterThanOrEqual(30);
    // A verified reply resets the reconnect backoff (the echo fast path did not, and these 60 requests
    // backed off to a second per reconnect: 19 s): the reconnects after a success are immediate.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(mostOpen).toBeGreaterThan(0);
    expect(mostOpen).toBeLessThanOrEqual(2);
    expect(connection.openSocketCount).toBe(0);
  });

  it("names the framing as the likely cause when nothing verifies", async () => {
    // An eof-framed run against a length-framed server: no reply ever parses.
    const result = await runLoad({
      target: await lengthEchoServer(),
      framing: "eof",
      connections: 2,
      amount: 20,
      timeoutMs: 300,
    });
    expect(result.messages.verified).toBe(0);
    expect(result.warnings.join("\n")).toContain(
      "no reply was verified: every request failed (closed, reset, a bad frame or no answer); the server's framing may not be eof: give the one it speaks with --framing",
    );
    expect(result.errorSamples[0]).toMatch(/request \d+ \(\d+ B payload\)/);
  });
});

describe("ReconnectBackoff", () => {
  it("retries at once after a first drop, then doubles up to a bound, jittered, and resets on success", () => {
    const low = new ReconnectBackoff(() => 0);
    const high = new ReconnectBackoff(() => 1);
    const lows = Array.from({ length: 10 }, () => low.nextDelayMs());
    const highs = Array.from({ length: 10 }, () => high.nextDelayMs());
    expect(highs).toEqual([0, 25, 50, 100, 200, 400, 800, 1000, 1000, 1000]);
    expect(lows).toEqual([0, 13, 25, 50, 100, 200, 400, 500, 500, 500]);
    high.succeeded();
    expect(high.nextDelayMs()).toBe(0);
  });
});
