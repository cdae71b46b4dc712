// The file outputs of a real load run on 127.0.0.1: the .hgrm of `load --hgrm` read back by
// hdr-histogram-js gives the result's percentiles, `report --csv` has one row per scenario with the JSON's
// figures, and bad input to `report` is refused with a message naming it.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import hdr from "hdr-histogram-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeHistogram } from "../src/results/latency-histogram.js";
import type { LoadResult } from "../src/results/load-result.js";
import { runCli } from "./support/cli-process.js";
import { startTestServer, type TestServer } from "./support/servers.js";

let directory: string;
let server: TestServer;
let result: LoadResult;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "sockbench-report-files-"));
  server = await startTestServer("concurrent");
  const run = await runCli([
    "load",
    "--target",
    `127.0.0.1:${server.port}`,
    "--framing",
    "length",
    "--connections",
    "4",
    "--sizes",
    "64,1KiB",
    "--amount",
    "5000",
    "--percentiles",
    "50,90,99,99.9,99.99",
    "--out",
    join(directory, "load.json"),
    "--hgrm",
    join(directory, "load.hgrm"),
  ]);
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/│ Stat +│ 50% +│ 90% +│ 99% +│ 99\.9% +│ 99\.99% +│ Avg/);
  result = JSON.parse(await readFile(join(directory, "load.json"), "utf8"));
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

interface HgrmRow {
  valueMs: number;
  percentile: number;
  totalCount: number;
}

/** The rows of a percentile-distribution text: value, percentile (0..1), total count, 1/(1-p). */
function hgrmRows(text: string): HgrmRow[] {
  return text
    .split("\n")
    .filter((line) => /^\s+\d/.test(line))
    .map((line) => {
      const [value, percentile, totalCount] = line.trim().split(/\s+/).map(Number);
      return { valueMs: value as number, percentile: percentile as number, totalCount: totalCount as number };
    });
}

describe(".hgrm", () => {
  it("read back by hdr-histogram-js gives the result's percentiles", async () => {
    const text = await readFile(join(directory, "load.hgrm"), "utf8");
    expect(text.split("\n")[0]).toMatch(/^\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)$/);
    expect(text).toMatch(/#\[Max\s+=\s+[\d.]+, Total count\s+=\s+5000\]/);
    const rows = hgrmRows(text);
    expect(rows.length).toBeGreaterThan(20);
    // Rebuild the histogram from the rows: each row's value holds the counts added since the row before.
    const rebuilt = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000_000,
      numberOfSignificantValueDigits: 3,
    });
    let counted = 0;
    for (const row of rows) {
      if (row.totalCount > counted)
        rebuilt.recordValueWithCount(Math.round(row.valueMs * 1000), row.totalCount - counted);
      counted = row.totalCount;
    }
    expect(rebuilt.totalCount).toBe(result.messages.verified);
    const original = decodeHistogram(result.histogram);
    for (const row of rows.filter((each) => each.percentile < 1)) {
      const percentile = row.percentile * 100;
      expect(rebuilt.getValueAtPercentile(percentile), `at ${percentile}%`).toBe(
        original.getValueAtPercentile(percentile),
      );
      expect(Math.round(row.valueMs * 1000), `at ${percentile}%`).toBe(
        original.getValueAtPercentile(percentile),
      );
    }
    // 50% and 90% are rows of the distribution: the summary's figures, read back.
    expect(rebuilt.getValueAtPercentile(50)).toBe(result.latencyUs.p50);
    expect(rebuilt.getValueAtPercentile(90)).toBe(result.latencyUs.p90);
    expect(result.latencyUs.percentiles).toEqual({
      "50": result.latencyUs.p50,
      "90": result.latencyUs.p90,
      "99": result.latencyUs.p99,
      "99.9": result.latencyUs.p999,
      "99.99": original.getValueAtPercentile(99.99),
    });
    expect(rebuilt.maxValue).toBe(result.latencyUs.max);
  });

  it("report --hgrm writes the same text", async () => {
    const run = await runCli([
      "report",
      join(directory, "load.json"),
      "--hgrm",
      join(directory, "again.hgrm"),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(join(directory, "again.hgrm"), "utf8")).toBe(
      await readFile(join(directory, "load.hgrm"), "utf8"),
    );
  });
});

