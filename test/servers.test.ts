// Real-socket tests of the single-shot, sequential and concurrent servers over every framing and app.

import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { App } from "../src/apps/app.js";
import { getApp } from "../src/apps/registry.js";
import { sendMessages } from "../src/clients/send-client.js";
import type { Framing } from "../src/framing/framing.js";
import { createFraming } from "../src/framing/registry.js";
import type { ServerVariant } from "../src/servers/server-options.js";
import { printablePayload, startTestServer, type TestServer, waitFor } from "./support/servers.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = [0, 1, 1023, 1024, 1025, 64 * KiB, 8 * MiB];
const VARIANTS: ServerVariant[] = ["single-shot", "sequential", "concurrent"];

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(variant: ServerVariant, framing: Framing, app?: App): Promise<TestServer> {
  const server = await startTestServer(variant, { framing, ...(app ? { app } : {}) });
  servers.push(server);
  return server;
}

async function exchange(server: TestServer, framing: Framing, messages: Buffer[]): Promise<Buffer[]> {
  const replies: Buffer[] = [];
  await sendMessages(
    messages,
    { host: server.host, port: server.port, framing, timeoutMs: 10_000 },
    (reply) => replies.push(reply),
  );
  return replies;
}

function openRaw(server: TestServer): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, server.host, () => resolve(socket));
    socket.once("error", reject);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once("close", () => resolve())));
}

describe.each(VARIANTS)("%s server", (variant) => {
  const framings: Framing[] = [
    createFraming("eof"),
    createFraming("length"),
    // Records large enough for every size: fixed framing pads each one to the full record.
    createFraming("fixed", { recordSize: 8 * MiB }),
  ];

  it.each(framings.map((framing) => [framing.name, framing] as const))(
    "echoes sizes 0 B to 8 MiB byte for byte with %s framing",
    async (_name, framing) => {
      const server = await start(variant, framing);
      const payloads = SIZES.map((size, index) => printablePayload(size, index));
      const replies = await exchange(server, framing, payloads);
      expect(replies.map((reply) => reply.length)).toEqual(SIZES);
      replies.forEach((reply, index) => {
        expect(reply.equals(payloads[index] as Buffer)).toBe(true);
      });
    },
  );

  it("answers hello and sum as the lab's servers do", async () => {
    const framing = createFraming("eof");
    const hello = await start(variant, framing, getApp("hello"));
    expect((await exchange(hello, framing, [Buffer.from("Hello world")])).map(String)).toEqual([
      'I got "Hello world" from you and I am sending it back.',
    ]);
    const sum = await start(variant, framing, getApp("sum"));
    const replies = await exchange(
      sum,
      framing,
      ["1 2 3 4.5", "oops 1", "", "99999999999999999999 1"].map((text) => Buffer.from(text)),
    );
    expect(replies.map(String)).toEqual([
      "10.5",
      'ERROR: "oops" is not a number',
      "0",
      "100000000000000000000",
    ]);
  });
});

