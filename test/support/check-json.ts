// Runs `sockbench check ... --json` as a user would and reads its result; shared by the check-target tests.

import type { TargetCheckResult } from "../../src/results/target-check-result.js";
import { runCli } from "./cli-process.js";

/** The check's exit code, result and stderr; no JSON is an error that shows what came instead. */
export async function checkJson(
  args: string[],
): Promise<{ code: number | null; result: TargetCheckResult; stderr: string }> {
  const run = await runCli(["check", ...args, "--json"]);
  let result: TargetCheckResult;
  try {
    result = JSON.parse(run.stdout) as TargetCheckResult;
  } catch {
    throw new Error(`no JSON from check (exit ${run.code}): ${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, result, stderr: run.stderr };
}

/** Each cell's verdict by "size fragmentation", a failure with its kind. */
export function verdicts(result: TargetCheckResult): Record<string, string> {
  return Object.fromEntries(
    result.cells.map((cell) => [
      `${cell.size} ${cell.fragmentation}`,
      cell.verdict === "fail" ? `fail ${cell.failure?.kind}` : cell.verdict,
    ]),
  );
}

// Each cell starts a Python server; on a loaded 2-core machine a start alone can take seconds (the start has
// its own --ready-timeout: a 1 s --timeout is per reply, which a loopback echo gives in milliseconds).
export const CLI_MATRIX = { timeout: 180_000 };
