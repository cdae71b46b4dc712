// `sockbench report` on the JSON of `check --server` and of `stress`, both from real runs against Python
// servers written the way students write them: the text is what the commands print themselves, with the
// server's output lines; the HTML page (in chromium) colours each verdict and shows the same lines.

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatStressReport } from "../src/report/stress-report.js";
import { formatTargetCheckReport } from "../src/report/target-check-report.js";
import type { StressResult } from "../src/results/stress-result.js";
import type { TargetCheckResult } from "../src/results/target-check-result.js";
import { launchBrowser } from "./support/browser.js";
import { runCli } from "./support/cli-process.js";
import {
  BUGGY_EOF_ECHO_SERVER,
  CRASHING_LENGTH_SERVER,
  PYTHON,
  studentFolder,
} from "./support/student-servers.js";

const folder = studentFolder();
let directory: string;
let stressPath: string;
let checkPath: string;
let stress: StressResult;
let check: TargetCheckResult;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "sockbench-report-stress-"));
  const crashing = folder.write("crashing_server.py", CRASHING_LENGTH_SERVER);
  const buggy = folder.write("buggy_echo.py", BUGGY_EOF_ECHO_SERVER);
  const [stressRun, checkRun] = await Promise.all([
    runCli([
      "stress",
      "--server",
      `${PYTHON} -u ${crashing} {port}`,
      "--framing",
      "length",
      "--scenarios",
      "idle-flood,oversized",
      "--hostile-connections",
      "16",
      "--baseline",
      "1s",
      "--attack",
      "4s",
      "--json",
    ]),
    runCli([
      "check",
      "--server",
      `${PYTHON} -u ${buggy} {port}`,
      "--sizes",
      "1",
      "--fragmentations",
      "none,split",
      "--timeout",
      "1s",
      "--no-shrink",
      "--json",
    ]),
  ]);
  expect(stressRun.code, stressRun.stderr).toBe(1);
  expect(checkRun.code, checkRun.stderr).toBe(1);
  stressPath = join(directory, "stress.json");
  checkPath = join(directory, "check-server.json");
  await writeFile(stressPath, stressRun.stdout);
  await writeFile(checkPath, checkRun.stdout);
  stress = JSON.parse(stressRun.stdout) as StressResult;
  check = JSON.parse(checkRun.stdout) as TargetCheckResult;
}, 180_000);

afterAll(async () => {
  folder.remove();
  if (directory) await rm(directory, { recursive: true, force: true });
});

describe("report of check --server and stress results", { timeout: 120_000 }, () => {
  it("prints a stress result as stress prints it, the crashed server's last lines under its verdict", async () => {
    const oversized = stress.scenarios.find((scenario) => scenario.scenario === "oversized");
    expect(oversized?.verdict).toBe("server down");
    const run = await runCli(["report", stressPath]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${stressPath}:\n${formatStressReport(stress)}\n`);
    expect(run.stdout).toMatch(
      /oversized: server down: during the attack the server exited \(exited with code 1\)\n {4}the server's last output lines \(seconds since it started\):\n(.*\n)* {6}\d+\.\d{3} stderr\| ValueError: a frame of \d+ bytes announced, more than 1 MiB/,
    );
  });

  it("prints a check --server result as check prints it: the matrix, each failure's lines and reproducer", async () => {
    const run = await runCli(["report", checkPath]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`${checkPath}:\n${formatTargetCheckReport(check)}`);
    expect(run.stdout).toMatch(/FAIL 1 B split: timeout: /);
    expect(run.stdout).toMatch(/\d+\.\d{3} stdout\| Connected by/);
    expect(run.stdout).toMatch(
      /reproduce: sockbench check --server .*buggy_echo\.py \{port\}'? --framing eof/,
    );
  });

  it("checks each against its schema: a string for a number is named by its JSON path", async () => {
    const broken = structuredClone(stress) as unknown as { scenarios: { before: Record<string, unknown> }[] };
    (broken.scenarios[0] as { before: Record<string, unknown> }).before.answeredPerSec = "fast";
    const path = join(directory, "broken-stress.json");
    await writeFile(path, JSON.stringify(broken));
    const run = await runCli(["report", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${path}: does not match schemas/stress-result.schema.json (a stress result): at /scenarios/0/before/answeredPerSec: must be number`,
    );
  });

  it("draws both in one page: verdicts coloured, the server's lines escaped and shown", async () => {
    const page = join(directory, "report.html");
    const run = await runCli(["report", stressPath, checkPath, "--html", page]);
    expect(run.code, run.stderr).toBe(0);
    // The server printed "<all> & sundry": escaped in the page, not markup.
    expect(await readFile(page, "utf8")).toContain("serving &lt;all&gt; &amp; sundry");
    const browser = await launchBrowser();
    try {
      const { page: opened, errors } = await browser.open(page);
      expect(errors).toEqual([]);
      const stressRows = await opened.$$eval("table.stress tbody tr", (rows) =>
        rows.map((row) => [
          row.getAttribute("data-scenario"),
          row.querySelector("td.verdict")?.textContent,
          row.querySelector("td.verdict")?.className,
        ]),
      );
      expect(stressRows).toEqual(
        stress.scenarios.map((scenario) => [
          scenario.scenario,
          scenario.verdict,
          expect.stringContaining(scenario.verdict === "server down" ? "fail" : ""),
        ]),
      );
      const crashLines = await opened
        .locator('ul.stress-reasons li[data-scenario="oversized"] pre.server-output')
        .textContent();
      expect(crashLines).toContain("stdout| serving <all> & sundry");
      expect(crashLines).toMatch(/stderr\| ValueError: a frame of \d+ bytes announced, more than 1 MiB/);

      const checkCells = await opened.$$eval("table.target-check td.verdict", (cells) =>
        cells.map((cell) => [cell.textContent, cell.className]),
      );
      expect(checkCells).toEqual([
        ["pass", "verdict pass"],
        ["FAIL timeout", "verdict fail"],
      ]);
      const failure = opened.locator('div.failure[data-fragmentation="split"]');
      expect(await failure.locator("h3").textContent()).toMatch(/^FAIL 1 B split: timeout: /);
      expect(await failure.locator("pre.server-output").textContent()).toMatch(/stdout\| Connected by/);
      expect(await failure.locator("code.reproduce").textContent()).toBe(check.cells[1]?.reproduce);
      expect(await opened.locator("pre.text-report").textContent()).toBe(formatTargetCheckReport(check));
    } finally {
      await browser.close();
    }
  });
});
