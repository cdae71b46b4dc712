// Judges `check` by the buggy servers of the corpus (test/fixtures/check-corpus): each fails, caught where
// its bug class says (a content bug by a cell, a server that exits after one client by the second-client
// probe, ...), its check narrowed to where the bug shows. The correct ones: check-corpus-correct.test.ts.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CORPUS, type CorpusVerdict, checkCorpus } from "./support/check-corpus.js";

const buildFolder = mkdtempSync(join(tmpdir(), "sockbench-corpus-"));
afterAll(() => rmSync(buildFolder, { recursive: true, force: true }));

/** What is wrong with a buggy server's verdict: not a failure, or not caught where its bug is. */
function wrongWith(verdict: CorpusVerdict): string[] {
  const { server, code, result } = verdict;
  const finds = server.finds;
  if (finds === undefined) return [];
  if (result === undefined) return [`${server.name}: no JSON from check (exit ${code}): ${verdict.stderr}`];
  if (code !== 1 || result.passed) return [`${server.name}: should fail, got exit ${code}`];
  if ("probe" in finds) {
    // The cell before the probe passes: the server echoes, only its handling of clients is wrong.
    if (!result.cells.every((cell) => cell.verdict === "pass")) return [`${server.name}: a cell failed`];
    const caught = result.probes.some((probe) => probe.name === finds.probe && probe.verdict === "fail");
    return caught ? [] : [`${server.name}: failed, but not by probe ${finds.probe}`];
  }
  const caught = result.cells.some((cell) => cell.verdict === "fail" && cell.failure?.kind === finds.cells);
  return caught ? [] : [`${server.name}: failed, but not by ${finds.cells} cells`];
}

describe("check against the buggy servers people write", { timeout: 300_000 }, () => {
  it("fails every one where its bug is", async () => {
    const buggy = CORPUS.filter((server) => server.finds !== undefined);
    const verdicts = await checkCorpus(buggy, buildFolder);
    const wrong = verdicts.flatMap(wrongWith);
    expect(wrong, wrong.join("\n")).toEqual([]);
    expect(verdicts).toHaveLength(15);
  });
});
