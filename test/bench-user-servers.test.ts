// `sockbench bench` with the user's own servers: a student's Python exercise-5 server benched beside the
// built-in servers lands in the same table (its own column, in its framing's row), and a bad --server
// or config file is a usage error naming the entry.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serverFromOption } from "../src/cli/bench-servers.js";
import { renderBenchTables } from "../src/report/bench-report.js";
import type { BenchResult } from "../src/results/bench-result.js";
import { totalErrors } from "../src/results/load-result.js";
import { BENCH_PROFILES, type BenchProfile, benchScenarios } from "../src/suites/bench-profiles.js";
import { runBench } from "../src/suites/bench-suite.js";
import { CLI_PATH, runCli } from "./support/cli-process.js";
import { EOF_ECHO_SERVER, PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());
const exercise5 = folder.write("server.py", EOF_ECHO_SERVER);

const tinyProfile: BenchProfile = {
  ...BENCH_PROFILES.quick,
  sizesBytes: [64],
  warmupMs: 0,
  durationMs: 250,
  timeoutMs: 1000,
  // The eof row is the one the user's server joins; other framings and more rounds add only time.
  framings: ["eof"],
  rounds: 3,
};

describe("bench with a user's server", () => {
  it("puts a Python exercise-5 server in the same table as the built-in servers", {
    timeout: 120_000,
  }, async () => {
    const student = serverFromOption(`exercise5=${PYTHON} ${exercise5} {port}`);
    const result = await runBench(tinyProfile, {}, [student]);
    const own = result.runs.filter((run) => run.scenario.variant === "exercise5");
    expect(own).toHaveLength(1);
    const run = own[0];
    expect(run?.scenario).toMatchObject({
      framing: "eof",
      connections: 1,
      size: 64,
      server: `${PYTHON} ${exercise5} {port}`,
    });
    expect(run?.messages.verified).toBeGreaterThan(0);
    expect(totalErrors(run as never)).toBe(0);

    const tables = renderBenchTables(result.runs);
    // One table for 64 B: the built-in variants and the student's server side by side.
    expect(tables.match(/messages, 10 connections/g)).toHaveLength(1);
    expect(tables).toMatch(/64 B messages, 10 connections \(sequential: 1, exercise5: 1\)/);
    const header = tables.split("\n").find((line) => line.includes("framing")) as string;
    expect(header).toMatch(
      /framing\s*│\s*sequential\s*│\s*concurrent\s*│\s*cluster\s*│\s*exercise5\s*│\s*boundary errors/,
    );
    const eofRow = tables.split("\n").find((line) => /│ eof /.test(line)) as string;
    expect(eofRow.split("│").filter((cell) => /msg\/s/.test(cell))).toHaveLength(4);
  });
});

