// Judges `check` by the servers people write (test/fixtures/check-corpus): with default options every
// buggy server fails, caught where its bug class says (a content bug by a cell, a server that exits after
// one client by the second-client probe, ...), and every correct one passes, three runs in a row. The
// checks run a few at a time, as CI's two cores allow.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { TargetCheckResult } from "../src/results/target-check-result.js";
import { CORPUS, type CorpusServer, corpusCommand } from "./support/check-corpus.js";
import { runCli } from "./support/cli-process.js";

const buildFolder = mkdtempSync(join(tmpdir(), "sockbench-corpus-"));
afterAll(() => rmSync(buildFolder, { recursive: true, force: true }));

/**
 * Checks in flight at once. Most of a check's time is spent waiting (a server's start, a buggy server's
 * timeouts), so four share the test's share of two cores; the slowest go first.
 */
const CHECKS_AT_ONCE = 4;
/** The servers whose checks wait out timeouts (their bugs show as no reply): started first. */
const SLOW_FIRST = ["token in the last chunk", "one recv()", "empty message", "SIGPIPE"];
const CORRECT_RUNS = 3;

interface Verdict {
  server: CorpusServer;
  code: number | null;
  /** Absent when check printed no JSON (then `stderr` says why). */
  result?: TargetCheckResult;
  stderr: string;
}

async function defaultCheck(server: CorpusServer, command: string): Promise<Verdict> {
  const run = await runCli(["check", "--server", command, "--framing", server.framing, "--json"]);
  try {
    return {
      server,
      code: run.code,
      result: JSON.parse(run.stdout) as TargetCheckResult,
      stderr: run.stderr,
    };
  } catch {
    return { server, code: run.code, stderr: run.stderr };
  }
}

function found(verdict: Verdict): boolean {
  const finds = verdict.server.finds;
  if (finds === undefined || verdict.result === undefined) return false;
  if ("probe" in finds) {
    return verdict.result.probes.some((probe) => probe.name === finds.probe && probe.verdict === "fail");
  }
  return verdict.result.cells.some((cell) => cell.verdict === "fail" && cell.failure?.kind === finds.cells);
}

describe("check against the corpus of servers people write", { timeout: 600_000 }, () => {
  it("fails every buggy server where its bug is, and passes every correct one three times of three", async () => {
    execFileSync("socat", ["-V"], { stdio: "ignore" }); // .ci/run installs it: a missing socat fails here
    const slowFirst = [...CORPUS].sort(
      (a, b) =>
        Number(SLOW_FIRST.some((slow) => b.name.includes(slow))) -
        Number(SLOW_FIRST.some((slow) => a.name.includes(slow))),
    );
    const jobs: [CorpusServer, string][] = slowFirst.flatMap((server) => {
      const command = corpusCommand(server, buildFolder);
      const runs = server.finds === undefined ? CORRECT_RUNS : 1;
      return Array.from({ length: runs }, () => [server, command] as [CorpusServer, string]);
    });
    const verdicts: Verdict[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CHECKS_AT_ONCE }, async () => {
        for (let index = next++; index < jobs.length; index = next++) {
          const [server, command] = jobs[index] as [CorpusServer, string];
          verdicts.push(await defaultCheck(server, command));
        }
      }),
    );
    const wrong = verdicts.flatMap((verdict) => {
      const { server, code, result } = verdict;
      if (result === undefined)
        return [`${server.name}: no JSON from check (exit ${code}): ${verdict.stderr}`];
      if (server.finds === undefined) {
        return code === 0 && result.passed ? [] : [`${server.name}: should pass, got exit ${code}`];
      }
      if (code !== 1 || result.passed) return [`${server.name}: should fail, got exit ${code}`];
      return found(verdict) ? [] : [`${server.name}: failed, but not by ${JSON.stringify(server.finds)}`];
    });
    expect(wrong).toEqual([]);
    expect(verdicts).toHaveLength(
      CORPUS.length + (CORRECT_RUNS - 1) * CORPUS.filter((server) => !server.finds).length,
    );
  });
});
