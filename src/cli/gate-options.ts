// The gate options that load and bench share (--max-p99, --max-errors, --min-throughput), and how a
// command applies them: a failed gate ends the command with EXIT_GATE_FAILED after the results are out.

import type { Command } from "commander";
import { failedGates, type GatedFigures, type Gates, hasGates } from "../report/gates.js";
import { EXIT_CLEAN, EXIT_ERRORS_FOUND, EXIT_GATE_FAILED } from "./exit-codes.js";
import { parseIntegerInRange, parseLatencyUs, parseRatePerSecond } from "./option-parsers.js";

export interface GateCliOptions {
  maxP99?: number;
  maxErrors?: number;
  minThroughput?: number;
}

export function addGateOptions(command: Command): Command {
  return command
    .option(
      "--max-p99 <latency>",
      "gate: exit 3 when p99 latency is above this, e.g. 2ms or 500us",
      parseLatencyUs,
    )
    .option(
      "--max-errors <count>",
      "gate: exit 3 when errors are more than this (then errors alone do not exit 1), e.g. 0",
      parseIntegerInRange(0, Number.MAX_SAFE_INTEGER),
    )
    .option(
      "--min-throughput <perSecond>",
      "gate: exit 3 when verified messages per second are below this, e.g. 50k",
      parseRatePerSecond,
    );
}

export function gatesFromOptions(options: GateCliOptions): Gates {
  return {
    ...(options.maxP99 !== undefined ? { maxP99Us: options.maxP99 } : {}),
    ...(options.maxErrors !== undefined ? { maxErrors: options.maxErrors } : {}),
    ...(options.minThroughput !== undefined ? { minThroughput: options.minThroughput } : {}),
  };
}

/**
 * The exit code of a run whose results are out: EXIT_GATE_FAILED when a gate failed (each failure said on
 * stderr), else EXIT_ERRORS_FOUND when `errorsFound` and no --max-errors gate took that judgement over,
 * else EXIT_CLEAN.
 */
export function judgeRun(
  subjects: { name: string; figures: GatedFigures }[],
  gates: Gates,
  errorsFound: boolean,
): number {
  const failures = subjects.flatMap(({ name, figures }) =>
    failedGates(figures, gates).map((failure) => `${name}: ${failure}`),
  );
  for (const failure of failures) process.stderr.write(`gate failed: ${failure}\n`);
  if (failures.length > 0) return EXIT_GATE_FAILED;
  if (hasGates(gates)) process.stderr.write("gates passed\n");
  return errorsFound && gates.maxErrors === undefined ? EXIT_ERRORS_FOUND : EXIT_CLEAN;
}
