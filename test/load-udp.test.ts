// The UDP load transport on real datagram sockets: against the project's UDP server every reply verifies;
// against a server written here that drops, repeats, holds back and damages replies, each is counted
// exactly under its kind; a size one datagram cannot carry is refused before anything is sent.

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { getApp } from "../src/apps/registry.js";
import { LoadConfigError } from "../src/clients/load/core/load-config.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { MISMATCH_KINDS } from "../src/results/load-result.js";
import type { RunningServer } from "../src/servers/server-options.js";
import { startServer } from "../src/servers/start-server.js";

interface DatagramServer {
  target: string;
  /** Datagrams received so far. */
  received(): number;
  close(): Promise<void>;
}

/** What the server does with request number `index` (counted over the whole server, from 0). */
type Misbehaviour = (index: number) => "answer" | "drop" | "duplicate" | "hold" | "corrupt";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A UDP echo server that misbehaves as told; a held reply goes out right after the next one. */
async function startMisbehavingServer(
  misbehaviour: Misbehaviour,
  type: "udp4" | "udp6" = "udp4",
): Promise<DatagramServer> {
  const socket: Socket = createSocket(type);
  let count = 0;
  let held: { reply: Buffer; peer: RemoteInfo } | undefined;
  socket.on("message", (request, peer) => {
    const index = count++;
    const send = (reply: Buffer, to: RemoteInfo) => socket.send(reply, to.port, to.address);
    const fate = misbehaviour(index);
    if (fate === "hold") {
      held = { reply: request, peer };
      return;
    }
    if (fate === "corrupt") {
      const damaged = Buffer.from(request);
      damaged[damaged.length - 1] = (damaged[damaged.length - 1] as number) ^ 1;
      send(damaged, peer);
    } else if (fate !== "drop") {
      send(request, peer);
      if (fate === "duplicate") send(request, peer);
    }
    if (held !== undefined) {
      send(held.reply, held.peer);
      held = undefined;
    }
  });
  const host = type === "udp6" ? "::1" : "127.0.0.1";
  await new Promise<void>((resolve) => socket.bind(0, host, () => resolve()));
  const server = {
    target: type === "udp6" ? `[::1]:${socket.address().port}` : `127.0.0.1:${socket.address().port}`,
    received: () => count,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
  closers.push(server.close);
  return server;
}

async function startUdpEchoServer(host = "127.0.0.1"): Promise<RunningServer> {
  const server = await startServer("concurrent", {
    transport: "udp",
    host,
    port: 0,
    app: getApp("echo"),
    maxRequestBytes: 1024 * 1024,
    log: () => {},
  });
  closers.push(() => server.close());
  return server;
}

describe("load --transport udp", () => {
  it("verifies every reply of the project's UDP server, sizes 0 B to 65,507 B", async () => {
    const server = await startUdpEchoServer();
    const result = await runLoad({
      target: server.target as string,
      transport: "udp",
      connections: 2,
      pipelining: 4,
      sizesBytes: [0, 1, 17, 18, 1024, 65_507],
      amount: 400,
      timeoutMs: 10_000,
    });
    expect(result.config.framing).toBe("udp");
    expect(result.config.target).toBe(`udp://${server.target}`);
    expect(result.errors).toEqual({ mismatch: 0, timeout: 0, reset: 0, protocol: 0, connect: 0 });
    expect(result.messages).toMatchObject({ sent: 400, received: 400, verified: 400 });
  });

  it("counts dropped, repeated, reordered and damaged replies exactly, each under its kind", async () => {
    // Of every ten requests: the 4th dropped, the 6th answered twice, the 8th answered after the 9th,
    // the 10th answered with its last byte changed.
    const fates: Record<number, ReturnType<Misbehaviour>> = {
      3: "drop",
      5: "duplicate",
      7: "hold",
      9: "corrupt",
    };
    const server = await startMisbehavingServer((index) => fates[index % 10] ?? "answer");
    const result = await runLoad({
      target: server.target,
      transport: "udp",
      connections: 1,
      // Room for the held reply's successor to be sent, and for every dropped request to wait its timeout.
      pipelining: 8,
      sizesBytes: [64],
      amount: 60,
      timeoutMs: 3000,
    });
    const expected = { lost: 6, duplicated: 6, reordered: 6, corrupted: 6 };
    for (const kind of MISMATCH_KINDS) {
      expect(result.mismatches[kind], kind).toBe(expected[kind as keyof typeof expected] ?? 0);
    }
    expect(result.errors).toEqual({ mismatch: 24, timeout: 0, reset: 0, protocol: 0, connect: 0 });
    expect(result.messages).toMatchObject({ sent: 60, verified: 60 - 6 - 6 - 6 });
    expect(server.received()).toBe(60);
  });

  it("refuses a size one datagram cannot carry before anything is sent", async () => {
    const server = await startMisbehavingServer(() => "answer");
    await expect(
      runLoad({ target: server.target, transport: "udp", sizesBytes: [64, 65_508], amount: 10 }),
    ).rejects.toThrow(
      /size 65508 bytes is too large: one UDP datagram over IPv4 carries at most 65,507 bytes/,
    );
    await expect(
      runLoad({ target: server.target, transport: "udp", sizesBytes: [65_508], amount: 10 }),
    ).rejects.toBeInstanceOf(LoadConfigError);
    // A datagram of our own, sent after the refusals, comes back once the server has read all that came
    // before it: by then a stray datagram of the refused runs would have been counted.
    const marker = createSocket("udp4");
    closers.push(() => new Promise<void>((resolve) => marker.close(() => resolve())));
    const echoed = new Promise((resolve) => marker.once("message", resolve));
    const [host, port] = server.target.split(":") as [string, string];
    marker.send("marker", Number(port), host);
    await echoed;
    expect(server.received()).toBe(1);
  });

  it("carries 65,527 bytes over IPv6, one more than IPv4 allows and no more", async () => {
    const server = await startUdpEchoServer("::1");
    expect(server.target).toBe(`[::1]:${server.port}`);
    const result = await runLoad({
      target: server.target as string,
      transport: "udp",
      connections: 1,
      sizesBytes: [65_527],
      amount: 20,
      timeoutMs: 10_000,
    });
    expect(result.messages.verified).toBe(20);
    await expect(
      runLoad({ target: server.target as string, transport: "udp", sizesBytes: [65_528], amount: 1 }),
    ).rejects.toThrow(/over IPv6 carries at most 65,527 bytes/);
  });

  it("open loop: a lost datagram frees its place and the schedule never waits for it", async () => {
    // Every tenth datagram dropped, the last one of the run among them: the case.
    const server = await startMisbehavingServer((index) => (index % 10 === 9 ? "drop" : "answer"));
    const started = performance.now();
    const result = await runLoad({
      target: server.target,
      transport: "udp",
      connections: 10,
      rate: 500,
      amount: 1000,
      timeoutMs: 1000,
    });
    const elapsedS = (performance.now() - started) / 1000;
    expect(result.messages).toMatchObject({ sent: 1000, verified: 900, scheduled: 1000 });
    expect(result.mismatches.lost).toBe(100);
    // 2 s of sending and one timeout for the last lost datagram; each lost one waited in line before.
    expect(elapsedS).toBeLessThan(4.5);
    expect(result.sendingS).toBeGreaterThan(1.9);
    expect(result.sendingS).toBeLessThan(2.5);
    expect(result.throughput.achievedRate).toBeGreaterThan(450);
    expect(result.warnings).toEqual([
      "datagrams lost: 100 of 1000 (10.0%) got no reply within 1000 ms and count as lost, not as latency; the other requests went at their intended times. The network or the server dropped them, or the server never answered (on loopback the kernel drops one only when a receive buffer is full)",
    ]);
  });

  it("holds an open-loop rate and counts a server that is not there as lost and port unreachable", async () => {
    const server = await startUdpEchoServer();
    const paced = await runLoad({
      target: server.target as string,
      transport: "udp",
      connections: 2,
      rate: 400,
      amount: 200,
      timeoutMs: 5000,
    });
    expect(paced.messages).toMatchObject({ sent: 200, verified: 200, scheduled: 200 });
    // 200 requests at 400/s take half a second; a rate not held would be over in a blink.
    expect(paced.durationS).toBeGreaterThan(0.45);

    await server.close();
    const absent = await runLoad({
      target: server.target as string,
      transport: "udp",
      connections: 1,
      amount: 3,
      timeoutMs: 300,
    });
    expect(absent.messages.verified).toBe(0);
    expect(absent.mismatches.lost + absent.errors.timeout).toBe(absent.messages.sent);
    expect(absent.errors.connect).toBeGreaterThan(0);
    expect(absent.errorSamples.join("\n")).toMatch(/port unreachable \(ECONNREFUSED\)/);
  });
});
