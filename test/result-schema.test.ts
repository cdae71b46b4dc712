// The result files' JSON Schemas (schemas/) against real results: `sockbench load` over tcp, http, an open
// loop and worker threads, `sockbench check --json` and the committed baselines all (a bench run: bench-suite.test.ts)
// validate; a renamed field, a string for a number and a missing field each fail at their JSON path; and
// `report`, `compare` and `bench --baseline` refuse an invalid file with exit 2, naming the file, the path
// and what was expected.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadResult } from "../src/results/load-result.js";
import {
  RESULT_SCHEMA_FILES,
  requireValidResult,
  resultSchemaViolations,
} from "../src/results/result-schemas.js";
import { type RunningCli, runCli, startCli } from "./support/cli-process.js";

const ROOT = new URL("../", import.meta.url);
const readJson = async (path: string) => JSON.parse(await readFile(new URL(path, ROOT), "utf8"));

type Schema = Record<string, unknown> & {
  properties?: Record<string, Schema>;
  $defs?: Record<string, Schema>;
  $ref?: string;
};

/** Each schema file by its $id, to follow $refs between them. */
async function loadSchemas(): Promise<Map<string, Schema>> {
  const files = ["result-parts.schema.json", ...Object.values(RESULT_SCHEMA_FILES)];
  const schemas = await Promise.all(files.map((file) => readJson(`schemas/${file}`) as Promise<Schema>));
  return new Map(schemas.map((schema) => [schema.$id as string, schema]));
}

/** The schema a $ref names, from the schema file `within`. */
function resolveRef(schemas: Map<string, Schema>, ref: string, within: string): [Schema, string] {
  const [file, pointer = ""] = ref.split("#");
  const id = file === "" ? within : (file as string);
  let schema = schemas.get(id) as Schema;
  for (const part of pointer.split("/").filter(Boolean)) schema = schema[part] as Schema;
  return [schema, id];
}

/** A field's schema by its dotted path (`config.label`), following $refs; undefined when not defined. */
function fieldSchema(schemas: Map<string, Schema>, file: string, path: string): Schema | undefined {
  let [schema, id] = [schemas.get(file) as Schema, file];
  for (const name of path.split(".")) {
    while (schema.properties?.[name] === undefined && schema.$ref !== undefined) {
      [schema, id] = resolveRef(schemas, schema.$ref, id);
    }
    const next = schema.properties?.[name];
    if (next === undefined) return undefined;
    schema = next;
    if (schema.$ref !== undefined && schema.properties === undefined)
      [schema, id] = resolveRef(schemas, schema.$ref, id);
  }
  return schema;
}

/** The `code` names in a Markdown table's first column, row by row. */
function documentedFields(markdown: string, heading: string): string[] {
  const section = markdown.slice(markdown.indexOf(heading));
  const table = section.slice(section.indexOf("\n|"), section.indexOf("\n\n", section.indexOf("\n|")));
  return table
    .split("\n")
    .slice(3)
    .flatMap((row) =>
      [...(row.split("|")[1] ?? "").matchAll(/`([\w.]+)`/g)].map((match) => match[1] as string),
    );
}

describe("the schemas", () => {
  it("describe every property, and hold every field docs/result-format.md documents", async () => {
    const schemas = await loadSchemas();
    const undescribed: string[] = [];
    const visit = (schema: unknown, at: string, file: string): void => {
      if (typeof schema !== "object" || schema === null) return;
      const node = schema as Schema;
      for (const [name, property] of Object.entries(node.properties ?? {})) {
        const described =
          typeof property.description === "string" ||
          (property.$ref !== undefined &&
            typeof resolveRef(schemas, property.$ref, file)[0].description === "string");
        if (!described) undescribed.push(`${file} ${at}.${name}`);
      }
      for (const [key, child] of Object.entries(node)) visit(child, `${at}/${key}`, file);
    };
    for (const [file, schema] of schemas) visit(schema, "", file);
    expect(undescribed).toEqual([]);

    const markdown = await readFile(new URL("docs/result-format.md", ROOT), "utf8");
    const loadFields = documentedFields(markdown, "## A load result");
    expect(loadFields).toEqual(expect.arrayContaining(["tool", "config", "cpu", "partial", "config.label"]));
    const missing = loadFields.filter((field) => !fieldSchema(schemas, "load-result.schema.json", field));
    expect(missing).toEqual([]);
    const contextFields = documentedFields(markdown, "## Run context");
    expect(contextFields).toContain("perSecond.p99Us");
    for (const field of contextFields) {
      expect(fieldSchema(schemas, "load-result.schema.json", field), field).toBeDefined();
    }
    for (const field of ["startedAt", "machine.cpuModel", "context.commandLine", "context.gitCommit"]) {
      expect(fieldSchema(schemas, "bench-result.schema.json", field), field).toBeDefined();
      expect(fieldSchema(schemas, "check-result.schema.json", field), field).toBeDefined();
    }
    for (const field of ["settings.rounds", "settings.roundMs", "settings.warmupMs", "label", "partial"]) {
      expect(fieldSchema(schemas, "bench-result.schema.json", field), field).toBeDefined();
    }
    expect(fieldSchema(schemas, "load-result.schema.json", "throughput.messagesPerSecond")).toBeUndefined();
  });
});

