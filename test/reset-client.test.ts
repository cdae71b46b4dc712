// check's mid-reply reset client, against real servers on 127.0.0.1: it resets only once the server has
// stopped reading (Linux /proc shows the bytes the server has not acknowledged), not while a slow server
// still reads; and what /proc shows of a connection's queues.

import { spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runResetClient } from "../src/clients/reset-client.js";
import { readConnectionQueues } from "../src/platform/connection-queues.js";
import { connectionQueues } from "../src/platform/proc-files.js";
import { PYTHON } from "./support/student-servers.js";

const LINUX = process.platform === "linux";
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A Python server that reads 64 KiB every 20 ms (about 3 MB/s) and never replies. */
async function slowReader(): Promise<number> {
  const source = `import socket, sys, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], flush=True)
conn, _ = listener.accept()
while conn.recv(65536):
    time.sleep(0.02)
`;
  const child = spawn(PYTHON, ["-c", source], { stdio: ["ignore", "pipe", "inherit"] });
  cleanups.push(() => child.kill());
  const [line] = (await new Promise<Buffer>((resolve) => child.stdout.once("data", resolve)))
    .toString()
    .split("\n");
  return Number(line);
}

/** A server whose connections are never read. */
async function neverReads(): Promise<{ port: number; accepted: Promise<Socket> }> {
  let accept: (socket: Socket) => void = () => {};
  const accepted = new Promise<Socket>((resolve) => {
    accept = resolve;
  });
  const server: Server = createServer({ pauseOnConnect: true }, (socket) => accept(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    server.close();
    void accepted.then((socket) => socket.destroy());
  });
  return { port: (server.address() as { port: number }).port, accepted };
}

/** The mid-reply client against 127.0.0.1:`port`, writing `copies` of 64 KiB and reading nothing. */
function resetMidReply(port: number, copies: number) {
  return runResetClient({
    host: "127.0.0.1",
    port,
    bytes: Buffer.alloc(64 * 1024, 97),
    copies,
    resetAfterMs: 50,
    whileServerWrites: true,
    timeoutMs: 5000,
  });
}

describe("the mid-reply reset client", () => {
  it.runIf(LINUX)(
    "does not call a slow server that still reads blocked",
    async () => {
      const port = await slowReader();
      const startedMs = Date.now();
      // 8 MiB at 3 MB/s: a write's callback comes only as a third of the send buffer frees, more than
      // 150 ms apart, but every read the server makes shows in what it has acknowledged.
      const outcome = await resetMidReply(port, 128);
      expect(outcome.connected).toBe(true);
      expect(outcome.serverBlocked).toBe(false);
      expect(outcome.writtenBytes).toBe(8 * 1024 * 1024);
      expect(Date.now() - startedMs).toBeGreaterThan(1000);
    },
    20_000,
  );

  it("calls a server that never reads blocked", async () => {
    const { port } = await neverReads();
    const outcome = await resetMidReply(port, 1024);
    expect(outcome.serverBlocked).toBe(true);
    expect(outcome.writtenBytes).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("a connection's queues in /proc", () => {
  it.runIf(LINUX)("show bytes the peer has not read, and on the writer's side not acknowledged", async () => {
    const { port, accepted } = await neverReads();
    const { connect } = await import("node:net");
    const client = connect({ host: "127.0.0.1", port });
    cleanups.push(() => client.destroy());
    await new Promise((resolve) => client.once("connect", resolve));
    client.write(Buffer.alloc(16 * 1024 * 1024, 98));
    await accepted;
    await new Promise((resolve) => setTimeout(resolve, 200));
    const writer = await readConnectionQueues(client.localPort as number, port);
    const reader = await readConnectionQueues(port, client.localPort as number);
    expect(writer?.unacknowledgedBytes).toBeGreaterThan(0);
    expect(reader?.unreadBytes).toBeGreaterThan(0);
    expect(await readConnectionQueues(client.localPort as number, 1)).toBeUndefined();
  });

  it("are read from the table's tx_queue and rx_queue in hex, by local and remote port", () => {
    const table = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:9C41 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1",
      "   1: 0100007F:D2F0 0100007F:9C41 01 003B8000:00000000 01:00000014 00000000  1000        0 222 1",
      "   2: 0100007F:9C41 0100007F:D2F0 01 00000000:00005E28 00:00000000 00000000  1000        0 333 1",
    ].join("\n");
    expect(connectionQueues(table, 0xd2f0, 0x9c41)).toEqual({
      unacknowledgedBytes: 0x3b8000,
      unreadBytes: 0,
    });
    expect(connectionQueues(table, 0x9c41, 0xd2f0)).toEqual({ unacknowledgedBytes: 0, unreadBytes: 0x5e28 });
    expect(connectionQueues(table, 0x9c41, 0x1234)).toBeUndefined();
  });
});
