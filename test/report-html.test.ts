// The HTML reports in a real browser (Debian's chromium through playwright-core), made from result files of
// real runs on 127.0.0.1, committed in test/fixtures/reports/ (scripts/report-fixtures.mjs makes them): a
// tiny bench, two loads (the second through a 20 ms proxy), a small check. Each page must load offline
// without a console error, draw every chart with one line per scenario, and show the numbers of its JSON;
// a screenshot of each lands in test-output/screenshots/ (gitignored).

import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenario, scenarioKey } from "../src/report/compare-results.js";
import { WHOLE_SECOND_SLACK_S } from "../src/report/html/chart-specs.js";
import type { BenchResult } from "../src/results/bench-result.js";
import { type LoadResult, totalErrors } from "../src/results/load-result.js";
import type { CheckResultRecord } from "../src/results/result-file.js";
import { launchBrowser, type ReportBrowser } from "./support/browser.js";
import { runCli } from "./support/cli-process.js";

const SCREENSHOTS = join(import.meta.dirname, "..", "test-output", "screenshots");
const FIXTURES = join(import.meta.dirname, "fixtures", "reports");
const FILES = ["a.json", "b.json", "bench.json", "check.json"];

let directory: string;
let browser: ReportBrowser;
let bench: BenchResult;
let loadA: LoadResult;
let loadB: LoadResult;
let check: CheckResultRecord;

async function cli(args: string[], expectedCode = 0): Promise<string> {
  const result = await runCli(args);
  expect(result.code, `sockbench ${args.join(" ")}: ${result.stderr}`).toBe(expectedCode);
  return result.stdout;
}

async function readResult<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(join(directory, name), "utf8")) as T;
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "sockbench-report-"));
  await mkdir(SCREENSHOTS, { recursive: true });
  // Copies: the pages are written beside the files they render.
  await Promise.all(FILES.map((name) => copyFile(join(FIXTURES, name), join(directory, name))));
  // A and B share the proxy's address, so that compare sees one scenario; B's proxy adds 20 ms each way.
  loadA = await readResult("a.json");
  loadB = await readResult("b.json");
  bench = await readResult("bench.json");
  check = await readResult("check.json");
  browser = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (directory) await rm(directory, { recursive: true, force: true });
});

interface ChartState {
  id: string;
  title: string;
  seriesCount: number;
  seriesDrawn: number;
  legendSeries: number;
  /** Pixels of the chart's canvas that are neither transparent nor white. */
  inkedPixels: number;
}

function chartStates(page: Page): Promise<ChartState[]> {
  return page.$$eval(".chart", (charts) =>
    charts.map((chart) => {
      const element = chart as HTMLElement;
      const canvas = element.querySelector("canvas") as HTMLCanvasElement;
      const pixels = (canvas.getContext("2d") as CanvasRenderingContext2D).getImageData(
        0,
        0,
        canvas.width,
        canvas.height,
      ).data;
      let inked = 0;
      for (let index = 0; index < pixels.length; index += 4) {
        const white = pixels[index] === 255 && pixels[index + 1] === 255 && pixels[index + 2] === 255;
        if ((pixels[index + 3] as number) > 0 && !white) inked++;
      }
      return {
        id: element.id,
        title: element.querySelector(".u-title")?.textContent ?? "",
        seriesCount: Number(element.dataset.seriesCount),
        seriesDrawn: Number(element.dataset.seriesDrawn),
        // The first legend entry is the x axis.
        legendSeries: element.querySelectorAll(".u-legend .u-series").length - 1,
        inkedPixels: inked,
      };
    }),
  );
}

/** The scenario table's cells by column, for the row of `source|key`. */
async function scenarioCells(page: Page, scenario: string): Promise<Record<string, string>> {
  const cells = await page.$$eval(`tr[data-scenario="${scenario}"] td`, (tds) =>
    tds.map((td) => [(td as HTMLElement).dataset.column ?? "", td.textContent ?? ""]),
  );
  expect(cells.length, `row ${scenario}`).toBeGreaterThan(0);
  return Object.fromEntries(cells);
}

const whole = (text: string | undefined) => Number((text ?? "").replaceAll(",", ""));
const microseconds = (msText: string | undefined) => Math.round(Number(msText) * 1000);

async function openReport(name: string, args: string[], expectedCode = 0) {
  const path = join(directory, `${name}.html`);
  await cli([...args, "--html", path], expectedCode);
  const opened = await browser.open(path);
  await opened.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(opened.errors).toEqual([]);
  return opened;
}

