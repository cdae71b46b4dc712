// The load driver over --transport http: the project's HTTP server answers every request right, and
// purpose-written node:http servers that change a body, answer 500, cut a body short, answer with another
// request's body or drop the connection have each fault counted, with the detail naming it.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { getApp } from "../src/apps/registry.js";
import { type LoadConfig, LoadConfigError } from "../src/clients/load/core/load-config.js";
import { TargetError } from "../src/clients/load/core/target.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { ECHO_HEADER_BYTES } from "../src/clients/load/verification/echo-payload.js";
import { decodeHistogram } from "../src/results/latency-histogram.js";
import {
  type LoadResult,
  MISMATCH_KINDS,
  type MismatchKind,
  totalErrors,
} from "../src/results/load-result.js";
import type { RunningServer } from "../src/servers/server-options.js";
import { startServer } from "../src/servers/start-server.js";
import { runCli, startCli } from "./support/cli-process.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function projectServer(app: "echo" | "hello" = "echo"): Promise<RunningServer> {
  const server = await startServer("concurrent", {
    transport: "http",
    app: getApp(app),
    host: "127.0.0.1",
    port: 0,
    idleTimeoutMs: 10_000,
    maxConnections: 100,
    maxBodyBytes: 1024 * 1024,
    log: () => {},
  });
  closers.push(() => server.close());
  return server;
}

/** How a scripted server answers request `index` (counted over the whole server, from 0). */
type Answer = (body: Buffer, index: number, request: IncomingMessage, response: ServerResponse) => void;

const echo: Answer = (body, _index, _request, response) => {
  response.writeHead(200, { "content-length": body.length });
  response.end(body);
};

/** A node:http server that reads each POST body, then answers through `answer`. */
async function scriptedServer(answer: Answer): Promise<string> {
  const sockets = new Set<Socket>();
  let index = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => answer(Buffer.concat(chunks), index++, request, response));
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return `http://127.0.0.1:${address.port}`;
}

function httpConfig(target: string, extra: Partial<LoadConfig> = {}): LoadConfig {
  return {
    target,
    transport: "http",
    connections: 4,
    pipelining: 4,
    sizesBytes: [64],
    amount: 400,
    ...extra,
  };
}

function expectMismatches(result: LoadResult, expected: Partial<Record<MismatchKind, number>>): void {
  for (const kind of MISMATCH_KINDS) expect(result.mismatches[kind], kind).toBe(expected[kind] ?? 0);
}

/** Requests 0, every, 2*every, ... of `amount`. */
const everyNth = (amount: number, every: number) => Math.ceil(amount / every);

describe("runLoad --transport http against the project's HTTP server", () => {
  it("verifies every reply, sizes mixed, pipelined, and writes the TCP driver's result shape", async () => {
    const server = await projectServer();
    const sizes = [0, 1, ECHO_HEADER_BYTES - 1, ECHO_HEADER_BYTES, 100, 70_000];
    const result = await runLoad(
      httpConfig(`127.0.0.1:${server.port}`, { sizesBytes: sizes, amount: 1500, pipelining: 8 }),
    );
    expect(totalErrors(result)).toBe(0);
    expect(result.messages).toEqual({ sent: 1500, received: 1500, verified: 1500 });
    expect(decodeHistogram(result.histogram).totalCount).toBe(1500);
    expect(result.config).toMatchObject({
      target: `http://127.0.0.1:${server.port}`,
      transport: "http",
      framing: "http",
      connections: 4,
      pipelining: 8,
      sizes,
      verify: "echo",
    });
    expect(result.throughput.messagesPerSec).toBeGreaterThan(0);
    expect(result.perSecond.bytes.reduce((sum, value) => sum + value, 0)).toBeGreaterThan(1500 * 64);
    expect(result.latencyUs.max).toBeGreaterThan(0);
  });

  it("checks only the status under --verify none (hello's replies are not echoes)", async () => {
    const server = await projectServer("hello");
    const result = await runLoad(httpConfig(`http://127.0.0.1:${server.port}/`, { verify: "none" }));
    expect(totalErrors(result)).toBe(0);
    // Received, not judged: --verify none verifies nothing.
    expect(result.messages).toMatchObject({ received: 400, verified: 0 });
    // Under --verify echo the same replies are wrong bodies.
    const echoed = await runLoad(httpConfig(`127.0.0.1:${server.port}`, { amount: 40 }));
    expectMismatches(echoed, { corrupted: 40 });
  });

  it("open loop: --rate 2000 for 1 s schedules and sends 2000, latency from the intended times", async () => {
    const server = await projectServer();
    const result = await runLoad(
      httpConfig(`127.0.0.1:${server.port}`, { amount: undefined, rate: 2000, durationMs: 1000 }),
    );
    expect(result.messages.scheduled).toBe(2000);
    expect(result.messages.sent).toBeGreaterThanOrEqual(1900);
    expect(result.messages.sent).toBeLessThanOrEqual(2000);
    expect(result.messages.verified).toBe(result.messages.sent);
    expect(totalErrors(result)).toBe(0);
    expect(decodeHistogram(result.uncorrectedHistogram as string).totalCount).toBe(result.messages.verified);
  });
});

