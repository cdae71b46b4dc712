// One number, one meaning: a bench cell's error count is every round's errors added, and the terminal
// tables, the Markdown, the HTML matrix and scenario table, and the CSV all show that one count, labelled.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { renderBenchMarkdown, renderBenchTables } from "../src/report/bench-report.js";
import { renderCsv } from "../src/report/csv.js";
import { benchMatricesHtml } from "../src/report/html/bench-matrix.js";
import { scenarioTableHtml } from "../src/report/html/scenario-table.js";
import { scenarioRows } from "../src/report/scenario-rows.js";
import { renderScenarioSummary } from "../src/report/scenario-summary.js";
import type { BenchResult, BenchRun } from "../src/results/bench-result.js";

const noErrors = { mismatch: 0, timeout: 0, reset: 0, protocol: 0, connect: 0 };

/** The recorded quick baseline, its naive 64 KiB concurrent cell given three rounds: 278 errors in the median one, 799 in all. */
function benchWithRounds(): { result: BenchResult; cell: BenchRun } {
  const path = resolve(import.meta.dirname, "..", "results", "baseline-quick.json");
  const result = JSON.parse(readFileSync(path, "utf8")) as BenchResult;
  result.settings = { rounds: 3, roundMs: 2000, warmupMs: 500, pipelining: 1, timeoutMs: 1000 };
  for (const run of result.runs) {
    run.rounds = [0, 1, 2].map(() => ({
      messagesPerSec: run.throughput.messagesPerSec,
      p99Us: run.latencyUs.p99,
      errors: { ...noErrors },
    }));
  }
  const cell = result.runs.find(
    (run) =>
      run.scenario.framing === "naive" &&
      run.scenario.variant === "concurrent" &&
      run.scenario.size === 65536,
  ) as BenchRun;
  cell.errors = { ...noErrors, mismatch: 278 };
  cell.rounds = [250, 278, 271].map((mismatch) => ({
    messagesPerSec: cell.throughput.messagesPerSec,
    p99Us: cell.latencyUs.p99,
    errors: { ...noErrors, mismatch },
  }));
  return { result, cell };
}

describe("a bench cell's error count", () => {
  it("is its rounds' errors added, labelled so, in the terminal, the Markdown, the HTML and the CSV", () => {
    const { result } = benchWithRounds();
    const file = { kind: "bench" as const, source: "bench.json", result };
    const rows = scenarioRows(file);
    expect(renderBenchTables(result.runs)).toContain("799 errors in 3 rounds");
    expect(renderBenchMarkdown(result.runs)).toContain("799 errors in 3 rounds");
    const matrix = benchMatricesHtml(result);
    expect(matrix).toContain("799 errors in 3 rounds");
    expect(matrix).not.toContain("278");
    const table = scenarioTableHtml(rows, [50, 99]);
    expect(table).toContain("<th>errors (all rounds)</th>");
    expect(table).toContain('<td data-column="errors">799</td>');
    expect(renderScenarioSummary(rows, [50, 99])).toMatch(
      /errors \(all rounds\)[\s\S]*naive concurrent 64 KiB[^\n]*799/,
    );
    const csv = renderCsv(rows, [50, 99]).split("\n");
    const header = (csv[0] as string).split(",");
    const naive = (csv.find((line) => line.includes(",naive,concurrent,65536,")) as string).split(",");
    expect(naive[header.indexOf("errors")]).toBe("799");
    expect(naive[header.indexOf("errors_mismatch")]).toBe("799");
  });
});