describe("protocol errors and bad peers", () => {
  it("closes a connection that sends an oversized length prefix, logs why, and keeps serving", async () => {
    const framing = createFraming("length");
    const server = await start("concurrent", framing);
    const bystander = await openRaw(server);
    const bad = await openRaw(server);
    bad.write(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    await closed(bad);
    expect(server.logLines.join("\n")).toMatch(
      /protocol error: length prefix 4294967295 exceeds max frame 16777216/,
    );
    expect(bystander.destroyed).toBe(false);
    expect((await exchange(server, framing, [Buffer.from("still here")])).map(String)).toEqual([
      "still here",
    ]);
    bystander.destroy();
  });

  it.each(["concurrent", "sequential"] as const)(
    "survives a peer reset mid-frame (%s) and serves the next client",
    async (variant) => {
      const framing = createFraming("length");
      const server = await start(variant, framing);
      const peer = await openRaw(server);
      peer.write(Buffer.concat([Buffer.from([0, 0, 1, 0]), Buffer.alloc(100, 1)]));
      await new Promise((resolve) => setTimeout(resolve, 50));
      peer.resetAndDestroy();
      await waitFor(() => server.logLines.length > 0);
      expect(server.logLines.join("\n")).toMatch(/ECONNRESET|mid-frame/);
      expect((await exchange(server, framing, [Buffer.from("next")])).map(String)).toEqual(["next"]);
    },
  );

  it("stops reading from a peer that sends but never reads, so memory stays bounded", async () => {
    let receivedBytes = 0;
    const countingEcho: App = {
      name: "echo",
      respond: (payload) => {
        receivedBytes += payload.length;
        return payload;
      },
    };
    const framing = createFraming("length");
    const server = await start("concurrent", framing, countingEcho);
    const peer = await openRaw(server);
    peer.pause();
    const message = Buffer.concat(framing.encode(printablePayload(MiB)));
    const sentBytes = 128 * MiB;
    for (let offset = 0; offset < sentBytes; offset += message.length) peer.write(message);
    // Until the server stops reading: the count holds still for 300 ms. Without backpressure it would
    // read all 128 MiB (well within the deadline) and hold still only then.
    let settled = { bytes: -1, sinceMs: Date.now() };
    await waitFor(() => {
      if (receivedBytes !== settled.bytes) settled = { bytes: receivedBytes, sinceMs: Date.now() };
      return receivedBytes > 0 && Date.now() - settled.sinceMs >= 300;
    }, 10_000);
    expect(receivedBytes).toBeLessThan(32 * MiB);
    peer.destroy();
  });

  it("closes a connection idle for longer than the idle timeout", async () => {
    const server = await startTestServer("concurrent", { idleTimeoutMs: 100 });
    servers.push(server);
    const peer = await openRaw(server);
    await closed(peer);
    expect(server.logLines.join("\n")).toMatch(/idle for 100 ms/);
  });

  it("refuses connections beyond max connections with a log line", async () => {
    const server = await startTestServer("concurrent", { maxConnections: 1 });
    servers.push(server);
    const first = await openRaw(server);
    const second = await openRaw(server);
    await closed(second);
    expect(server.logLines.join("\n")).toMatch(/refused: max connections 1 reached/);
    expect(first.destroyed).toBe(false);
    first.destroy();
  });
});

describe("variant behaviour", () => {
  it("sequential queues a later client and serves it once the first one leaves", async () => {
    const framing = createFraming("eof");
    const server = await start("sequential", framing);
    const first = await openRaw(server);
    const second = await openRaw(server);
    const secondReplies: string[] = [];
    second.on("data", (chunk: Buffer) => secondReplies.push(chunk.toString()));
    second.write(Buffer.concat(framing.encode(Buffer.from("second"))));
    const firstReply = new Promise<string>((resolve) =>
      first.once("data", (chunk: Buffer) => resolve(String(chunk))),
    );
    first.write(Buffer.concat(framing.encode(Buffer.from("first"))));
    expect(await firstReply).toBe("first<EOF>");
    // One more round trip with the first client: a server that served the second beside it would have
    // answered "second", sent before either, by the time this comes back.
    const againReply = new Promise<string>((resolve) =>
      first.once("data", (chunk: Buffer) => resolve(String(chunk))),
    );
    first.write(Buffer.concat(framing.encode(Buffer.from("again"))));
    expect(await againReply).toBe("again<EOF>");
    expect(secondReplies).toEqual([]);
    first.end();
    await waitFor(() => secondReplies.length > 0);
    expect(secondReplies.join("")).toBe("second<EOF>");
    second.destroy();
  });

  it("single-shot serves one client, then stops and refuses the next", async () => {
    const framing = createFraming("eof");
    const server = await start("single-shot", framing);
    expect((await exchange(server, framing, [Buffer.from("one")])).map(String)).toEqual(["one"]);
    await server.finished;
    await expect(exchange(server, framing, [Buffer.from("two")])).rejects.toThrow(/ECONNREFUSED/);
  });
});
