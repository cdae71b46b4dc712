// The cluster variant over real sockets: the CLI's worker processes share one port (0 picks it), serve
// in turn, stop on SIGTERM, and a dead worker stops the cluster; the library entry starts and closes in-process.

import cluster from "node:cluster";
import { connect } from "node:net";
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { getApp } from "../src/apps/registry.js";
import { sendMessages } from "../src/clients/send-client.js";
import { createFraming } from "../src/framing/registry.js";
import { startClusterServer } from "../src/servers/cluster-server.js";
import type { ServerOptions } from "../src/servers/server-options.js";
import { startServer } from "../src/servers/start-server.js";
import { startCli } from "./support/cli-process.js";

const framing = createFraming("eof");

function tcpOptions(app: "echo" | "hello", log: (line: string) => void = () => {}): ServerOptions {
  return {
    framing,
    app: getApp(app),
    host: "127.0.0.1",
    port: 0,
    idleTimeoutMs: 10_000,
    maxConnections: 64,
    log,
  };
}

async function sendAll(port: number, messages: string[]): Promise<string[]> {
  const replies: string[] = [];
  await sendMessages(
    messages.map((message) => Buffer.from(message)),
    { host: "127.0.0.1", port, framing, timeoutMs: 5000 },
    (reply) => replies.push(reply.toString()),
  );
  return replies;
}

/** Sends bytes with no end token, past --max-frame: the server must close this one connection. */
function sendOversizedFrame(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(Buffer.alloc(200, "x")));
    socket.on("error", reject);
    socket.on("close", () => resolve());
    socket.resume();
  });
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function workerPids(stderr: string): number[] {
  const match = /cluster of \d+ workers \(pids ([\d, ]+)\)/.exec(stderr);
  return match ? (match[1] as string).split(", ").map(Number) : [];
}

describe("sockbench serve --variant cluster", () => {
  it("serves from every worker on one port picked by --port 0 and stops cleanly on SIGTERM", async () => {
    const cli = await startCli([
      "serve",
      "--variant",
      "cluster",
      "--port",
      "0",
      "--workers",
      "2",
      "--max-frame",
      "64",
    ]);
    expect(cli.port).toBeGreaterThan(0);
    const pids = workerPids(cli.stderr());
    expect(pids).toHaveLength(2);

    const clients = Array.from({ length: 6 }, (_, client) => [
      `c${client}-a`,
      `c${client}-b`,
      `c${client}-c`,
    ]);
    const replies = await Promise.all(clients.map((messages) => sendAll(cli.port, messages)));
    expect(replies).toEqual(clients);

    // Each protocol error is logged by the worker that served the connection: round-robin spreads them.
    // A worker logs one line per reason a second; a later line counts the rest ("[...: 2 more ...]").
    await Promise.all(Array.from({ length: 4 }, () => sendOversizedFrame(cli.port)));
    const protocolErrorLines = () => [
      ...cli.stderr().matchAll(/worker (\d+): \S+ closed: protocol error[^\n]*?(?:: (\d+) more within|\n)/g),
    ];
    const protocolErrorPids = () => protocolErrorLines().map((match) => Number(match[1]));
    const protocolErrorCount = () =>
      protocolErrorLines().reduce((sum, match) => sum + Number(match[2] ?? 1), 0);
    await waitFor(() => protocolErrorCount() === 4, "4 protocol errors logged");
    expect(new Set(protocolErrorPids())).toEqual(new Set(pids));

    cli.child.kill("SIGTERM");
    const result = await cli.exited;
    expect(result.code).toBe(0);
    expect(result.stdout.match(/listening on/g)).toHaveLength(1);
    expect(pids.filter(isRunning)).toEqual([]);
  });

  it("stops every worker and exits 1 when a worker dies, rather than run with fewer", async () => {
    const cli = await startCli(["serve", "--variant", "cluster", "--port", "0", "--workers", "2"]);
    const [victim, survivor] = workerPids(cli.stderr()) as [number, number];
    process.kill(victim, "SIGKILL");
    const result = await cli.exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`worker ${victim} died unexpectedly (killed by SIGKILL)`);
    expect(isRunning(survivor)).toBe(false);
  });
});

describe("startClusterServer", () => {
  it("starts and closes in-process; two port-0 clusters get ports of their own", async () => {
    const logs: string[] = [];
    const echo = await startClusterServer(
      tcpOptions("echo", (line) => logs.push(line)),
      2,
    );
    const hello = await startServer("cluster", tcpOptions("hello"), 1);
    try {
      expect(hello.port).not.toBe(echo.port);
      expect(await sendAll(echo.port, ["one", "two"])).toEqual(["one", "two"]);
      expect(await sendAll(hello.port, ["one"])).toEqual(['I got "one" from you and I am sending it back.']);
      expect(logs.join("\n")).toMatch(/cluster of 2 workers/);
    } finally {
      await Promise.all([echo.close(), hello.close()]);
    }
    await expect(echo.finished).resolves.toBeUndefined();
    await expect(sendAll(echo.port, ["late"])).rejects.toThrow(/cannot connect/);
  });

  it("rejects, with every worker gone, when the port is taken", async () => {
    const taken = await startServer("concurrent", tcpOptions("echo"));
    try {
      await expect(startClusterServer({ ...tcpOptions("echo"), port: taken.port }, 2)).rejects.toThrow(
        /EADDRINUSE/,
      );
      expect(Object.keys(cluster.workers ?? {})).toEqual([]);
    } finally {
      await taken.close();
    }
  });

  it("runs the HTTP transport in its workers", async () => {
    const server = await startServer(
      "cluster",
      { ...tcpOptions("echo"), transport: "http", maxBodyBytes: 1024 },
      2,
    );
    try {
      const response = await request(`http://127.0.0.1:${server.port}/`, {
        method: "POST",
        body: "over http",
      });
      expect(response.statusCode).toBe(200);
      expect(await response.body.text()).toBe("over http");
    } finally {
      await server.close();
    }
  });
});