describe("per-second p99", () => {
  it("merges over worker threads second by second", async () => {
    const run = await runCli([
      "load",
      "--target",
      `127.0.0.1:${server.port}`,
      "--framing",
      "length",
      "--connections",
      "4",
      "--workers",
      "2",
      "--duration",
      "2s",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const merged = JSON.parse(run.stdout) as LoadResult;
    const { perSecond } = merged;
    expect(perSecond.histograms).toHaveLength(perSecond.messages.length);
    expect(perSecond.p99Us).toHaveLength(perSecond.messages.length);
    for (const [second, encoded] of (perSecond.histograms ?? []).entries()) {
      const histogram = decodeHistogram(encoded);
      // Both workers' replies of that second, and its p99 read from them.
      expect(histogram.totalCount, `second ${second}`).toBe(perSecond.messages[second]);
      expect(perSecond.p99Us?.[second]).toBe(histogram.getValueAtPercentile(99));
    }
    expect(perSecond.messages.slice(0, 2).every((count) => count > 0)).toBe(true);
  });
});

describe("report --csv", () => {
  it("writes one row per scenario with the JSON's figures in the README's columns", async () => {
    const run = await runCli([
      "report",
      join(directory, "load.json"),
      "--csv",
      "-",
      "--percentiles",
      "50,99.9",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const [header, row, ...rest] = run.stdout.trimEnd().split("\n");
    expect(rest).toEqual([]);
    const columns = (header ?? "").split(",");
    expect(columns).toEqual([
      "source",
      "framing",
      "variant",
      "size_bytes",
      "connections",
      "pipelining",
      "fragmentation",
      "duration_s",
      "sent",
      "verified",
      "messages_per_sec",
      "bytes_per_sec",
      "latency_min_us",
      "latency_mean_us",
      "p50_us",
      "p99_9_us",
      "latency_max_us",
      "errors",
      "errors_mismatch",
      "errors_timeout",
      "errors_reset",
      "errors_protocol",
      "errors_connect",
    ]);
    // The sizes column is quoted: "64,1024".
    const values = (row ?? "").replace('"64,1024"', "64+1024").split(",");
    const at = (column: string) => values[columns.indexOf(column)];
    expect(at("size_bytes")).toBe("64+1024");
    expect(Number(at("messages_per_sec"))).toBe(result.throughput.messagesPerSec);
    expect(Number(at("verified"))).toBe(5000);
    expect(Number(at("p50_us"))).toBe(result.latencyUs.p50);
    expect(Number(at("p99_9_us"))).toBe(result.latencyUs.p999);
    expect(Number(at("latency_max_us"))).toBe(result.latencyUs.max);
    expect(Number(at("errors"))).toBe(0);
  });
});

describe("report refuses bad input", () => {
  // Six CLI processes one after another: each start takes seconds on a busy machine.
  it("names a missing file, a file that is not a result, a bad percentile and a check result for --csv", {
    timeout: 120_000,
  }, async () => {
    const missing = await runCli(["report", join(directory, "nope.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);

    await writeFile(join(directory, "other.json"), JSON.stringify({ hello: "world" }));
    const other = await runCli(["report", join(directory, "other.json")]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /other\.json: no "tool": "sockbench"; expected the JSON of sockbench load --out/,
    );

    const percentile = await runCli(["report", join(directory, "load.json"), "--percentiles", "50,101"]);
    expect(percentile.code).toBe(2);
    expect(percentile.stderr).toMatch(/expected percentiles above 0 and at most 100/);

    await writeFile(
      join(directory, "check.json"),
      JSON.stringify({
        tool: "sockbench",
        kind: "check",
        version: "0.1.0",
        startedAt: new Date().toISOString(),
        passed: true,
        cells: [
          {
            framing: "length",
            size: 1,
            fragmentation: "none",
            passed: true,
            messages: 10,
            errors: 0,
            errorKinds: { mismatch: 0, timeout: 0, reset: 0, protocol: 0, connect: 0 },
            verdict: "pass",
          },
        ],
      }),
    );
    const csv = await runCli(["report", join(directory, "check.json"), "--csv", "-"]);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/--csv and --hgrm need load or bench results/);

    const unwritable = await runCli([
      "report",
      join(directory, "load.json"),
      "--html",
      join(directory, "no", "such", "dir.html"),
    ]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/cannot write .*dir\.html: ENOENT/);

    const format = await runCli(["bench", "--format", "json,xml"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/expected formats from json, md, csv, html/);
  });
});
