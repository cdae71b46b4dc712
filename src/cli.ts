#!/usr/bin/env node
// The `sockbench` command: registers each subcommand and maps failures to the exit codes of docs/exit-codes.md
// (0 clean, 1 the run found errors, 2 usage or connection failure, 70 an internal error).

import { Command, CommanderError } from "commander";
import { registerAbCommand } from "./cli/ab-command.js";
import { registerBenchCommand } from "./cli/bench-command.js";
import { registerCheckCommand } from "./cli/check-command.js";
import { surviveClosedOutput } from "./cli/closed-output.js";
import { registerCompareCommand } from "./cli/compare-command.js";
import { EXIT_CLEAN, EXIT_USAGE, failureOf } from "./cli/exit-codes.js";
import { registerK8sJobCommand } from "./cli/k8s-job-command.js";
import { registerLoadCommand } from "./cli/load-command.js";
import { registerMergeCommand } from "./cli/merge-command.js";
import { registerProxyCommand } from "./cli/proxy-command.js";
import { registerReportCommand } from "./cli/report-command.js";
import { registerSendCommand } from "./cli/send-command.js";
import { registerServeCommand } from "./cli/serve-command.js";
import { registerStressCommand } from "./cli/stress-command.js";
import { SOCKBENCH_VERSION } from "./version.js";

surviveClosedOutput();

const program = new Command("sockbench")
  .description("Build, load and stress-test TCP message protocols.")
  .version(SOCKBENCH_VERSION)
  .exitOverride()
  .showHelpAfterError("(run with --help for the options)");

registerServeCommand(program);
registerSendCommand(program);
registerLoadCommand(program);
registerProxyCommand(program);
registerMergeCommand(program);
registerK8sJobCommand(program);
registerCompareCommand(program);
registerBenchCommand(program);
registerAbCommand(program);
registerCheckCommand(program);
registerReportCommand(program);
registerStressCommand(program);

try {
  // Test-only (docs/exit-codes.md): stands in for a bug, which no input reaches on purpose.
  if (process.env.SOCKBENCH_TEST_INTERNAL_ERROR === "1")
    throw new Error("SOCKBENCH_TEST_INTERNAL_ERROR is set");
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    const isHelp = error.code === "commander.helpDisplayed" || error.code === "commander.version";
    process.exitCode = isHelp || error.exitCode === 0 ? EXIT_CLEAN : EXIT_USAGE;
  } else {
    const failure = failureOf(error);
    process.stderr.write(`sockbench: ${failure.text}\n`);
    process.exitCode = failure.exitCode;
  }
}
