// `sockbench check`: runs the correctness matrix on 127.0.0.1 and exits 1 when a framing that must hold
// did not, or naive passed a cell it must fail.

import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { checkResultJson, formatCheckReport } from "../report/check-report.js";
import { ProgressLine } from "../report/progress-line.js";
import type { CheckResult } from "../results/check-result.js";
import { EXIT_ERRORS_FOUND } from "./exit-codes.js";
import { parseIntegerInRange } from "./option-parsers.js";

interface CheckCliOptions {
  json: boolean;
  threads: number;
}

/** One thread per core, up to 4: a cell's 1-byte slicing keeps its thread busy. */
const DEFAULT_THREADS = Math.min(4, availableParallelism());

export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description(
      "correctness matrix: every framing, sizes 0 to 1 MiB, every fragmentation, against the echo server through the proxy",
    )
    .option(
      "--threads <count>",
      "worker threads running cells (one per core, up to 4)",
      parseIntegerInRange(1, 64),
      DEFAULT_THREADS,
    )
    .option("--json", "print only the JSON result", false)
    .action(async (options: CheckCliOptions) => {
      const progress = new ProgressLine(process.stderr);
      // Loaded on use, like bench: every other command starts without the suites.
      const { runCheck } = await import("../suites/check-suite.js");
      let result: CheckResult;
      try {
        result = await runCheck(
          options.json
            ? { threads: options.threads }
            : {
                threads: options.threads,
                onCellStart: (index, total, framing, size, fragmentation) =>
                  progress.text(`cell ${index + 1}/${total}: ${framing} ${size} B ${fragmentation}`),
              },
        );
      } finally {
        progress.clear();
      }
      process.stdout.write(
        options.json ? `${JSON.stringify(checkResultJson(result), null, 2)}\n` : formatCheckReport(result),
      );
      if (!result.passed) process.exitCode = EXIT_ERRORS_FOUND;
    });
}