// Opening a page and reading its canvases takes seconds; far more when the machine is busy.
describe("HTML report in chromium", { timeout: 120_000 }, () => {
  it("bench: a chart per size with one line per scenario, the matrix and the JSON's numbers", async () => {
    const { page } = await openReport("bench", ["report", join(directory, "bench.json")]);
    const charts = await chartStates(page);
    const sizes = new Set(bench.runs.map((run) => run.scenario.size)).size;
    // Per size: the latency distribution; rounds of one second get no per-second charts (one dot a line).
    expect(charts).toHaveLength(sizes);
    expect(await page.textContent("body")).toContain(
      "a group whose scenarios last under 2 whole seconds has none (a line would be one point)",
    );
    for (const chart of charts) {
      const scenarios = bench.runs.length / sizes;
      expect(chart.seriesCount, chart.title).toBe(scenarios);
      expect(chart.legendSeries, chart.title).toBe(scenarios);
      expect(chart.seriesDrawn, chart.title).toBe(scenarios);
      expect(chart.inkedPixels, chart.title).toBeGreaterThan(2000);
    }
    for (const run of bench.runs) {
      const key = scenarioKey(run.scenario);
      const cells = await scenarioCells(page, `${join(directory, "bench.json")}|${key}`);
      expect(whole(cells["msg/s"]), key).toBe(run.throughput.messagesPerSec);
      expect(microseconds(cells.p50), key).toBe(run.latencyUs.p50);
      expect(microseconds(cells.p90), key).toBe(run.latencyUs.p90);
      expect(microseconds(cells.p99), key).toBe(run.latencyUs.p99);
      expect(microseconds(cells["p99.9"]), key).toBe(run.latencyUs.p999);
      expect(microseconds(cells.max), key).toBe(run.latencyUs.max);
      expect(whole(cells.errors), key).toBe(totalErrors(run));
    }
    // The matrix: a starred best cell per size, naive's broken 2 KiB cells in red.
    expect(await page.locator("table.matrix").count()).toBe(sizes);
    expect(await page.locator("table.matrix td.best").count()).toBe(sizes);
    const naiveBroken = bench.runs.filter((run) => run.scenario.framing === "naive" && totalErrors(run) > 0);
    expect(naiveBroken.length).toBeGreaterThan(0);
    expect(await page.locator("table.matrix td.errors").count()).toBe(
      bench.runs.filter((run) => totalErrors(run) > 0).length,
    );
    const bestRates = await page.$$eval("table.matrix td.best .rate", (spans) =>
      spans.map((span) => Number((span.textContent ?? "").replaceAll(",", ""))),
    );
    for (const rate of bestRates) {
      expect(bench.runs.some((run) => run.throughput.messagesPerSec === rate && totalErrors(run) === 0)).toBe(
        true,
      );
    }
    expect(await page.locator("table.context").textContent()).toContain(bench.machine.node);
  });

  it("load: per-second messages and p99 equal the result's", async () => {
    const { page } = await openReport("load", ["report", join(directory, "a.json")]);
    const charts = await chartStates(page);
    expect(charts.map((chart) => chart.seriesDrawn)).toEqual([1, 1, 1]);
    expect(charts.every((chart) => chart.inkedPixels > 2000)).toBe(true);
    // The chart's whole seconds: a run measured a hair under its duration still has its last second.
    const seconds = Math.floor(loadA.durationS + WHOLE_SECOND_SLACK_S);
    const drawn = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById("report-data")?.textContent ?? "{}");
      return data.charts.map((chart: { series: { values: (number | null)[] }[] }) => chart.series[0]?.values);
    });
    expect(drawn[1]).toEqual(loadA.perSecond.messages.slice(0, seconds));
    expect(drawn[2]).toEqual(loadA.perSecond.p99Us?.slice(0, seconds).map((us) => us / 1000));
    const cells = await scenarioCells(
      page,
      `${join(directory, "a.json")}|${scenarioKey(loadScenario(loadA as unknown as Record<string, unknown>, "a.json"))}`,
    );
    expect(whole(cells["msg/s"])).toBe(loadA.throughput.messagesPerSec);
    expect(microseconds(cells.p99)).toBe(loadA.latencyUs.p99);
    expect(await page.locator("table.context").textContent()).toContain("sockbench load --target");
  });

  it("check: every cell shows its verdict in its colour", async () => {
    const { page } = await openReport("check", ["report", join(directory, "check.json")]);
    expect(await page.locator(".chart").count()).toBe(0);
    const shown = await page.$$eval("table.check td.verdict", (cells) =>
      cells.map((cell) => [cell.textContent, cell.className]),
    );
    expect(shown.map(([verdict]) => verdict)).toEqual(check.cells.map((cell) => cell.verdict));
    expect(shown.filter(([, className]) => className?.includes("expected-fail")).length).toBe(
      check.cells.filter((cell) => cell.verdict === "expected fail").length,
    );
    expect(check.cells.some((cell) => cell.verdict === "expected fail")).toBe(true);
    expect(await page.locator(".check-summary").textContent()).toContain(`${check.cells.length} cells`);
  });

  it("compare --html: A and B overlaid, the 20 ms proxy's run marked as a regression", async () => {
    const { page } = await openReport(
      "compare",
      ["compare", join(directory, "a.json"), join(directory, "b.json")],
      1,
    ); // compare exits 1 on a regression
    const regression = page.locator("table.comparison tr.regression");
    expect(await regression.count()).toBe(1);
    const text = (await regression.textContent()) ?? "";
    expect(text).toContain("p99 rose");
    expect(text).toContain(Math.round(loadA.latencyUs.p99).toLocaleString("en-US"));
    expect(text).toContain(Math.round(loadB.latencyUs.p99).toLocaleString("en-US"));
    const charts = await chartStates(page);
    expect(charts[0]?.seriesDrawn).toBe(2);
    expect(charts[0]?.legendSeries).toBe(2);
    const legend = await page.locator(".chart .u-legend").first().textContent();
    expect(legend).toMatch(/A: length .* 64 B/);
    expect(legend).toMatch(/B: length .* 64 B ✗ regressed/);
  });
});
