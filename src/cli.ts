#!/usr/bin/env node
// The `sockbench` command: registers each subcommand and maps failures to the exit codes of docs/exit-codes.md
// (0 clean, 1 the run found errors, 2 usage or connection failure, 70 an internal error).

import { Command, CommanderError } from "commander";
import { surviveClosedOutput } from "./cli/closed-output.js";
import { EXIT_CLEAN, EXIT_USAGE, failureOf } from "./cli/exit-codes.js";
import { SOCKBENCH_VERSION } from "./version.js";

surviveClosedOutput();

const program = new Command("sockbench")
  .description("Build, load and stress-test TCP message protocols.")
  .version(SOCKBENCH_VERSION)
  .exitOverride()
  .showHelpAfterError("(run with --help for the options)");

type Register = (program: Command) => unknown;

/**
 * Each subcommand's module, loaded on demand: a run of one command imports that command's code alone
 * (a CLI start is about a third of the time it takes with every command loaded, and the tests start the
 * CLI hundreds of times). Help, an unknown word or no command loads them all, in this order.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import("./cli/serve-command.js")).registerServeCommand,
  send: async () => (await import("./cli/send-command.js")).registerSendCommand,
  load: async () => (await import("./cli/load-command.js")).registerLoadCommand,
  proxy: async () => (await import("./cli/proxy-command.js")).registerProxyCommand,
  merge: async () => (await import("./cli/merge-command.js")).registerMergeCommand,
  "k8s-job": async () => (await import("./cli/k8s-job-command.js")).registerK8sJobCommand,
  compare: async () => (await import("./cli/compare-command.js")).registerCompareCommand,
  bench: async () => (await import("./cli/bench-command.js")).registerBenchCommand,
  ab: async () => (await import("./cli/ab-command.js")).registerAbCommand,
  check: async () => (await import("./cli/check-command.js")).registerCheckCommand,
  report: async () => (await import("./cli/report-command.js")).registerReportCommand,
  stress: async () => (await import("./cli/stress-command.js")).registerStressCommand,
};

const named = process.argv[2];
const only = named !== undefined && Object.hasOwn(COMMANDS, named) ? named : undefined;
for (const [name, load] of Object.entries(COMMANDS)) {
  if (only === undefined || name === only) (await load())(program);
}

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
