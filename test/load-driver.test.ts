// The load driver against the project's own concurrent server: every framing verified byte for byte,
// TCP, TLS and Unix sockets, the open loop's count, warmup, histogram merging and cleanup.

import { once } from "node:events";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { getApp } from "../src/apps/registry.js";
import { type LoadConfig, LoadConfigError } from "../src/clients/load/core/load-config.js";
import { parseTarget, TargetConnector, TargetError } from "../src/clients/load/core/target.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { ECHO_HEADER_BYTES, EchoPayloadCodec } from "../src/clients/load/verification/echo-payload.js";
import type { FramingName, FramingOptions } from "../src/framing/framing.js";
import { FramingError } from "../src/framing/framing-error.js";
import { createFraming } from "../src/framing/registry.js";
import { parseToken } from "../src/framing/token.js";
import { comparableFile } from "../src/report/compare-results.js";
import { decodeHistogram } from "../src/results/latency-histogram.js";
import { totalErrors } from "../src/results/load-result.js";
import { mergeLoadResults } from "../src/results/load-result-merge.js";
import type { RunningServer, ServerOptions } from "../src/servers/server-options.js";
import { startServer } from "../src/servers/start-server.js";

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function echoServer(
  framing: FramingName,
  extra: Partial<ServerOptions> = {},
  framingOptions: FramingOptions = {},
) {
  const server = await startServer("concurrent", {
    framing: createFraming(framing, framingOptions),
    app: getApp("echo"),
    host: "127.0.0.1",
    port: 0,
    idleTimeoutMs: 0,
    maxConnections: 1000,
    log: () => {},
    ...extra,
  });
  running.push(server);
  return server;
}

const SIZES = [0, 1, 2, ECHO_HEADER_BYTES - 1, ECHO_HEADER_BYTES, ECHO_HEADER_BYTES + 1, 100, 1000];