describe("runLoad --transport http counts a misbehaving server's replies", () => {
  it("a changed body is corrupted, naming the first byte that differs", async () => {
    const target = await scriptedServer((body, index, request, response) => {
      // A space is outside the payload alphabet: byte 30 surely changes.
      if (index % 7 === 0) body[30] = 0x20;
      echo(body, index, request, response);
    });
    const result = await runLoad(httpConfig(target));
    expectMismatches(result, { corrupted: everyNth(400, 7) });
    expect(result.errors.mismatch).toBe(totalErrors(result));
    expect(result.messages).toEqual({ sent: 400, received: 400, verified: 400 - everyNth(400, 7) });
    expect(result.errorSamples[0]).toMatch(
      /^mismatch: corrupted: lane \d+ request \d+ \(64 B payload\): reply of 64 bytes differs from the 64 sent from byte 30/,
    );
  });

  it("a status other than 200 is a status mismatch, naming the status, even with the right body", async () => {
    const target = await scriptedServer((body, index, request, response) => {
      if (index % 5 !== 0) return echo(body, index, request, response);
      response.writeHead(500, { "content-length": body.length });
      response.end(body);
    });
    const result = await runLoad(httpConfig(target, { verify: "none" }));
    expectMismatches(result, { status: everyNth(400, 5) });
    expect(result.messages).toMatchObject({ received: 400, verified: 0 });
    expect(result.errorSamples[0]).toMatch(
      /^mismatch: status: lane \d+ request \d+: status 500 Internal Server Error/,
    );
  });

  it("a 200 with a body cut short, or with bytes added, is corrupted and says which", async () => {
    const target = await scriptedServer((body, index, request, response) => {
      if (index % 4 === 1) return echo(body.subarray(0, 40), index, request, response);
      if (index % 4 === 2) return echo(Buffer.concat([body, Buffer.from("++")]), index, request, response);
      echo(body, index, request, response);
    });
    const result = await runLoad(httpConfig(target));
    expectMismatches(result, { corrupted: 200 });
    const samples = result.errorSamples.join("\n");
    expect(samples).toContain("reply of 40 bytes is the first 40 of the 64 sent (cut short)");
    expect(samples).toContain("reply of 66 bytes is the 64 sent and 2 more");
  });

  it("another request's body is corrupted, naming the request it belongs to", async () => {
    let previous: Buffer = Buffer.alloc(0);
    const target = await scriptedServer((body, index, request, response) => {
      const reply = index === 10 ? previous : body;
      previous = body;
      echo(reply, index, request, response);
    });
    const result = await runLoad(httpConfig(target, { connections: 1, pipelining: 1, amount: 50 }));
    expectMismatches(result, { corrupted: 1 });
    expect(result.errorSamples[0]).toContain(
      "lane 0 request 10 (64 B payload): reply of 64 bytes is the body of lane 0 request 9",
    );
  });

  it("a dropped connection is a reset; the run goes on over a new one", async () => {
    const target = await scriptedServer((body, index, request, response) => {
      if (index === 20) request.socket.destroy();
      else echo(body, index, request, response);
    });
    const result = await runLoad(httpConfig(target, { connections: 2, pipelining: 1, amount: 100 }));
    expect(result.errors.reset).toBe(1);
    expect(result.errors.mismatch).toBe(0);
    expect(result.messages.verified).toBe(99);
  });

  it("a request never answered is a timeout, and the run still ends", async () => {
    const target = await scriptedServer((body, index, request, response) => {
      if (index !== 3) echo(body, index, request, response);
    });
    const result = await runLoad(
      httpConfig(target, { connections: 2, pipelining: 1, amount: 30, timeoutMs: 300 }),
    );
    expect(result.errors.timeout).toBe(1);
    expect(result.errorSamples[0]).toMatch(
      /^timeout: lane \d+ request \d+ \(64 B payload\): no response within 300 ms$/,
    );
    expect(result.messages.verified).toBe(29);
  });
});