describe("real results validate", () => {
  let directory: string;
  let tcpServer: RunningCli;
  let httpServer: RunningCli;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), "sockbench-schema-"));
    [tcpServer, httpServer] = await Promise.all([
      startCli(["serve", "--port", "0", "--framing", "length"]),
      startCli(["serve", "--port", "0", "--transport", "http"]),
    ]);
  });

  afterAll(async () => {
    for (const server of [tcpServer, httpServer]) {
      server?.child.kill("SIGTERM");
      await server?.exited;
    }
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  /** `sockbench load` against the tcp server with `args`, its --out file read back. */
  async function loadResult(args: string[]): Promise<LoadResult> {
    const out = join(directory, `load-${args.join("-").replace(/\W+/g, "_")}.json`);
    const run = await runCli(["load", ...args, "--amount", "200", "--json", "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    const written = JSON.parse(await readFile(out, "utf8"));
    expect(written).toEqual(JSON.parse(run.stdout));
    return written;
  }

  const tcp = () => [`127.0.0.1:${tcpServer.port}`, "--framing", "length"];

  it("a tcp load run, with a label", { timeout: 60_000 }, async () => {
    const result = await loadResult([...tcp(), "-c", "2", "--label", "tcp run"]);
    expect(result.cpu?.driver.cores).toBe(1);
    expect(result.machine?.cpus).toBeGreaterThan(0);
    expect(result.context?.commandLine).toMatch(/^sockbench load /);
    expect(result.latencyUs.percentiles).toBeDefined();
    expect(result.perSecond.histograms).toBeDefined();
    expect(resultSchemaViolations(result, "load")).toEqual([]);
  });

  it("an http load run", { timeout: 60_000 }, async () => {
    const result = await loadResult([`http://127.0.0.1:${httpServer.port}`, "--transport", "http"]);
    expect(result.config).toMatchObject({ transport: "http", framing: "http" });
    expect(result.messages.verified).toBe(200);
    expect(resultSchemaViolations(result, "load")).toEqual([]);
  });

  it("an open-loop run (--rate): scheduled, achievedRate and the uncorrected latency", {
    timeout: 60_000,
  }, async () => {
    const result = await loadResult([...tcp(), "--rate", "2000"]);
    expect(result.config.rate).toBe(2000);
    expect(result.messages.scheduled).toBeGreaterThan(0);
    expect(result.throughput.achievedRate).toBeGreaterThan(0);
    expect(typeof result.uncorrectedHistogram).toBe("string");
    expect(result.uncorrectedLatencyUs?.p99).toBeGreaterThan(0);
    expect(resultSchemaViolations(result, "load")).toEqual([]);
  });

  it("a run of two worker threads", { timeout: 60_000 }, async () => {
    const result = await loadResult([...tcp(), "-c", "2", "--workers", "2"]);
    expect(result.config.workers).toBe(2);
    expect(result.messages.verified).toBe(200);
    expect(resultSchemaViolations(result, "load")).toEqual([]);
  });

  it("a run that judges nothing (--expect none): received, verified 0, over two workers", {
    timeout: 60_000,
  }, async () => {
    const result = await loadResult([...tcp(), "-c", "2", "--workers", "2", "--expect", "none"]);
    expect(result.config.verify).toBe("none");
    expect(result.messages).toEqual({ sent: 200, received: 200, verified: 0 });
    expect(result.throughput.messagesPerSec).toBeGreaterThan(0);
    expect(resultSchemaViolations(result, "load")).toEqual([]);
    // As a file from before none stopped verifying wrote it: every reply counted as verified too.
    const older = { ...result, messages: { ...result.messages, verified: 200 } };
    expect(resultSchemaViolations(older, "load")).toEqual([]);
  });

  it("a check result (check --framing length --sizes 0,1 --json)", { timeout: 60_000 }, async () => {
    const run = await runCli(["check", "--framing", "length", "--sizes", "0,1", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.cells.length).toBe(10);
    expect(resultSchemaViolations(result, "check")).toEqual([]);
    expect(requireValidResult(result, "check.json")).toBe("check");
  });

  it("the committed baselines: quick written before rounds, cpu and run context existed, default after", async () => {
    const quick = await readJson("results/baseline-quick.json");
    expect(quick.settings).toBeUndefined();
    expect(quick.runs[0].cpu).toBeUndefined();
    expect(resultSchemaViolations(quick, "bench")).toEqual([]);
    const current = await readJson("results/baseline-default.json");
    expect(current.settings.rounds).toBe(3);
    expect(resultSchemaViolations(current, "bench")).toEqual([]);
  });

  describe("and a changed one fails where it changed", () => {
    const tcpRun = () => loadResult([...tcp()]);

    it("a renamed field, a string for a number, a missing field, a second way to stop", {
      timeout: 60_000,
    }, async () => {
      const result = await tcpRun();
      expect(resultSchemaViolations(result)).toEqual([]);

      const renamed = structuredClone(result) as unknown as Record<string, Record<string, unknown>>;
      const throughput = renamed.throughput as Record<string, unknown>;
      throughput.messagesPerSecond = throughput.messagesPerSec;
      delete throughput.messagesPerSec;
      expect(resultSchemaViolations(renamed)).toEqual([
        { path: "/throughput", message: "must have required property 'messagesPerSec'" },
        { path: "/throughput", message: "must NOT have additional properties: messagesPerSecond" },
      ]);

      const stringly = structuredClone(result) as unknown as { latencyUs: Record<string, unknown> };
      stringly.latencyUs.p99 = String(result.latencyUs.p99);
      expect(resultSchemaViolations(stringly)).toEqual([
        { path: "/latencyUs/p99", message: "must be number" },
      ]);

      const { histogram: _histogram, ...missing } = result;
      expect(resultSchemaViolations(missing)).toEqual([
        { path: "/", message: "must have required property 'histogram'" },
      ]);

      const extraTop = { ...result, latency: result.latencyUs };
      expect(resultSchemaViolations(extraTop)).toEqual([
        { path: "/", message: "must NOT have unevaluated properties: latency" },
      ]);

      const amountAndDuration = { ...result, config: { ...result.config, durationMs: 1000 } };
      const neither = structuredClone(result) as unknown as { config: Record<string, unknown> };
      delete neither.config.amount;
      expect(resultSchemaViolations(amountAndDuration)).toEqual([
        { path: "/config", message: "must match exactly one schema in oneOf" },
      ]);
      expect(resultSchemaViolations(neither)).toEqual([
        {
          path: "/config",
          message:
            "must match exactly one schema in oneOf: must have required property 'durationMs' or must have required property 'amount'",
        },
      ]);
    });

    it("in a bench run, a check cell and a baseline", { timeout: 60_000 }, async () => {
      const baseline = await readJson("results/baseline-quick.json");
      baseline.runs[3].scenario.fragmentaton = baseline.runs[3].scenario.fragmentation;
      delete baseline.runs[3].scenario.fragmentation;
      baseline.runs[5].errors.timeout = -1;
      baseline.runs[6].rounds = [{ messagesPerSec: 1, p99Us: 2 }];
      baseline.runs[7].spreads = 0.1;
      expect(resultSchemaViolations(baseline)).toEqual([
        { path: "/runs/3/scenario", message: "must have required property 'fragmentation'" },
        { path: "/runs/3/scenario", message: "must NOT have additional properties: fragmentaton" },
        { path: "/runs/5/errors/timeout", message: "must be >= 0" },
        { path: "/runs/6/rounds/0", message: "must have required property 'errors'" },
        { path: "/runs/7", message: "must NOT have unevaluated properties: spreads" },
      ]);

      const run = await runCli(["check", "--framing", "length", "--sizes", "1", "--json"]);
      const check = JSON.parse(run.stdout);
      check.cells[0].verdict = "passed";
      check.cells[1].errorKinds.timeouts = 0;
      expect(resultSchemaViolations(check)).toEqual([
        {
          path: "/cells/0/verdict",
          message:
            'must be equal to one of the allowed values: "pass", "FAIL", "expected fail", "unexpected pass", "fail (by chance)"',
        },
        { path: "/cells/1/errorKinds", message: "must NOT have additional properties: timeouts" },
      ]);
    });

    it("report, compare and bench --baseline exit 2 naming the file, the path and what was expected", {
      timeout: 120_000,
    }, async () => {
      const result = await tcpRun();
      const good = join(directory, "good.json");
      const bad = join(directory, "bad.json");
      await writeFile(good, JSON.stringify(result));
      await writeFile(
        bad,
        JSON.stringify({
          ...result,
          config: { ...result.config, connections: "2" },
          latencyUs: { ...result.latencyUs, p99: "120" },
          perSecond: { ...result.perSecond, p99us: [] },
          warnings: undefined,
        }),
      );
      // The first three of four, in the schema's order (what a result must have comes first).
      const expected = `${bad}: does not match schemas/load-result.schema.json (read as a load result: it has neither "runs" (bench) nor "cells" (check)): at /: must have required property 'warnings'; at /config/connections: must be integer; at /latencyUs/p99: must be number; and 1 more\n`;
      const report = await runCli(["report", bad]);
      expect(report.code).toBe(2);
      expect(report.stderr).toBe(`sockbench: ${expected}`);
      expect(report.stdout).toBe("");

      const compare = await runCli(["compare", good, bad]);
      expect(compare.code).toBe(2);
      expect(compare.stderr).toBe(`sockbench: ${expected}`);
      expect(compare.stdout).toBe("");

      const fine = await runCli(["report", good]);
      expect(fine.code, fine.stderr).toBe(0);

      // bench reads its --baseline before it runs: nothing ran (no "[1/28] ..." progress on stderr).
      const bench = await runCli(["bench", "--profile", "quick", "--out", directory, "--baseline", bad]);
      expect(bench.code).toBe(2);
      expect(bench.stderr).toBe(`sockbench: ${expected}`);
    });
  });
});