describe("runLoad against the concurrent echo server", () => {
  it.each([
    ["eof", [...SIZES, 70_000], undefined],
    ["length", [...SIZES, 70_000], undefined],
    ["fixed", SIZES, 1000],
  ] as const)("verifies every reply over %s framing, sizes mixed", async (framing, sizes, recordSize) => {
    const server = await echoServer(framing, {}, recordSize !== undefined ? { recordSize } : {});
    const config: LoadConfig = {
      target: `127.0.0.1:${server.port}`,
      framing: { name: framing, ...(recordSize !== undefined ? { recordSize } : {}) },
      connections: 4,
      pipelining: 8,
      sizesBytes: [...sizes],
      amount: 1500,
    };
    const result = await runLoad(config);
    expect(totalErrors(result)).toBe(0);
    expect(result.messages).toEqual({ sent: 1500, received: 1500, verified: 1500 });
    expect(decodeHistogram(result.histogram).totalCount).toBe(1500);
    expect(result.latencyUs.max).toBeGreaterThan(0);
  });

  it("loads a server with one fixed message and --expect none: every reply received, none judged", async () => {
    const server = await echoServer("eof", {}, { token: parseToken("\\r\\n") });
    const result = await runLoad({
      target: `127.0.0.1:${server.port}`,
      framing: { name: "eof", token: parseToken("\\r\\n") },
      message: Buffer.from("PING"),
      verify: "none",
      connections: 3,
      pipelining: 16,
      amount: 3000,
    });
    expect(totalErrors(result)).toBe(0);
    expect(result.messages).toEqual({ sent: 3000, received: 3000, verified: 0 });
    // The figures count the received replies: an unjudged run is still measured.
    expect(decodeHistogram(result.histogram).totalCount).toBe(3000);
    expect(result.throughput.messagesPerSec).toBeGreaterThan(0);
    expect(result.config.message).toBe("PING");
  });

  it("loads over a Unix socket and over TLS (session reuse across connections)", async () => {
    const path = join(tmpdir(), `sockbench-load-${process.pid}-${Date.now()}.sock`);
    await echoServer("length", { unixPath: path });
    const overUnix = await runLoad({
      target: `unix:${path}`,
      framing: "length",
      amount: 500,
      connections: 2,
    });
    expect(totalErrors(overUnix)).toBe(0);
    expect(overUnix.messages.verified).toBe(500);

    const fixtures = new URL("./fixtures/tls/", import.meta.url);
    const cert = readFileSync(new URL("cert.pem", fixtures));
    const key = readFileSync(new URL("key.pem", fixtures));
    const tlsServer = await echoServer("length", { tls: { cert, key } });
    expect(tlsServer.target).toBe(`tls://127.0.0.1:${tlsServer.port}`);
    const overTls = await runLoad({
      target: `tls://127.0.0.1:${tlsServer.port}`,
      framing: "length",
      amount: 500,
      connections: 3,
      pipelining: 4,
      ca: cert,
    });
    expect(totalErrors(overTls)).toBe(0);
    expect(overTls.messages.verified).toBe(500);
    // Without the test CA or --insecure, the self-signed certificate is refused.
    await expect(
      runLoad({ target: `tls://127.0.0.1:${tlsServer.port}`, framing: "length", amount: 10 }),
    ).rejects.toBeInstanceOf(TargetError);
    const insecure = await runLoad({
      target: `tls://127.0.0.1:${tlsServer.port}`,
      framing: "length",
      amount: 10,
      insecure: true,
    });
    expect(insecure.messages.verified).toBe(10);
  });

  it("reuses the TLS session for later connections to the same target", async () => {
    const fixtures = new URL("./fixtures/tls/", import.meta.url);
    const cert = readFileSync(new URL("cert.pem", fixtures));
    const key = readFileSync(new URL("key.pem", fixtures));
    const server = await echoServer("length", { tls: { cert, key } });
    const connector = new TargetConnector(parseTarget(server.target as string), {
      connectTimeoutMs: 5000,
      ca: cert,
    });
    const first = (await connector.open()) as TLSSocket;
    // TLS 1.3 sends its session ticket after the handshake: wait for the connector to have cached it.
    await once(first, "session");
    await new Promise((resolve) => setImmediate(resolve));
    const second = (await connector.open()) as TLSSocket;
    expect(first.isSessionReused()).toBe(false);
    expect(second.isSessionReused()).toBe(true);
    first.destroy();
    second.destroy();
  });

  it("reads plain TCP sockets into one shared buffer, each read to its own socket's reader", async () => {
    const server = await echoServer("naive");
    const connector = new TargetConnector(parseTarget(`127.0.0.1:${server.port}`), {
      connectTimeoutMs: 5000,
      sharedReadBuffer: true,
    });
    expect(connector.reusesReadBuffer).toBe(true);
    await expect(connector.open()).rejects.toThrow(/needs a reader/);
    const reads = new Map<string, { buffer: ArrayBufferLike; text: string }>();
    const sockets = await Promise.all(
      ["first", "second"].map(async (name) => {
        const socket = await connector.open((_socket, chunk) => {
          reads.set(name, { buffer: chunk.buffer, text: chunk.toString() });
        });
        socket.write(name);
        return socket;
      }),
    );
    await expect.poll(() => reads.size).toBe(2);
    expect(reads.get("first")?.text).toBe("first");
    expect(reads.get("second")?.text).toBe("second");
    expect(reads.get("first")?.buffer).toBe(reads.get("second")?.buffer);
    for (const socket of sockets) socket.destroy();
    // TLS sockets do not take node's onread: they keep their own reads.
    const tls = new TargetConnector(parseTarget(`tls://127.0.0.1:${server.port}`), {
      connectTimeoutMs: 5000,
      sharedReadBuffer: true,
    });
    expect(tls.reusesReadBuffer).toBe(false);
  });

  it("open loop: --rate 2000 for 3 s sends 6000 ± 5%", async () => {
    const server = await echoServer("length");
    const result = await runLoad({
      target: `127.0.0.1:${server.port}`,
      framing: "length",
      rate: 2000,
      durationMs: 3000,
    });
    expect(result.messages.scheduled).toBe(6000);
    expect(result.messages.sent).toBeGreaterThanOrEqual(5700);
    expect(result.messages.sent).toBeLessThanOrEqual(6300);
    expect(result.config.rate).toBe(2000);
    expect(result.throughput.achievedRate).toBeGreaterThan(0);
    expect(result.uncorrectedLatencyUs).toBeDefined();
    expect(decodeHistogram(result.uncorrectedHistogram as string).totalCount).toBe(result.messages.verified);
  });

  it("leaves warmup out of every figure", async () => {
    const server = await echoServer("length");
    const result = await runLoad({
      target: `127.0.0.1:${server.port}`,
      framing: "length",
      warmupMs: 300,
      amount: 400,
      connections: 2,
    });
    expect(result.messages).toEqual({ sent: 400, received: 400, verified: 400 });
    expect(decodeHistogram(result.histogram).totalCount).toBe(400);
  });

  it("merges results: counts add and histograms merge", async () => {
    const server = await echoServer("length");
    const config: LoadConfig = { target: `127.0.0.1:${server.port}`, framing: "length", amount: 300 };
    const [first, second] = await Promise.all([runLoad(config), runLoad({ ...config, amount: 200 })]);
    const merged = mergeLoadResults([first, second]);
    expect(merged.messages.verified).toBe(500);
    expect(decodeHistogram(merged.histogram).totalCount).toBe(500);
    // `sockbench compare` reads a load result as one scenario.
    const [comparable] = comparableFile(JSON.parse(JSON.stringify(merged)), "merged.json").runs;
    expect(comparable?.messagesPerSec).toBe(merged.throughput.messagesPerSec);
    expect(comparable?.errorCount).toBe(0);
    // Maxima are reported at the histogram's resolution (3 significant digits).
    expect(merged.latencyUs.max).toBeGreaterThanOrEqual(
      Math.max(first.latencyUs.max, second.latencyUs.max) * 0.999,
    );
  });

  it("closes every socket and timer it made", async () => {
    const server = await echoServer("length");
    const before = process.getActiveResourcesInfo().filter((kind) => kind !== "TTYWrap").length;
    for (let round = 0; round < 3; round++) {
      await runLoad({ target: `127.0.0.1:${server.port}`, framing: "length", durationMs: 200, rate: 500 });
    }
    // Sockets close on the next turns of the loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = process.getActiveResourcesInfo().filter((kind) => kind !== "TTYWrap").length;
    expect(after).toBeLessThanOrEqual(before);
  });

  it("refuses bad usage and an unreachable target before any load", async () => {
    const server = await echoServer("eof");
    await expect(
      runLoad({
        target: `127.0.0.1:${server.port}`,
        framing: "eof",
        message: Buffer.from("a<EOF>b"),
        amount: 1,
      }),
    ).rejects.toBeInstanceOf(FramingError);
    await expect(
      runLoad({
        target: `127.0.0.1:${server.port}`,
        framing: { name: "fixed", recordSize: 8 },
        sizesBytes: [9],
        amount: 1,
      }),
    ).rejects.toBeInstanceOf(LoadConfigError);
    await expect(runLoad({ target: "nowhere", framing: "eof", amount: 1 })).rejects.toBeInstanceOf(
      TargetError,
    );
    const closed = await echoServer("eof");
    await closed.close();
    await expect(
      runLoad({ target: `127.0.0.1:${closed.port}`, framing: "eof", amount: 1 }),
    ).rejects.toBeInstanceOf(TargetError);
  });
});

