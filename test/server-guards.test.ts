// The concurrent server's guards against hostile peers, on real sockets: the frame deadline, the minimum
// receive rate, the per-address cap, the buffer budget (backpressure first), the rate-limited log and
// the open-file limit warning. Each asserts on events (a close, a reply, a log line), not on timings.

import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createFraming } from "../src/framing/registry.js";
import { RateLimitedLog } from "../src/rate-limited-log.js";
import { fileLimitWarning, openFileLimit } from "../src/servers/fd-limit.js";
import { openFramedClient } from "./support/framed-client.js";
import { startTestServer, type TestServer, waitFor } from "./support/servers.js";

const CLI_PATH = fileURLToPath(new URL("../dist/src/cli.js", import.meta.url));
const framing = createFraming("length", { maxFrameBytes: 4 * 1024 * 1024 });
const servers: TestServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: Parameters<typeof startTestServer>[1]): Promise<TestServer> {
  const server = await startTestServer("concurrent", { framing, ...options });
  servers.push(server);
  return server;
}

function openFrom(server: TestServer, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port, localAddress }, () => resolve(socket));
    sockets.push(socket);
    socket.once("error", reject);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once("close", () => resolve())));
}

/** A length-framed message's header and all but the last byte of its payload. */
function unfinished(payloadBytes: number): Buffer {
  const whole = Buffer.concat(framing.encode(Buffer.alloc(payloadBytes, "a")));
  return whole.subarray(0, whole.length - 1);
}

async function echoes(server: TestServer, localAddress = "127.0.0.1"): Promise<void> {
  const client = await openFramedClient(server.port, framing, server.host);
  try {
    expect((await client.request(Buffer.from(`hello from ${localAddress}`), 10_000)).toString()).toBe(
      `hello from ${localAddress}`,
    );
  } finally {
    client.close();
  }
}

describe("server guards", () => {
  it("closes a peer whose frame is not complete within --frame-timeout, naming it, and serves others meanwhile", async () => {
    const server = await start({ frameTimeoutMs: 1500, minReceiveBytesPerS: 0 });
    const slow = await openFrom(server, "127.0.0.2");
    slow.write(unfinished(100));
    await echoes(server);
    await closed(slow);
    expect(server.logLines.join("\n")).toMatch(
      /^127\.0\.0\.2:\d+ closed: frame not complete 1500 ms after its first byte \(--frame-timeout\)$/m,
    );
  });

  it("closes a peer trickling below --min-receive-rate mid-frame, and not one between frames", async () => {
    const server = await start({ frameTimeoutMs: 0, minReceiveBytesPerS: 100 });
    const trickler = await openFrom(server, "127.0.0.2");
    const idleBetweenFrames = await openFrom(server, "127.0.0.3");
    const frame = unfinished(1000);
    let sent = 0;
    const timer = setInterval(() => {
      if (sent < frame.length) trickler.write(frame.subarray(sent, ++sent));
    }, 200);
    try {
      await closed(trickler);
    } finally {
      clearInterval(timer);
    }
    expect(server.logLines.join("\n")).toMatch(
      /^127\.0\.0\.2:\d+ closed: sent \d+ bytes in \d+ ms mid-frame, below --min-receive-rate 100 bytes\/s$/m,
    );
    // The peer silent between frames is the idle timeout's business, not the rate's.
    expect(idleBetweenFrames.closed).toBe(false);
    await echoes(server);
  }, 30_000);

  it("refuses connections beyond --max-connections-per-address from one address, not from another", async () => {
    const server = await start({ maxConnectionsPerAddress: 2 });
    const held = [await openFrom(server, "127.0.0.2"), await openFrom(server, "127.0.0.2")];
    const third = await openFrom(server, "127.0.0.2");
    await closed(third);
    expect(held.every((socket) => !socket.closed)).toBe(true);
    await echoes(server, "127.0.0.1");
    await waitFor(() => server.logLines.some((line) => line.includes("refused")));
    expect(server.logLines.join("\n")).toMatch(
      /^127\.0\.0\.2:\d+ refused: 2 connections from 127\.0\.0\.2 already \(--max-connections-per-address\)$/m,
    );
  });

  it("over --max-buffered, stops reading the largest holder until another lets go, while small requests flow", async () => {
    const server = await start({ maxBufferedBytes: 400 * 1024, frameTimeoutMs: 0, minReceiveBytesPerS: 0 });
    const first = await openFrom(server, "127.0.0.2");
    first.write(unfinished(300 * 1024));
    await waitFor(() => first.bytesWritten >= 300 * 1024);
    const second = await openFrom(server, "127.0.0.3");
    const secondReplies: Buffer[] = [];
    const decoder = framing.createDecoder();
    second.on("data", (chunk: Buffer) => secondReplies.push(...decoder.push(chunk)));
    const secondFrame = Buffer.concat(framing.encode(Buffer.alloc(300 * 1024, "b")));
    second.write(secondFrame);
    await waitFor(() => server.logLines.some((line) => line.includes("paused")));
    expect(server.logLines.join("\n")).toMatch(
      /^127\.0\.0\.3:\d+ paused: \d+ bytes held for all connections, over --max-buffered 409600/m,
    );
    // Small requests keep flowing under the budget...
    await echoes(server);
    expect(secondReplies).toHaveLength(0);
    // ...and the paused peer is read again once the first lets go: its frame completes and is answered.
    first.destroy();
    await waitFor(() => secondReplies.length === 1, 10_000);
    expect(secondReplies[0]?.length).toBe(300 * 1024);
  });

  it("logs at most one line per reason a second, with the count of the rest and the last of them", () => {
    const lines: string[] = [];
    const log = new RateLimitedLog((line) => lines.push(line), 60_000);
    for (let index = 0; index < 100; index++) log.note("max-connections", `peer ${index} refused`);
    log.note("idle-timeout", "peer x closed: idle");
    expect(lines).toEqual(["peer 0 refused", "peer x closed: idle"]);
    log.flush();
    expect(lines.slice(2)).toEqual([
      "peer 99 refused [max-connections: 99 more within 60000 ms, this the last]",
    ]);
  });

  it("warns at start when the open-file limit is below --max-connections", async () => {
    expect(openFileLimit()).toBeGreaterThan(0);
    expect(fileLimitWarning(1024, 4096)).toBeUndefined();
    expect(fileLimitWarning(1024, 256)).toMatch(
      /open-file limit \(ulimit -n\) is 256, below --max-connections 1024/,
    );
    // The real thing: a server started under `ulimit -n 256` says so on stderr, then listens.
    const child = spawn("sh", [
      "-c",
      `ulimit -n 256 && exec "${process.execPath}" "${CLI_PATH}" serve --port 0`,
    ]);
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
    });
    try {
      await waitFor(() => stdout.includes("listening on"), 15_000);
      expect(stderr).toMatch(
        /^warning: the open-file limit \(ulimit -n\) is 256, below --max-connections 1024 plus what the server holds itself: .*`ulimit -n 1088`/m,
      );
    } finally {
      child.kill("SIGKILL");
    }
  });
});
