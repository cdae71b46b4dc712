// Judges `check` by the correct servers of the corpus (test/fixtures/check-corpus), socat's EXEC:cat among
// them: each passes the full default check (once per test pass: CI's two passes and every developer's run
// repeat it). The buggy ones: check-corpus-buggy.test.ts.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CORPUS, checkCorpus } from "./support/check-corpus.js";

const buildFolder = mkdtempSync(join(tmpdir(), "sockbench-corpus-"));
afterAll(() => rmSync(buildFolder, { recursive: true, force: true }));

describe("check against the correct servers people write", { timeout: 300_000 }, () => {
  it("passes every one, with the full default check", async () => {
    execFileSync("socat", ["-V"], { stdio: "ignore" }); // scripts/test-deps.sh installs it: a missing socat fails here
    const correct = CORPUS.filter((server) => server.finds === undefined);
    expect(correct.every((server) => server.checkOptions === undefined)).toBe(true);
    const verdicts = await checkCorpus(correct, buildFolder);
    const wrong = verdicts.flatMap(({ server, code, result, stderr }) => {
      if (result === undefined) return [`${server.name}: no JSON from check (exit ${code}): ${stderr}`];
      return code === 0 && result.passed && result.cells.length === 30 && result.probes.length === 4
        ? []
        : [`${server.name}: should pass the full check, got exit ${code}`];
    });
    expect(wrong, wrong.join("\n")).toEqual([]);
    expect(verdicts).toHaveLength(5);
  });
});