describe("echo payloads", () => {
  it("never contain the eof token's first byte or a NUL, and carry their ids", () => {
    const codec = new EchoPayloadCodec([0x3c]);
    for (let seq = 0; seq < 200; seq++) {
      const payload = codec.create(7, seq, 64);
      expect(payload.includes(0x3c)).toBe(false);
      expect(payload.includes(0)).toBe(false);
      expect(codec.parseHeader(payload)).toEqual({ seq, connectionId: 7, sizeBytes: 64 });
    }
    // A one-byte payload still changes from one request to the next.
    expect(codec.create(1, 0, 1).equals(codec.create(1, 1, 1))).toBe(false);
    const damaged = codec.create(7, 5, 64);
    damaged[3] = damaged[3] === 0x41 ? 0x42 : 0x41;
    expect(codec.parseHeader(damaged)).toBeUndefined();
  });

  it("carry every sequence number, connection id and size their digits hold, into a reused buffer too", () => {
    const codec = new EchoPayloadCodec([0x3c]);
    fc.assert(
      fc.property(
        // Past 2^31 the digits are written with doubles, below with integer arithmetic: both sides.
        fc.oneof(fc.integer({ min: 0, max: 2 ** 31 + 64 }), fc.integer({ min: 0, max: 64 ** 7 - 1 })),
        fc.integer({ min: 0, max: 64 ** 4 - 1 }),
        fc.integer({ min: ECHO_HEADER_BYTES, max: 4096 }),
        (seq, connectionId, sizeBytes) => {
          const fresh = codec.create(connectionId, seq, sizeBytes);
          const reused = codec.create(connectionId, seq, sizeBytes, Buffer.alloc(sizeBytes, 0x41));
          expect(reused.equals(fresh)).toBe(true);
          expect(codec.parseHeader(fresh)).toEqual({ seq, connectionId, sizeBytes });
        },
      ),
    );
  });
});
