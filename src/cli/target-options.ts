// The command-line options naming the server under test, shared by check and stress: --target,
// --server, --ready, --ready-timeout, --restart, and --expect and --expect-module, which every command
// that sends takes (addExpectOptions). Validation is src/targets/target-spec.ts's, so every command
// reports a bad combination alike (exit 2).

import { type Command, Option } from "commander";
import { EXPECT_NAMES } from "../apps/expectation.js";
import { DEFAULT_READY_TIMEOUT_MS } from "../targets/server-command.js";
import {
  DEFAULT_RESTART,
  type ExpectationSpec,
  RESTART_POLICIES,
  resolveExpectation,
  resolveTargetChoice,
  type TargetChoice,
  type TargetOptionValues,
} from "../targets/target-spec.js";
import { type HostPort, parseDurationMs, parseHostPort } from "./option-parsers.js";

export interface ExpectCliOptions {
  expect?: string;
  expectModule?: string;
}

export interface TargetCliOptions extends ExpectCliOptions {
  target?: HostPort;
  server?: string;
  ready?: string;
  readyTimeout?: number;
  restart?: string;
}

/** What a reply must be: --expect APP and --expect-module FILE.mjs, for every command that sends. */
export function addExpectOptions(command: Command): Command {
  return command
    .addOption(new Option("--expect <app>", "what a reply must be (default echo)").choices(EXPECT_NAMES))
    .option(
      "--expect-module <file.mjs>",
      "a module that builds requests and judges replies (docs/expect-module.md)",
    );
}

/** Whether --expect or --expect-module was given. */
export function expectGiven(options: ExpectCliOptions): boolean {
  return options.expect !== undefined || options.expectModule !== undefined;
}

/** The expectation the options ask for (echo when neither is given); throws a TargetSetupError (exit 2). */
export function expectationFromOptions(options: ExpectCliOptions): ExpectationSpec {
  return resolveExpectation(options);
}

/**
 * Adds the target options. Defaults are applied by resolveTargetChoice, not commander, so that an
 * option given without --server (--restart, --ready) can be told from one left out.
 */
export function addTargetOptions(command: Command): Command {
  command
    .addOption(
      new Option(
        "--target <host:port>",
        "your server, already running (with --server: the fixed address it listens on)",
      ).argParser(parseHostPort),
    )
    .option(
      "--server <command>",
      'start your server: "python3 server.py {port}" ({port} and $PORT get a free port)',
    )
    .option(
      "--ready <regex>",
      "--server is ready when a line of its output matches (default: when its port listens)",
    )
    .option(
      "--ready-timeout <duration>",
      `--server must be ready within this (default ${DEFAULT_READY_TIMEOUT_MS / 1000}s)`,
      parseDurationMs,
    )
    .addOption(
      new Option(
        "--restart <when>",
        `restart --server for every cell, or never (default ${DEFAULT_RESTART})`,
      ).choices(RESTART_POLICIES),
    );
  return addExpectOptions(command);
}

/** The target options as the target layer names them. */
export function targetValuesFromOptions(options: TargetCliOptions): TargetOptionValues {
  const { readyTimeout, ...rest } = options;
  return { ...rest, readyTimeoutMs: readyTimeout };
}

/** The target the options name, or undefined when they name none; throws a TargetSetupError (exit 2). */
export function targetChoiceFromOptions(options: TargetCliOptions): TargetChoice | undefined {
  return resolveTargetChoice(targetValuesFromOptions(options));
}
