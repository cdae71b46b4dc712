// The bench suite end to end on a tiny profile: every framing x variant runs against real server
// processes, the result has the documented shape, naive's broken boundaries show, and the report marks a best cell.

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describeRun } from "../src/platform/run-context.js";
import { renderBenchMarkdown, renderBenchTables } from "../src/report/bench-report.js";
import { comparableFile, compareRuns, scenarioKey } from "../src/report/compare-results.js";
import type { BenchResult, BenchScenario } from "../src/results/bench-result.js";
import { requireValidResult, resultSchemaViolations } from "../src/results/result-schemas.js";
import type { RoundProgress } from "../src/suites/bench-cell-rounds.js";
import { BENCH_PROFILES, type BenchProfile, benchScenarios } from "../src/suites/bench-profiles.js";
import { runBench, serveArguments } from "../src/suites/bench-suite.js";
import { REFERENCE_SERVER_GLIBC_TUNABLES, startServerProcess } from "../src/suites/server-process.js";

const tinyProfile: BenchProfile = {
  ...BENCH_PROFILES.quick,
  sizesBytes: [64, 2048],
  warmupMs: 0,
  rounds: 2,
  durationMs: 150,
  timeoutMs: 500,
};

describe("bench profiles", () => {
  it("drive sequential with one connection and the others with each connection count", () => {
    const scenarios = benchScenarios(BENCH_PROFILES.full);
    expect(new Set(scenarios.filter((s) => s.variant === "sequential").map((s) => s.connections))).toEqual(
      new Set([1]),
    );
    expect(new Set(scenarios.filter((s) => s.variant === "cluster").map((s) => s.connections))).toEqual(
      new Set([1, 10, 50]),
    );
    expect(scenarios.filter((s) => s.fragmentation !== "none").every((s) => s.size <= 1024)).toBe(true);
  });

  it("full ends with one concurrent server holding 10,000 connections, small messages, pipelining 1", () => {
    const scenarios = benchScenarios(BENCH_PROFILES.full);
    expect(scenarios.at(-1)).toEqual({
      framing: "length",
      variant: "concurrent",
      size: 64,
      connections: 10_000,
      pipelining: 1,
      fragmentation: "none",
    });
    expect(benchScenarios(BENCH_PROFILES.default).every((s) => s.connections <= 50)).toBe(true);
    // Its server lets all 10,000 in, though they all come from 127.0.0.1 (one address).
    const tenThousand = serveArguments(scenarios.at(-1) as BenchScenario).join(" ");
    expect(tenThousand).toContain("--max-connections 10000");
    expect(tenThousand).toContain("--max-connections-per-address 10000");
  });

  it("quick is 33 scenarios and default 66 (http has no sequential variant, udp only concurrent up to one datagram, varint and line only concurrent)", () => {
    expect(benchScenarios(BENCH_PROFILES.quick)).toHaveLength(33);
    expect(benchScenarios(BENCH_PROFILES.default)).toHaveLength(66);
    const added = benchScenarios(BENCH_PROFILES.full).filter(
      (s) => s.framing === "varint" || s.framing === "line",
    );
    expect(new Set(added.map((s) => s.variant))).toEqual(new Set(["concurrent"]));
    const udp = benchScenarios(BENCH_PROFILES.full).filter((s) => s.framing === "udp");
    expect(new Set(udp.map((s) => `${s.variant} ${s.fragmentation}`))).toEqual(new Set(["concurrent none"]));
    expect(new Set(udp.map((s) => s.size))).toEqual(new Set([64, 1024]));
    expect(
      benchScenarios(BENCH_PROFILES.full)
        .filter((s) => s.framing === "http")
        .every((s) => s.fragmentation === "none"),
    ).toBe(true);
  });
});

