// Ctrl-C and SIGTERM on real child processes: load prints and writes its partial result, bench keeps the
// scenarios that finished, ab tests the cells it can and says it was interrupted, serve lets the replies it wrote go out and ends cleanly, proxy exits 0.

import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createFraming } from "../src/framing/registry.js";
import type { BenchResult } from "../src/results/bench-result.js";
import type { LoadResult } from "../src/results/load-result.js";
import { spawnCli, startCli } from "./support/cli-process.js";
import { echoFrame, startScriptedServer, type TestServer } from "./support/misbehaving-server.js";
import { waitFor } from "./support/servers.js";

const children: ChildProcess[] = [];
const servers: TestServer[] = [];
const directories: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "sockbench-signals-"));
  directories.push(directory);
  return directory;
}

/** A length-framed echo server that counts the requests it answered. */
async function countingEcho(): Promise<{ server: TestServer; answered: () => number }> {
  const framing = createFraming("length");
  let answered = 0;
  const server = await startScriptedServer(framing, (request) => {
    answered++;
    return echoFrame(framing, request);
  });
  servers.push(server);
  return { server, answered: () => answered };
}

describe("stopping with a signal", () => {
  it.each([
    ["SIGINT", []],
    ["SIGTERM", ["--workers", "2"]],
  ] as const)("load on %s %j prints and writes the partial result, marked partial", async (signal, extra) => {
    const { server, answered } = await countingEcho();
    const out = join(scratch(), "partial.json");
    const args = ["load", server.target, "--framing", "length", "-c", "2", "-d", "120", "-j", "--out", out];
    const load = spawnCli([...args, ...extra]);
    children.push(load.child);
    await waitFor(() => answered() >= 500, 30_000);
    load.child.kill(signal);
    const run = await load.exited;
    expect(run.stderr).toContain(`${signal}: stopping; the partial result follows`);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.partial).toBe(true);
    // The time actually run, not the 120 s asked for; what was in flight is left out, not a timeout.
    expect(result.durationS).toBeGreaterThan(0);
    expect(result.durationS).toBeLessThan(60);
    expect(result.config.durationMs).toBe(120_000);
    expect(result.messages.verified).toBeGreaterThanOrEqual(400);
    expect(result.errors.timeout).toBe(0);
    expect(result.warnings.join("\n")).toMatch(
      /interrupted: the figures cover the [\d.]+ s actually measured/,
    );
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(result);
  });

  it("load's human report says PARTIAL", async () => {
    const { server, answered } = await countingEcho();
    const load = spawnCli(["load", server.target, "--framing", "length", "-c", "1", "-d", "120"]);
    children.push(load.child);
    await waitFor(() => answered() >= 200, 30_000);
    load.child.kill("SIGINT");
    const run = await load.exited;
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/; PARTIAL: interrupted after [\d.]+ s measured\n/);
    expect(run.stdout).toMatch(/verified of [\d,]+ sent/);
  });

  it("bench on SIGINT keeps the rounds each cell finished and writes them, marked partial", async () => {
    const out = scratch();
    // Three cells (one framing, one size, every variant): enough to keep several, and quick to reach round 2.
    const bench = spawnCli([
      "bench",
      "--profile",
      "quick",
      "--framings",
      "length",
      "--sizes",
      "64",
      "--out",
      out,
    ]);
    children.push(bench.child);
    // Progress goes to stderr one line per warm-up and round: once round 2 has started, every cell has
    // finished its first round.
    await waitFor(() => bench.stderr().includes("round 2 of 7"), 120_000);
    bench.child.kill("SIGINT");
    const run = await bench.exited;
    expect(run.stderr).toContain("SIGINT: stopping: each cell keeps the rounds it finished");
    expect(run.code).toBe(0);
    const json = readdirSync(out).find((name) => name.endsWith(".json")) as string;
    const result = JSON.parse(readFileSync(join(out, json), "utf8")) as BenchResult;
    expect(result.partial).toBe(true);
    expect(result.runs.length).toBeGreaterThanOrEqual(2);
    // Only whole rounds: none of them was cut short, and every cell kept its first.
    expect(result.runs.every((benchRun) => benchRun.partial !== true)).toBe(true);
    expect(result.runs.every((benchRun) => (benchRun.rounds?.length ?? 0) >= 1)).toBe(true);
    expect(readFileSync(join(out, json.replace(/\.json$/, ".md")), "utf8")).toContain("partial");
  }, 180_000);

  it("ab on SIGINT tests the cells that have 2 rounds a side, says it was interrupted, and writes them partial", async () => {
    const out = join(scratch(), "ab.json");
    const ab = spawnCli([
      "ab",
      "concurrent",
      "concurrent",
      "--sizes",
      "64,1KiB",
      "-c",
      "2",
      "--rounds",
      "50",
      "--round",
      "50ms",
      "--warmup",
      "0ms",
      "--out",
      out,
    ]);
    children.push(ab.child);
    // Every cell of both sides has finished 2 rounds once the order reaches round 3.
    await waitFor(() => ab.stderr().includes("round 3 of 50"), 60_000);
    ab.child.kill("SIGINT");
    const run = await ab.exited;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("interrupted: 2 of 2 cells tested");
    const result = JSON.parse(readFileSync(out, "utf8")) as BenchResult;
    expect(result.partial).toBe(true);
    expect(result.runs).toHaveLength(4);
  }, 90_000);

  it("serve on SIGINT sends the replies it wrote, ends cleanly and exits 0", async () => {
    const serve = await startCli(["serve", "--port", "0", "--framing", "length"]);
    children.push(serve.child);
    const framing = createFraming("length");
    const socket = connect(serve.port, "127.0.0.1");
    await once(socket, "connect");
    // 8 MiB of requests, not read yet: the server's replies fill the kernel's buffers and then its own,
    // and it stops reading the rest. Destroying such a socket would reset it and lose what it wrote.
    const payload = Buffer.alloc(2048, 7);
    const requests = Buffer.concat(
      Array.from({ length: 4096 }, () => Buffer.concat(framing.encode(payload))),
    );
    socket.write(requests);
    socket.pause();
    await new Promise((resolve) => setTimeout(resolve, 500));
    serve.child.kill("SIGINT");
    await waitFor(() => serve.stderr().includes("SIGINT: closing the listener"), 10_000);
    const decoder = framing.createDecoder();
    let replies = 0;
    let failure: Error | undefined;
    socket.on("data", (chunk: Buffer) => {
      for (const reply of decoder.push(chunk)) {
        expect(reply.equals(payload)).toBe(true);
        replies++;
      }
    });
    socket.on("error", (error) => {
      failure = error;
    });
    socket.resume();
    await once(socket, "close");
    expect(failure).toBeUndefined();
    expect(decoder.bufferedBytes).toBe(0);
    expect(replies).toBeGreaterThan(0);
    const exit = await serve.exited;
    expect(exit.code).toBe(0);
  });

  it("proxy prints its target and faults, and exits 0 on SIGTERM", async () => {
    const { server } = await countingEcho();
    const proxy = await startCli([
      "proxy",
      "--listen",
      "127.0.0.1:0",
      "--target",
      server.target,
      "--latency",
      "5ms",
      "--jitter",
      "2ms",
    ]);
    children.push(proxy.child);
    proxy.child.kill("SIGTERM");
    const exit = await proxy.exited;
    expect(exit.stdout).toContain(`relaying to ${server.target}: latency 5±2 ms (both directions)`);
    expect(exit.code).toBe(0);
  });

  it("serve and proxy on a taken port say so and how to pick another", async () => {
    const { server } = await countingEcho();
    const serve = spawnCli(["serve", "--port", String(server.port)]);
    const proxy = spawnCli(["proxy", "--listen", server.target]);
    for (const run of [await serve.exited, await proxy.exited]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`port ${server.port} on 127.0.0.1 is taken`);
      expect(run.stderr).toMatch(/pick another with --(port|listen)/);
    }
  });
});
