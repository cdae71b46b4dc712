// `sockbench load` as a user runs it (the built CLI): TLS and Unix targets against `sockbench serve`,
// a redis-style inline PING, workers, the JSON and human outputs, and the exit codes.

import type { ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createFraming } from "../src/framing/registry.js";
import { parseToken } from "../src/framing/token.js";
import { decodeHistogram } from "../src/results/latency-histogram.js";
import type { LoadResult } from "../src/results/load-result.js";
import { runCli, startCli } from "./support/cli-process.js";
import { startScriptedServer, type TestServer } from "./support/misbehaving-server.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tls/${name}`, import.meta.url));
const children: ChildProcess[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGTERM");
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function cliServer(args: string[]): Promise<string> {
  const { child, address } = await startCli(["serve", ...args]);
  children.push(child);
  return address;
}

describe("sockbench load", () => {
  it("says what connections closed before any reply usually mean, naming serve's per-address cap", async () => {
    // A quarter of 16: the fifth connection from 127.0.0.1 on is refused at accept.
    const address = await cliServer(["--port", "0", "--framing", "length", "--max-connections", "16"]);
    const run = await runCli([
      "load",
      address,
      "--framing",
      "length",
      "--connections",
      "12",
      // The refusals come at connect: a short run sees all of them.
      "--duration",
      "300ms",
      "--json",
    ]);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.closedBeforeReply).toBeGreaterThanOrEqual(8);
    expect(result.warnings).toContainEqual(
      expect.stringMatching(
        /^the server closed or reset connections before any reply \d+ times, with 12 connections asked: a server does that when it refuses connections at accept, at a cap on connections, per client address .* --max-connections-per-address \(a quarter of it\)/,
      ),
    );
    expect(run.code).toBe(1);
  });

  it("loads `serve --tls-cert/--tls-key` over tls:// with --insecure, and writes --out", async () => {
    const address = await cliServer([
      "--port",
      "0",
      "--framing",
      "length",
      "--tls-cert",
      fixture("cert.pem"),
      "--tls-key",
      fixture("key.pem"),
    ]);
    expect(address).toMatch(/^tls:\/\/127\.0\.0\.1:\d+$/);
    const out = join(tmpdir(), `sockbench-load-${process.pid}.json`);
    const run = await runCli([
      "load",
      "--target",
      address,
      "--insecure",
      "--framing",
      "length",
      "--connections",
      "3",
      "--amount",
      "300",
      "--json",
      "--out",
      out,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.messages.verified).toBe(300);
    expect(result.config.target).toBe(address);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(result);
    rmSync(out);
    // Without --insecure the test certificate is not trusted: cannot connect, exit 2.
    const refused = await runCli(["load", "--target", address, "--framing", "length", "--amount", "5"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("cannot connect");
  });

  it("loads `serve --unix` over unix:PATH and prints the human report", async () => {
    const path = join(tmpdir(), `sockbench-cli-${process.pid}.sock`);
    if (existsSync(path)) rmSync(path);
    const address = await cliServer(["--unix", path, "--framing", "eof"]);
    expect(address).toBe(`unix:${path}`);
    const run = await runCli(["load", "--target", address, "--sizes", "0,1,100", "--amount", "400"]);
    expect(run.code).toBe(0);
    for (const heading of [
      "Latency",
      "99.9%",
      "Msg/Sec",
      "Bytes/Sec",
      "mismatch",
      "400 verified of 400 sent",
    ]) {
      expect(run.stdout).toContain(heading);
    }
  });

  it("loads a redis-style inline PING with --expect none: each reply received, none judged", async () => {
    const framing = createFraming("eof", { token: parseToken("\\r\\n") });
    const server = await startScriptedServer(framing, () => framing.encode(Buffer.from("+PONG")));
    servers.push(server);
    const run = await runCli([
      "load",
      "--target",
      server.target,
      "--framing",
      "eof",
      "--token",
      "\\r\\n",
      "--message",
      "PING",
      "--expect",
      "none",
      "--pipelining",
      "16",
      "--amount",
      "2000",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.messages).toMatchObject({ sent: 2000, received: 2000, verified: 0 });
    expect(result.throughput.messagesPerSec).toBeGreaterThan(0);
    expect(result.config).toMatchObject({ message: "PING", verify: "none" });
  });

  it("shares the load over --workers and merges one result", async () => {
    const address = await cliServer(["--port", "0", "--framing", "length"]);
    const run = await runCli([
      "load",
      "--target",
      address,
      "--framing",
      "length",
      "--workers",
      "2",
      "--connections",
      "4",
      "--pipelining",
      "4",
      "--amount",
      "1001",
      "--json",
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.config.workers).toBe(2);
    expect(result.messages).toEqual({ sent: 1001, received: 1001, verified: 1001 });
    expect(decodeHistogram(result.histogram).totalCount).toBe(1001);
  });

  it("takes autocannon's habits: the target as an argument, short flags, a bare duration in seconds", async () => {
    const address = await cliServer(["--port", "0", "--framing", "length"]);
    const run = await runCli([
      "load",
      address,
      "--framing",
      "length",
      "-c",
      "2",
      "-p",
      "3",
      "-d",
      "1",
      "-t",
      "2",
      "-j",
    ]);
    // wrk's -t is threads: a bare small number is read as autocannon reads it, and said so.
    expect(run.stderr).toBe(
      "note: -t 2 is a timeout of 2s per request, as autocannon's -t; wrk's -t (threads) is -w 2 here (write -t 2s to silence this)\n",
    );
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.config).toMatchObject({
      target: address,
      connections: 2,
      pipelining: 3,
      durationMs: 1000,
      timeoutMs: 2000,
    });
    // One second measured, not one millisecond.
    expect(result.durationS).toBeGreaterThanOrEqual(0.99);
    const amount = await runCli([
      "load",
      address,
      "--framing",
      "length",
      "-a",
      "50",
      "-W",
      "0.2",
      "-w",
      "1",
      "-j",
    ]);
    expect((JSON.parse(amount.stdout) as LoadResult).config).toMatchObject({
      amount: 50,
      warmupMs: 200,
      workers: 1,
    });
  });

  it("takes the forms people type: -R 1.5k, a tcp:// target, -t with a unit (no note)", async () => {
    const address = await cliServer(["--port", "0", "--framing", "length"]);
    const run = await runCli([
      "load",
      `tcp://${address}`,
      "--framing",
      "length",
      "-c",
      "2",
      "-R",
      "1.5k",
      "-d",
      "1",
      "-t",
      "2s",
      "-j",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as LoadResult;
    expect(result.config).toMatchObject({ rate: 1500, timeoutMs: 2000, transport: "tcp" });
    expect(result.messages.verified).toBeGreaterThan(1400);
    const bad = await runCli(["load", address, "--framing", "length", "-R", "5q"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected messages per second such as 50000, 50k or 1.5M, got "5q"');
  });

  it("shows defaults in --help with their units, and refuses no target or two", async () => {
    const help = await runCli(["load", "--help"]);
    // Words, not columns: commander wraps the help at the longest flag's width.
    const words = help.stdout.replace(/\s+/g, " ");
    expect(words).toContain(
      "-t, --timeout <duration> per request; also the connect timeout. A bare number is seconds, as autocannon's -t (wrk's -t is threads: here -w) (default: 5s)",
    );
    expect(words).toContain(
      "-d, --duration <duration> measured phase; a bare number is seconds (default: 10s)",
    );
    const none = await runCli(["load", "--amount", "1"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no target: give one as in `sockbench load 127.0.0.1:8080`");
    const two = await runCli(["load", "127.0.0.1:1", "--target", "127.0.0.1:2"]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("two targets given");
  });

  it("gates exit 3 naming the gate, --max-errors takes over exit 1, and compare matches runs on different ports", async () => {
    const first = await cliServer(["--port", "0", "--framing", "length"]);
    const second = await cliServer(["--port", "0", "--framing", "length"]);
    const out = (name: string) => join(tmpdir(), `sockbench-gate-${process.pid}-${name}.json`);
    const slow = await runCli([
      "load",
      first,
      "--framing",
      "length",
      "-a",
      "200",
      "--max-p99",
      "1us",
      "--min-throughput",
      "1G",
      "-j",
      "--out",
      out("a"),
      "--label",
      "first",
    ]);
    expect(slow.code).toBe(3);
    expect(slow.stderr).toMatch(/gate failed: load: p99 [\d.]+ (ms|µs) above --max-p99 1 µs/);
    expect(slow.stderr).toMatch(/gate failed: load: [\d,]+ msg\/s below --min-throughput 1,000,000,000/);
    const fine = await runCli([
      "load",
      second,
      "--framing",
      "length",
      "-a",
      "200",
      "--max-p99",
      "10s",
      "--max-errors",
      "0",
      "-j",
      "--out",
      out("b"),
    ]);
    expect(fine.stderr).toBe("gates passed\n");
    expect(fine.code).toBe(0);
    // Correctness only: two 200-request loads on a busy test machine differ in p99 by 10x and more (a
    // load result has no rounds to test), and the matching is what this checks.
    const compared = await runCli(["compare", out("a"), out("b"), "--correctness-only"]);
    expect(compared.stdout).toContain(`A: ${out("a")} "first"`);
    expect(compared.stdout).toContain("length 64 B c10 p1");
    expect(compared.stdout).toContain("1 scenario compared, 0 regressed (correctness only)");
    expect(compared.code).toBe(0);
    rmSync(out("a"));
    rmSync(out("b"));
  });

  it("exits 1 when errors were counted, still printing the result", async () => {
    const framing = createFraming("length");
    const server = await startScriptedServer(framing, () => []);
    servers.push(server);
    const run = await runCli([
      "load",
      "--target",
      server.target,
      "--framing",
      "length",
      "--duration",
      "300ms",
      "--timeout",
      "200ms",
      "--json",
    ]);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as LoadResult).errors.timeout).toBeGreaterThan(0);
    // --max-errors takes the judgement over: errors within it exit 0, beyond it exit 3.
    const lenient = ["load", server.target, "--framing", "length", "-d", "300ms", "-t", "200ms", "-j"];
    expect((await runCli([...lenient, "--max-errors", "1000000"])).code).toBe(0);
    expect((await runCli([...lenient, "--max-errors", "0"])).code).toBe(3);
  });

  it("exits 2 on bad usage, naming what was wrong", async () => {
    const cases: [string[], string][] = [
      [["--target", "127.0.0.1:1", "--size", "1", "--sizes", "1,2"], "cannot be used with"],
      [["--target", "nowhere"], "expected a target"],
      [["--target", "127.0.0.1:9", "--duration", "1s", "--amount", "5"], "cannot be used with"],
      [["--target", "127.0.0.1:9", "--message", "a<EOF>", "--amount", "1"], "end token"],
      [["--target", "127.0.0.1:1", "--amount", "1"], "cannot connect"],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(["load", ...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toContain(message);
    }
  });

  it("refuses a framing option typed for a framing that does not read it, naming the framings that do", async () => {
    const cases: [string[], string][] = [
      [
        ["load", "127.0.0.1:9", "--framing", "varint", "--length-bytes", "2"],
        "--length-bytes applies to --framing length, not to --framing varint",
      ],
      [
        ["serve", "--port", "0", "--record-size", "8"],
        "--record-size applies to --framing fixed, not to --framing eof",
      ],
      [
        ["send", "hi", "--framing", "length", "--line-ending", "crlf"],
        "--line-ending applies to --framing line, not to --framing length",
      ],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toContain(message);
    }
    // Read by the reply framing: taken, and the run goes as far as connecting.
    const reply = await runCli([
      "send",
      "hi",
      "--port",
      "9",
      "--framing",
      "length",
      "--reply-framing",
      "line",
      "--line-ending",
      "crlf",
    ]);
    expect(reply.code).toBe(2);
    expect(reply.stderr).toMatch(/connect|ECONNREFUSED/i);
  });
});