describe("an http:// target chooses the transport and names the path", () => {
  it("POSTs to the target's path with no transport given", async () => {
    const base = await scriptedServer((body, _index, request, response) => {
      if (request.url === "/api/echo") {
        echo(body, _index, request, response);
        return;
      }
      response.writeHead(404, { "content-length": 0 });
      response.end();
    });
    const result = await runLoad({ target: `${base}/api/echo`, connections: 2, amount: 40 });
    expect(result.config).toMatchObject({ transport: "http", target: `${base}/api/echo` });
    expect(result.messages).toEqual({ sent: 40, received: 40, verified: 40 });
    expect(totalErrors(result)).toBe(0);
    // The root is another resource on this server: the path is not dropped on the way.
    const root = await runLoad({ target: base, connections: 1, amount: 5 });
    expect(root.messages.verified).toBe(0);
  });

  it("the CLI takes http://HOST:PORT/PATH without --transport", async () => {
    const base = await scriptedServer((body, _index, request, response) => {
      response.writeHead(request.url === "/v1" ? 200 : 404, { "content-length": body.length });
      response.end(body);
    });
    const run = await runCli(["load", `${base}/v1`, "-a", "30", "-c", "2", "-j"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.config).toMatchObject({ transport: "http", framing: "http" });
    expect(result.messages.verified).toBe(30);
  });
});

describe("runLoad --transport http reads every way HTTP/1.1 frames a body", () => {
  it("chunked bodies, and a server that closes each connection after its response", async () => {
    const chunked = await scriptedServer((body, _index, _request, response) => {
      response.writeHead(200);
      response.write(body.subarray(0, 10));
      response.end(body.subarray(10));
    });
    const result = await runLoad(httpConfig(chunked, { amount: 200 }));
    expect(totalErrors(result)).toBe(0);
    expect(result.messages.verified).toBe(200);
    const closing = await scriptedServer((body, _index, _request, response) => {
      response.writeHead(200, { "content-length": body.length, connection: "close" });
      response.end(body);
    });
    const closed = await runLoad(httpConfig(closing, { pipelining: 1, amount: 30 }));
    expect(totalErrors(closed)).toBe(0);
    expect(closed.messages.verified).toBe(30);
  });
});

describe("--transport http refuses what does not apply", () => {
  it("rejects framing options, tls and unix targets, and an http:// target over tcp", async () => {
    await expect(runLoad({ ...httpConfig("127.0.0.1:9"), framing: "length" })).rejects.toThrow(
      LoadConfigError,
    );
    await expect(runLoad(httpConfig("tls://127.0.0.1:9"))).rejects.toThrow(
      /takes HOST:PORT or http:\/\/HOST:PORT/,
    );
    await expect(runLoad(httpConfig("unix:/tmp/x"))).rejects.toThrow(TargetError);
    await expect(
      runLoad({ target: "http://127.0.0.1:9", transport: "tcp", framing: "length", amount: 1 }),
    ).rejects.toThrow(/load it with --transport http/);
    await expect(runLoad(httpConfig("tcp://127.0.0.1:9"))).rejects.toThrow(
      /--transport http takes HOST:PORT or http:\/\/HOST:PORT\[\/PATH\]/,
    );
    await expect(runLoad({ target: "127.0.0.1:9", amount: 1 })).rejects.toThrow(/needs a framing/);
  });

  it("fails before any load when nothing listens", async () => {
    const target = await scriptedServer(echo);
    await Promise.all(closers.splice(0).map((close) => close()));
    await expect(runLoad(httpConfig(target))).rejects.toThrow(/cannot connect to http:\/\/127\.0\.0\.1:\d+/);
  });

  it("the CLI loads `serve --transport http` over --workers, and exits 2 on framing options", async () => {
    const server = await startCli(["serve", "--transport", "http", "--port", "0"]);
    closers.push(async () => {
      server.child.kill("SIGTERM");
      await server.exited;
    });
    const run = await runCli([
      "load",
      "--transport",
      "http",
      "--target",
      `http://127.0.0.1:${server.port}`,
      "--amount",
      "200",
      "--connections",
      "4",
      "--workers",
      "2",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.config).toMatchObject({ transport: "http", framing: "http", workers: 2 });
    expect(result.messages).toEqual({ sent: 200, received: 200, verified: 200 });
    const refused = await runCli([
      "load",
      "--transport",
      "http",
      "--framing",
      "length",
      "--target",
      `127.0.0.1:${server.port}`,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--framing, --token and --record-size apply to --transport tcp");
  });
});
