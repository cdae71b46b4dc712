// The proxy against real sockets on 127.0.0.1: every byte arrives in order under each fault and their
// combinations, ends and resets cross to the other side, reset-after cuts at exactly its limit, and
// the proxy keeps serving throughout.

import { randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { FaultOptions, ProxyDirection } from "../src/proxy/fault-options.js";
import { FaultOptionsError } from "../src/proxy/fault-options.js";
import { type RunningProxy, startProxy } from "../src/proxy/start-proxy.js";

const PAYLOAD_BYTES = 256 * 1024;
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Target {
  port: number;
  /** Sockets in the order the target accepted them. */
  accepted: Socket[];
  nextAccepted(): Promise<Socket>;
}

/** A raw TCP server on 127.0.0.1:0; `onSocket` decides what it does with each connection. */
async function startTarget(onSocket: (socket: Socket) => void): Promise<Target> {
  const accepted: Socket[] = [];
  const waiting: ((socket: Socket) => void)[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    accepted.push(socket);
    socket.on("error", () => {});
    onSocket(socket);
    waiting.shift()?.(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return {
    port: address.port,
    accepted,
    nextAccepted: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

/** Echoes every byte and ends when the client ends. */
function startEchoTarget(): Promise<Target> {
  return startTarget((socket) => socket.pipe(socket));
}

async function proxyTo(
  target: Pick<Target, "port">,
  faults: FaultOptions,
  direction: ProxyDirection = "both",
  log: (line: string) => void = () => {},
): Promise<RunningProxy> {
  const proxy = await startProxy({
    listenHost: "127.0.0.1",
    listenPort: 0,
    targetHost: "127.0.0.1",
    targetPort: target.port,
    faults,
    direction,
    log,
  });
  cleanups.push(() => proxy.close());
  return proxy;
}

interface ClientOutcome {
  received: Buffer;
  /** The error the client socket ended with, if any (e.g. ECONNRESET). */
  errorCode: string | undefined;
  sawEnd: boolean;
}

/** Connects, writes `payload` in 16 KiB writes, ends, and collects everything until the socket closes. */
function exchange(port: number, payload: Buffer): Promise<ClientOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let errorCode: string | undefined;
    let sawEnd = false;
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => {
      sawEnd = true;
      socket.end();
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      errorCode ??= error.code;
    });
    socket.on("close", () => resolve({ received: Buffer.concat(chunks), errorCode, sawEnd }));
    for (let offset = 0; offset < payload.length; offset += 16 * 1024) {
      socket.write(payload.subarray(offset, offset + 16 * 1024));
    }
    socket.end();
  });
}

function describeDifference(received: Buffer, expected: Buffer): string {
  if (received.equals(expected)) return "identical";
  const limit = Math.min(received.length, expected.length);
  let offset = 0;
  while (offset < limit && received[offset] === expected[offset]) offset++;
  return `got ${received.length} of ${expected.length} bytes, first difference at byte ${offset}`;
}

async function expectEchoedIntact(proxy: RunningProxy, payload = randomBytes(PAYLOAD_BYTES)): Promise<void> {
  const outcome = await exchange(proxy.port, payload);
  expect(outcome.errorCode, `seed ${proxy.seed}`).toBeUndefined();
  expect(outcome.sawEnd).toBe(true);
  expect(describeDifference(outcome.received, payload), `seed ${proxy.seed}`).toBe("identical");
}

const FAULT_CASES: [string, FaultOptions][] = [
  ["no faults", {}],
  ["slicing into small pieces", { sliceAvgBytes: 700, sliceVariationBytes: 650 }],
  [
    "slicing with a delay between pieces",
    { sliceAvgBytes: 16 * 1024, sliceVariationBytes: 8000, sliceDelayMs: 1 },
  ],
  ["slicing into single bytes", { sliceAvgBytes: 1 }],
  ["coalescing", { coalesceMs: 5 }],
  ["latency", { latencyMs: 5 }],
  ["latency with jitter", { latencyMs: 10, jitterMs: 10 }],
  ["bandwidth", { bandwidthBytesPerS: 8 * 1024 * 1024 }],
  ["slow bandwidth (pieces smaller than a read)", { bandwidthBytesPerS: 2 * 1024 * 1024 }],
  [
    "slicing then jitter (many chunks that could overtake)",
    { sliceAvgBytes: 512, sliceVariationBytes: 500, latencyMs: 3, jitterMs: 3 },
  ],
  ["coalescing then slicing", { coalesceMs: 3, sliceAvgBytes: 3000, sliceVariationBytes: 2999 }],
  [
    "every fault but reset",
    {
      coalesceMs: 2,
      sliceAvgBytes: 1000,
      sliceVariationBytes: 900,
      latencyMs: 4,
      jitterMs: 4,
      bandwidthBytesPerS: 16 * 1024 * 1024,
    },
  ],
];

describe("proxy keeps every byte in order", () => {
  it.each(FAULT_CASES)("under %s, both directions", async (_name, faults) => {
    const proxy = await proxyTo(await startEchoTarget(), faults);
    await expectEchoedIntact(proxy, randomBytes(faults.sliceAvgBytes === 1 ? 16 * 1024 : PAYLOAD_BYTES));
  });

  it.each<ProxyDirection>(["up", "down"])(
    "under every fault but reset, direction %s only",
    async (direction) => {
      const faults = {
        sliceAvgBytes: 300,
        sliceVariationBytes: 299,
        latencyMs: 2,
        jitterMs: 2,
        coalesceMs: 1,
      };
      const proxy = await proxyTo(await startEchoTarget(), faults, direction);
      await expectEchoedIntact(proxy);
    },
  );

  it("for several connections at once through one proxy", async () => {
    const faults = { sliceAvgBytes: 2000, sliceVariationBytes: 1999, latencyMs: 3, jitterMs: 3 };
    const proxy = await proxyTo(await startEchoTarget(), faults);
    await Promise.all(Array.from({ length: 6 }, () => expectEchoedIntact(proxy, randomBytes(64 * 1024))));
  });

  it("when the client reads slowly (backpressure)", async () => {
    const target = await startTarget((socket) => {
      socket.end(payload);
    });
    const payload = randomBytes(4 * 1024 * 1024);
    const proxy = await proxyTo(target, { sliceAvgBytes: 64 * 1024, sliceVariationBytes: 1000 });
    const socket = connect({ host: "127.0.0.1", port: proxy.port });
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      socket.pause();
      setTimeout(() => socket.resume(), 1);
    });
    await new Promise((resolve) => socket.on("close", resolve));
    expect(describeDifference(Buffer.concat(chunks), payload), `seed ${proxy.seed}`).toBe("identical");
  });
});