describe("bench narrowed to what its user came for", () => {
  it("--own-only runs the user's server alone, at --sizes, --rounds of --round, and the HTML puts it first", {
    timeout: 60_000,
  }, async () => {
    const out = folder.path;
    const run = await runCli([
      "bench",
      "--profile",
      "quick",
      "--own-only",
      "--server",
      `exercise5=${PYTHON} ${exercise5} {port}`,
      "--sizes",
      "64,1KiB",
      "--rounds",
      "2",
      "--round",
      "300ms",
      "--format",
      "json,html",
      "--out",
      out,
    ]);
    expect(run.code, run.stderr).toBe(0);
    // Two cells, each counted in the progress lines: not the 31 scenarios of the quick profile.
    expect(run.stderr).toContain("[6/6] round 2 of 2: ");
    expect(run.stderr).toContain("warm-up: eof framing, exercise5 server, 1 KiB");
    const written = readdirSync(out).filter((name) => name.startsWith("bench-quick-"));
    const json = written.find((name) => name.endsWith(".json")) as string;
    const result = JSON.parse(readFileSync(join(out, json), "utf8")) as BenchResult;
    expect(result.runs.map((cell) => [cell.scenario.variant, cell.scenario.size])).toEqual([
      ["exercise5", 64],
      ["exercise5", 1024],
    ]);
    expect(result.settings).toMatchObject({ rounds: 2, roundMs: 300 });
    expect(result.runs.every((cell) => cell.rounds?.length === 2)).toBe(true);
    const html = readFileSync(join(out, json.replace(/\.json$/, ".html")), "utf8");
    expect(html).toContain("<h2>Your servers</h2>");
    expect(html).toContain("eof exercise5 64 B (your server)");
  });

  it("--framings and --variants choose the built-in cells", () => {
    const narrowed = {
      ...BENCH_PROFILES.quick,
      framings: ["length" as const],
      variants: ["concurrent" as const],
    };
    expect(
      benchScenarios(narrowed).map((scenario) => [scenario.framing, scenario.variant, scenario.size]),
    ).toEqual([
      ["length", "concurrent", 64],
      ["length", "concurrent", 65536],
    ]);
  });

  it.each([
    [["--own-only"], "--own-only benches your servers only, and none is named"],
    [
      ["--framings", "eof,lenght"],
      "expected framings from eof, length, fixed, naive, varint, line, http, udp separated by commas",
    ],
    [["--variants", "threaded"], "expected variants from sequential, concurrent, cluster"],
    [["--round", "0"], "expected a round of at least 1ms"],
    [["--rounds", "0"], "expected a whole number from 1 to 100"],
    [["--framings", "http", "--variants", "sequential"], "these options leave no scenario to run"],
  ])("%j: exit 2 with a clear message", async (args, message) => {
    const run = await runCli(["bench", "--profile", "quick", "--out", folder.path, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe("bench's user-server options", { timeout: 60_000 }, () => {
  it.each([
    [["--server", "python3 server.py"], "--server takes NAME=COMMAND"],
    [["--server", "concurrent=python3 s.py {port}"], 'the name "concurrent" is a built-in server\'s column'],
    [["--server", "a=x", "--server", "a=y"], 'two servers are named "a"'],
    [["--config", "missing.json"], "cannot read missing.json"],
    [["--expect", "hello"], "--expect and --expect-module judge the servers of --server"],
    [["--server", "a=x {port}", "--expect-module", "missing.mjs"], "missing.mjs: no such file"],
  ])("%j: exit 2 with a clear message", async (args, message) => {
    const run = await runCli(["bench", "--profile", "quick", "--out", folder.path, ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("judges --server's replies by --expect: a hello server holds hello, not the default echo", async () => {
    const hello = `greeter=${process.execPath} ${CLI_PATH} serve --port {port} --framing eof --app hello`;
    const args = ["bench", "--profile", "quick", "--out", folder.path, "--format", "json", "--server", hello];
    const narrow = [
      "--variants",
      "concurrent",
      "--framings",
      "length",
      "--sizes",
      "64",
      "--rounds",
      "2",
      "--round",
      "150ms",
    ];
    const judged = await runCli([...args, ...narrow, "--expect", "hello"]);
    expect(judged.code, judged.stdout).toBe(0);
    expect(judged.stdout).not.toContain("errors in");
    const echoed = await runCli([...args, ...narrow]);
    expect(echoed.code).toBe(1);
    expect(echoed.stdout).toMatch(/errors in eof on greeter at 64 B: mismatch: corrupted/);
  });

  it("names the entry of a config file that is wrong", async () => {
    const config = folder.write(
      "sockbench.config.json",
      JSON.stringify({
        servers: [
          { name: "ok", command: "x {port}" },
          { name: "cpp", command: "./s", framing: "lenght" },
        ],
      }),
    );
    const run = await runCli(["bench", "--config", config, "--out", folder.path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${config} servers[1]: "framing" must be one of eof, length, fixed, naive, varint, line, got "lenght"`,
    );
  });
});
