// Driver-side fragmentation: --split N reaches a server as N separate reads per frame, in order, and
// echo verification still holds; --nagle only changes the socket option.

import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { LoadConfigError } from "../src/clients/load/core/load-config.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { totalErrors } from "../src/results/load-result.js";
import { runCli } from "./support/cli-process.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A raw echo server that counts its reads (it echoes bytes as they come, so any framing passes). */
async function countingEchoServer(): Promise<{ port: number; reads: () => number; bytes: () => number }> {
  let reads = 0;
  let bytes = 0;
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      reads++;
      bytes += chunk.length;
      socket.write(chunk);
    });
    socket.on("error", () => {});
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return { port: address.port, reads: () => reads, bytes: () => bytes };
}

describe("load --split", () => {
  it("without --split each frame arrives as one read", async () => {
    const server = await countingEchoServer();
    const result = await runLoad({
      target: `127.0.0.1:${server.port}`,
      framing: "length",
      connections: 1,
      amount: 50,
      sizesBytes: [100],
    });
    expect(totalErrors(result)).toBe(0);
    expect(result.messages.verified).toBe(50);
    expect(server.reads()).toBe(50);
  });

  it.each([2, 3, 8])(
    "with --split %i a frame arrives in that many reads and still verifies",
    async (pieces) => {
      const server = await countingEchoServer();
      const frames = 40;
      const result = await runLoad({
        target: `127.0.0.1:${server.port}`,
        framing: "length",
        connections: 1,
        amount: frames,
        sizesBytes: [100],
        splitPieces: pieces,
      });
      expect(totalErrors(result)).toBe(0);
      expect(result.messages.verified).toBe(frames);
      expect(result.config.splitPieces).toBe(pieces);
      expect(server.bytes()).toBe(frames * 104);
      // The pieces leave a timer turn apart: nearly all of them are reads of their own.
      expect(server.reads()).toBeGreaterThanOrEqual(Math.floor(frames * pieces * 0.9));
      expect(server.reads()).toBeLessThanOrEqual(frames * pieces);
    },
  );

  it("keeps the frames' order with several requests in flight", async () => {
    const server = await countingEchoServer();
    const result = await runLoad({
      target: `127.0.0.1:${server.port}`,
      framing: "eof",
      connections: 2,
      pipelining: 8,
      amount: 64,
      sizesBytes: [1, 700, 5000],
      splitPieces: 4,
    });
    expect(totalErrors(result)).toBe(0);
    expect(result.messages.verified).toBe(64);
    expect(server.reads()).toBeGreaterThan(64);
  });

  it("with --nagle still verifies every reply", async () => {
    const server = await countingEchoServer();
    const result = await runLoad({
      target: `127.0.0.1:${server.port}`,
      framing: "length",
      connections: 1,
      amount: 20,
      sizesBytes: [10],
      nagle: true,
    });
    expect(totalErrors(result)).toBe(0);
    expect(result.config.nagle).toBe(true);
  });

  it("refuses a piece count out of range", async () => {
    await expect(
      runLoad({ target: "127.0.0.1:1", framing: "length", amount: 1, splitPieces: 65 }),
    ).rejects.toThrow(LoadConfigError);
    await expect(
      runLoad({ target: "127.0.0.1:1", transport: "http", amount: 1, splitPieces: 2 }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^splitPieces and nagle apply to transport tcp/),
      options: ["splitPieces", "nagle", "transport"],
    });
  });

  it("the CLI takes --split 2..64 and --nagle, and names what --split allows", async () => {
    const server = await countingEchoServer();
    const ok = await runCli([
      "load",
      "--target",
      `127.0.0.1:${server.port}`,
      "--amount",
      "10",
      "--connections",
      "1",
      "--split",
      "2",
      "--nagle",
      "--json",
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).config).toMatchObject({ splitPieces: 2, nagle: true });
    expect(server.reads()).toBeGreaterThanOrEqual(18);
    const bad = await runCli(["load", "--target", "127.0.0.1:1", "--split", "1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--split.*expected a whole number from 2 to 64, got "1"/);
  });

  it("the CLI words the library's splitPieces as --split", async () => {
    const http = await runCli(["load", "http://127.0.0.1:1/", "--amount", "1", "--split", "2"]);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain(
      "sockbench: --split and --nagle apply to --transport tcp: each request is written whole, head and body",
    );
  });
});