describe("runBench", () => {
  it("runs every framing (and http) on every variant and shows naive breaking above 1 KiB", {
    timeout: 90_000,
  }, async () => {
    const steps: RoundProgress[] = [];
    const result = await runBench(tinyProfile, { onStep: (progress) => steps.push(progress) });
    expect(result.tool).toBe("sockbench");
    expect(result.machine.cpus).toBeGreaterThan(0);
    // 4 framings on sequential, 7 and udp on concurrent, 5 on cluster; two sizes each.
    expect(result.runs).toHaveLength(34);
    // Interleaved: every cell warms, then round 1 of every cell runs before round 2 of any, in an order
    // the seed shuffles. A cell whose round 1 had errors runs no round 2: naive's three above 1 KiB always
    // (one read is not one 2 KiB message), naive's at 64 B when a read happens to hold two.
    const keyOf = (scenario: BenchScenario) => JSON.stringify(scenario);
    const stopped = new Set(
      result.runs.filter((run) => run.rounds?.length === 1).map((run) => keyOf(run.scenario)),
    );
    for (const run of result.runs) {
      if (run.scenario.framing === "naive" && run.scenario.size > 1024) {
        expect(stopped.has(keyOf(run.scenario))).toBe(true);
      }
      if (stopped.has(keyOf(run.scenario))) expect(run.scenario.framing).toBe("naive");
    }
    const roundTwo = 34 - stopped.size;
    expect(steps.map((step) => step.step)).toEqual(
      Array.from({ length: 68 + roundTwo }, (_, index) => index),
    );
    expect(steps.every((step) => step.steps === 102)).toBe(true);
    expect(steps.map((step) => step.phase)).toEqual([
      ...Array(34).fill("warm-up"),
      ...Array(34).fill(1),
      ...Array(roundTwo).fill(2),
    ]);
    const firstOrder = steps.slice(34, 68).map((step) => keyOf(step.scenario));
    const secondOrder = steps.slice(68).map((step) => keyOf(step.scenario));
    expect(new Set(firstOrder).size).toBe(34);
    expect([...secondOrder].sort()).toEqual(firstOrder.filter((key) => !stopped.has(key)).sort());
    expect(secondOrder).not.toEqual(firstOrder.filter((key) => !stopped.has(key)));
    expect(firstOrder).not.toEqual(steps.slice(0, 34).map((step) => keyOf(step.scenario)));
    expect(result.settings).toEqual({
      rounds: 2,
      roundMs: 150,
      warmupMs: 0,
      pipelining: 1,
      timeoutMs: 500,
      order: "interleaved",
      seed: 1,
    });
    for (const run of result.runs) {
      expect(run.rounds, `${run.scenario.framing} ${run.scenario.variant}`).toHaveLength(
        stopped.has(keyOf(run.scenario)) ? 1 : 2,
      );
      expect(run.spread).toBeGreaterThanOrEqual(0);
      const rates = (run.rounds ?? []).map((round) => round.messagesPerSec);
      expect(run.intervals?.messagesPerSec.low).toBe(Math.min(...rates));
      expect(run.intervals?.messagesPerSec.high).toBe(Math.max(...rates));
      expect(run.warmedMs).toBe(0);
    }

    for (const run of result.runs) {
      const { framing, size } = run.scenario;
      const errors = run.errors.mismatch + run.errors.protocol + run.errors.timeout;
      if (framing === "naive" && size > 1024) {
        expect(errors, `naive ${run.scenario.variant} ${size}`).toBeGreaterThan(0);
      } else if (framing !== "naive") {
        expect(errors, `${framing} ${run.scenario.variant} ${size}: ${run.errorSamples.join("; ")}`).toBe(0);
        expect(run.messages.verified).toBeGreaterThan(0);
        expect(run.latencyUs.p99).toBeGreaterThan(0);
        expect(typeof run.histogram).toBe("string");
      }
    }

    // The file the bench command writes (this result, labelled, with its run context) is valid by its
    // schema; a server's CPU was measured (result-schema.test.ts checks the schemas themselves).
    const written: BenchResult = JSON.parse(
      JSON.stringify({ ...result, label: "schema test", context: describeRun(["node", "cli.js", "bench"]) }),
    );
    expect(written.runs.some((cell) => cell.cpu?.server !== undefined)).toBe(true);
    expect(resultSchemaViolations(written, "bench")).toEqual([]);
    expect(requireValidResult(written, "bench.json")).toBe("bench");

    const tables = renderBenchTables(result.runs);
    expect(tables).toMatch(/64 B messages, 10 connections/);
    expect(tables).toMatch(/★/);
    expect(tables).toMatch(/│ udp\s+│/);
    expect(tables).toMatch(/p50 [\d.,]+ (ms|µs) \/ p99 [\d.,]+ (ms|µs)/);
    expect(tables).toMatch(/loss 0\.00%/);
    // Rates and p99s carry their intervals over the rounds; naive's cells that verified nothing read "broken".
    expect(tables).toMatch(/[\d,]+ msg\/s \([\d,]+–[\d,]+\)/);
    expect(tables).toMatch(/p99 [\d.,]+ (ms|µs) \([\d.,]+ (ms|µs)–[\d.,]+ (ms|µs)\)/);
    expect(tables).not.toMatch(/\b0 msg\/s/);
    expect(renderBenchMarkdown(result.runs)).toMatch(
      /\| framing \| sequential \| concurrent \| cluster \| boundary errors \|/,
    );

    // Against itself (read back from JSON) nothing regresses; a copy where one eof run gained an error
    // regresses on that row, and naive gaining errors is never a regression. One eof run at half speed
    // in every round is not called a regression on 2 rounds a side: no U test of 2 and 2 goes below
    // p = 1/3, so the change is shown untested-for-significance (~), not judged.
    const { runs } = comparableFile(JSON.parse(JSON.stringify(result)), "self");
    const options = { threshold: 0.1, correctnessOnly: false };
    expect(compareRuns(runs, runs, options).flatMap((row) => row.regressions)).toEqual([]);
    const eofRuns = runs.filter((run) => run.scenario.framing === "eof");
    const [erring, slowed] = [eofRuns[0], eofRuns[1]];
    const worse = runs.map((run) => {
      if (run === erring) return { ...run, errorCount: run.errorCount + 1 };
      if (run === slowed && run.rounds) {
        const halved = run.rounds.messagesPerSec.map((rate) => rate / 2);
        return {
          ...run,
          messagesPerSec: run.messagesPerSec / 2,
          rounds: { ...run.rounds, messagesPerSec: halved },
        };
      }
      if (run.scenario.framing === "naive") return { ...run, errorCount: run.errorCount + 5 };
      return run;
    });
    const rows = compareRuns(runs, worse, options);
    const slowedRow = rows.find((row) => row.key === scenarioKey((slowed as (typeof runs)[number]).scenario));
    expect(slowedRow?.throughputTest?.pValue).toBeGreaterThanOrEqual(1 / 3 - 1e-9);
    expect(slowedRow?.throughputTest?.ratio).toBeCloseTo(0.5, 6);
    const regressedKeys = (correctnessOnly: boolean) =>
      compareRuns(runs, worse, { ...options, correctnessOnly })
        .filter((row) => row.regressions.length > 0)
        .map((row) => row.key);
    expect(regressedKeys(false)).toEqual([scenarioKey((erring as (typeof runs)[number]).scenario)]);
    expect(regressedKeys(true)).toEqual([scenarioKey((erring as (typeof runs)[number]).scenario)]);
  });
});

describe("reference server processes", () => {
  it("run with glibc's heap kept (GLIBC_TUNABLES), unless the environment sets its own", async () => {
    const environOf = (pid: number) => readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    const server = await startServerProcess(["--framing", "length"]);
    try {
      expect(environOf(server.pid)).toContain(`GLIBC_TUNABLES=${REFERENCE_SERVER_GLIBC_TUNABLES}`);
    } finally {
      await server.stop();
    }
    const before = process.env.GLIBC_TUNABLES;
    process.env.GLIBC_TUNABLES = "glibc.malloc.arena_max=2";
    try {
      const own = await startServerProcess(["--framing", "length"]);
      try {
        expect(environOf(own.pid)).toContain("GLIBC_TUNABLES=glibc.malloc.arena_max=2");
      } finally {
        await own.stop();
      }
    } finally {
      if (before === undefined) delete process.env.GLIBC_TUNABLES;
      else process.env.GLIBC_TUNABLES = before;
    }
  });
});