describe("proxy passes ends and resets across and keeps serving", () => {
  it("passes a client's end to the target and the target's end back", async () => {
    const target = await startTarget(() => {});
    const proxy = await proxyTo(target, { latencyMs: 5 });
    const accepted = target.nextAccepted();
    const client = connect({ host: "127.0.0.1", port: proxy.port, allowHalfOpen: true });
    client.write("before the end");
    client.end();
    const upstream = await accepted;
    const upstreamBytes: Buffer[] = [];
    upstream.on("data", (chunk: Buffer) => upstreamBytes.push(chunk));
    await new Promise((resolve) => upstream.once("end", resolve));
    expect(Buffer.concat(upstreamBytes).toString()).toBe("before the end");

    // Half-open: the client that ended may still be owed bytes.
    upstream.end("reply after the client's end");
    const clientBytes: Buffer[] = [];
    client.on("data", (chunk: Buffer) => clientBytes.push(chunk));
    await new Promise((resolve) => client.once("end", resolve));
    expect(Buffer.concat(clientBytes).toString()).toBe("reply after the client's end");
    await expectEchoedIntactThroughNewProxyConnection(target, proxy);
  });

  it("closes the target's side when the client resets, then serves a new connection", async () => {
    const target = await startTarget((socket) => socket.pipe(socket));
    const proxy = await proxyTo(target, { sliceAvgBytes: 100, latencyMs: 2 });
    const accepted = target.nextAccepted();
    const client = connect({ host: "127.0.0.1", port: proxy.port });
    client.write(randomBytes(10_000));
    const upstream = await accepted;
    const upstreamClosed = new Promise((resolve) => upstream.once("close", resolve));
    client.resetAndDestroy();
    await upstreamClosed;
    expect(upstream.destroyed).toBe(true);
    await expectEchoedIntact(proxy);
  });

  it("closes the client's side when the target resets, then serves a new connection", async () => {
    const target = await startEchoTarget();
    const proxy = await proxyTo(target, { coalesceMs: 2 });
    const accepted = target.nextAccepted();
    const client = connect({ host: "127.0.0.1", port: proxy.port });
    let clientError: string | undefined;
    client.on("error", (error: NodeJS.ErrnoException) => {
      clientError = error.code;
    });
    const clientClosed = new Promise((resolve) => client.once("close", resolve));
    (await accepted).resetAndDestroy();
    await clientClosed;
    expect(clientError).toBe("ECONNRESET");
    await expectEchoedIntact(proxy);
  });

  it("closes a client whose target cannot be reached, and logs it", async () => {
    // A port that was free a moment ago and is closed now refuses connections.
    const closedServer = createServer();
    await new Promise<void>((resolve) => closedServer.listen(0, "127.0.0.1", resolve));
    const address = closedServer.address();
    if (address === null || typeof address === "string") throw new Error("no address");
    await new Promise((resolve) => closedServer.close(resolve));
    const lines: string[] = [];
    const proxy = await proxyTo({ port: address.port }, {}, "both", (line) => lines.push(line));
    const outcome = await exchange(proxy.port, Buffer.from("anyone there?"));
    expect(outcome.received.length).toBe(0);
    expect(outcome.errorCode).toBe("ECONNRESET");
    // The proxy itself still accepts (a refused proxy port would be ECONNREFUSED here).
    const again = await exchange(proxy.port, Buffer.from("still there?"));
    expect(again.errorCode).toBe("ECONNRESET");
    // One line a second per reason: the second failure is counted and told when the log flushes.
    expect(lines.filter((line) => /reset: target 127\.0\.0\.1:\d+ ECONNREFUSED$/.test(line))).toHaveLength(1);
    await proxy.close();
    expect(
      lines.filter((line) =>
        /reset: target 127\.0\.0\.1:\d+ ECONNREFUSED \[.*: 1 more within 1000 ms/.test(line),
      ),
    ).toHaveLength(1);
  });

  it("close() tears down open connections", async () => {
    const target = await startEchoTarget();
    const proxy = await startProxy({
      listenHost: "127.0.0.1",
      listenPort: 0,
      targetHost: "127.0.0.1",
      targetPort: target.port,
      faults: { latencyMs: 1000, coalesceMs: 1000 },
    });
    const accepted = target.nextAccepted();
    const client = connect({ host: "127.0.0.1", port: proxy.port });
    client.on("error", () => {});
    client.write("held in the faults when the proxy closes");
    const upstream = await accepted;
    const closed = Promise.all([
      new Promise((resolve) => client.once("close", resolve)),
      new Promise((resolve) => upstream.once("close", resolve)),
    ]);
    await proxy.close();
    await closed;
    await expect(exchange(proxy.port, Buffer.from("x"))).resolves.toMatchObject({
      errorCode: "ECONNREFUSED",
    });
  });
});

async function expectEchoedIntactThroughNewProxyConnection(
  target: Target,
  proxy: RunningProxy,
): Promise<void> {
  const accepted = target.nextAccepted();
  const outcome = exchange(proxy.port, Buffer.from("echo me"));
  (await accepted).pipe(target.accepted[target.accepted.length - 1] as Socket);
  expect((await outcome).received.toString()).toBe("echo me");
}

describe("--reset-after", () => {
  const LIMIT_BYTES = 100_003;

  it("lets exactly that many bytes reach the target, then resets the client", async () => {
    const target = await startTarget(() => {});
    const proxy = await proxyTo(
      target,
      { resetAfterBytes: LIMIT_BYTES, sliceAvgBytes: 1000, sliceVariationBytes: 999 },
      "up",
    );
    const accepted = target.nextAccepted();
    const payload = randomBytes(PAYLOAD_BYTES);
    const outcome = exchange(proxy.port, payload);
    const upstream = await accepted;
    const upstreamBytes: Buffer[] = [];
    upstream.on("data", (chunk: Buffer) => upstreamBytes.push(chunk));
    await new Promise((resolve) => upstream.once("close", resolve));
    expect(describeDifference(Buffer.concat(upstreamBytes), payload.subarray(0, LIMIT_BYTES))).toBe(
      "identical",
    );
    expect((await outcome).errorCode).toMatch(/^(ECONNRESET|EPIPE)$/);
    await expectEchoedIntactThroughNewProxyConnection(target, proxy);
  });

  it("lets exactly that many bytes reach the client, then resets the target", async () => {
    const payload = randomBytes(PAYLOAD_BYTES);
    let targetError: string | undefined;
    const target = await startTarget((socket) => {
      socket.on("error", (error: NodeJS.ErrnoException) => {
        targetError ??= error.code;
      });
      socket.resume();
      socket.write(payload);
    });
    const proxy = await proxyTo(target, { resetAfterBytes: LIMIT_BYTES, latencyMs: 2, jitterMs: 2 }, "down");
    const accepted = target.nextAccepted();
    // The client keeps its side open: a target that saw an end and has nothing left to write could
    // not notice the reset.
    const client = connect({ host: "127.0.0.1", port: proxy.port });
    const clientBytes: Buffer[] = [];
    client.on("data", (chunk: Buffer) => clientBytes.push(chunk));
    client.on("error", () => {});
    const clientClosed = new Promise((resolve) => client.once("close", resolve));
    const upstream = await accepted;
    await new Promise((resolve) => upstream.once("close", resolve));
    await clientClosed;
    expect(targetError).toBe("ECONNRESET");
    expect(describeDifference(Buffer.concat(clientBytes), payload.subarray(0, LIMIT_BYTES))).toBe(
      "identical",
    );
  });

  it("counts each direction on its own", async () => {
    const proxy = await proxyTo(await startEchoTarget(), { resetAfterBytes: LIMIT_BYTES });
    const payload = randomBytes(LIMIT_BYTES - 1);
    await expectEchoedIntact(proxy, payload);
  });
});

describe("startProxy", () => {
  it("rejects faults that make no sense before listening", async () => {
    const start = startProxy({
      listenHost: "127.0.0.1",
      listenPort: 0,
      targetHost: "127.0.0.1",
      targetPort: 9,
      faults: { sliceAvgBytes: 0 },
    });
    await expect(start).rejects.toBeInstanceOf(FaultOptionsError);
    await expect(start).rejects.toThrow(/^sliceAvgBytes must be a whole number of bytes, at least 1, got 0$/);
  });
});

describe("proxy limits", () => {
  it("resets a connection silent both ways past --idle-timeout, and closes clients beyond --max-connections", async () => {
    const target = await startEchoTarget();
    const logLines: string[] = [];
    const proxy = await startProxy({
      listenHost: "127.0.0.1",
      listenPort: 0,
      targetHost: "127.0.0.1",
      targetPort: target.port,
      faults: {},
      idleTimeoutMs: 1000,
      maxConnections: 1,
      log: (line) => logLines.push(line),
    });
    cleanups.push(() => proxy.close());
    const first = connect({ host: "127.0.0.1", port: proxy.port });
    first.on("error", () => {});
    const firstClosed = new Promise<void>((resolve) => first.once("close", () => resolve()));
    await new Promise((resolve) => first.once("connect", resolve));
    // The proxy has the first client once the target has its side.
    await target.nextAccepted();
    const second = await exchange(proxy.port, Buffer.from("refused"));
    expect(second.received.length).toBe(0);
    await firstClosed;
    expect(logLines.join("\n")).toMatch(/^127\.0\.0\.1:\d+ refused: max connections 1 reached$/m);
    expect(logLines.join("\n")).toMatch(/^127\.0\.0\.1:\d+ reset: idle for 1000 ms$/m);
    // With the first gone, the next client is relayed.
    const payload = randomBytes(4096);
    expect((await exchange(proxy.port, payload)).received.equals(payload)).toBe(true);
  });
});
