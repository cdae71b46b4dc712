// The target options that check, bench and stress share, validated into one TargetChoice: where the
// server is (`--target HOST:PORT`, or `--server CMD` that sockbench starts), when it is restarted, and
// what its replies must be (`--expect`, `--expect-module`). Also renders a choice back into arguments,
// for the command line that reproduces a failing cell.

import {
  BUILT_IN_EXPECTATIONS,
  EXPECT_NAMES,
  type Expectation,
  type ExpectName,
} from "../apps/expectation.js";
import type { LoadConfig } from "../clients/load/core/load-config.js";
import {
  loadExpectationModule,
  resolveExpectModulePath,
} from "../clients/load/verification/expectation-module.js";
import { formatHostPort } from "../host-port.js";
import { DEFAULT_READY_TIMEOUT_MS } from "./server-command.js";
import { TargetSetupError } from "./target-error.js";

/**
 * per-cell (the default): every cell gets a fresh server, so a single-shot server works and one cell's
 * crash or leftover state cannot spoil the next; never: one server for the whole run.
 */
export const RESTART_POLICIES = ["per-cell", "never"] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];
export const DEFAULT_RESTART: RestartPolicy = "per-cell";
/** Where a server sockbench starts is reached when no --target says otherwise. */
export const DEFAULT_SERVER_HOST = "127.0.0.1";

export interface ServerCommandSpec {
  kind: "command";
  /** As given, `{port}` still in it. */
  command: string;
  host: string;
  /** A fixed port (from --target); absent: a free port each start, through `{port}` and $PORT. */
  port?: number;
  readyPattern?: RegExp;
  readyTimeoutMs: number;
  restart: RestartPolicy;
}

export type TargetSpec = { kind: "address"; host: string; port: number } | ServerCommandSpec;

export type ExpectationSpec = { kind: "built-in"; name: ExpectName } | { kind: "module"; path: string };

/** The load config fields that ask for `expect`. */
export function expectationConfig(expect: ExpectationSpec): Pick<LoadConfig, "verify" | "expectModule"> {
  return expect.kind === "module" ? { expectModule: expect.path } : { verify: expect.name };
}

/** The expectation `expect` names: a built-in one, or its module imported (ExpectModuleError when unusable). */
export function loadExpectationOf(expect: ExpectationSpec): Promise<Expectation> {
  return expect.kind === "module"
    ? loadExpectationModule(expect.path)
    : Promise.resolve(BUILT_IN_EXPECTATIONS[expect.name]);
}

export interface TargetChoice {
  target: TargetSpec;
  expect: ExpectationSpec;
}

/** The options as the command line gave them (--target already parsed as HOST:PORT). */
export interface TargetOptionValues {
  target?: { host: string; port: number };
  server?: string;
  ready?: string;
  readyTimeoutMs?: number;
  restart?: string;
  expect?: string;
  expectModule?: string;
}

function invalid(message: string): TargetSetupError {
  return new TargetSetupError("invalid-option", message);
}

/**
 * What the options are called where they were given, for the errors that name them: flags on the command
 * line, properties in the library's options, keys in a bench config file's entry. `giving` joins a name
 * to an example value.
 */
export interface OptionNames {
  target: string;
  server: string;
  ready: string;
  readyTimeout: string;
  restart: string;
  expect: string;
  expectModule: string;
  giving: string;
}

export const CLI_OPTION_NAMES: OptionNames = {
  target: "--target",
  server: "--server",
  ready: "--ready",
  readyTimeout: "--ready-timeout",
  restart: "--restart",
  expect: "--expect",
  expectModule: "--expect-module",
  giving: " ",
};

/** The library's `check()` options (src/library/check.ts). */
export const LIBRARY_OPTION_NAMES: OptionNames = {
  target: "target",
  server: "server",
  ready: "ready",
  readyTimeout: "readyTimeoutMs",
  restart: "restart",
  expect: "expect",
  expectModule: "expectModule",
  giving: ": ",
};

/** A bench config file's server entry (docs/cli.md). */
export const CONFIG_OPTION_NAMES: OptionNames = {
  target: '"target"',
  server: '"command"',
  ready: '"ready"',
  readyTimeout: '"readyTimeoutMs"',
  restart: '"restart"',
  expect: '"expect"',
  expectModule: '"expectModule"',
  giving: ": ",
};

/**
 * What replies must be, from `--expect` and `--expect-module` (echo when neither is given): the one
 * parser of the pair, for every command that sends. Throws a TargetSetupError naming the option at fault.
 */
export function resolveExpectation(
  values: Pick<TargetOptionValues, "expect" | "expectModule">,
  names: OptionNames = CLI_OPTION_NAMES,
): ExpectationSpec {
  if (values.expect !== undefined && values.expectModule !== undefined) {
    throw invalid(`give ${names.expect} or ${names.expectModule}, not both`);
  }
  if (values.expectModule !== undefined) {
    return { kind: "module", path: resolveExpectModulePath(values.expectModule) };
  }
  const name = values.expect ?? "echo";
  if (!(EXPECT_NAMES as readonly string[]).includes(name)) {
    throw invalid(`${names.expect} must be one of ${EXPECT_NAMES.join(", ")}, got ${JSON.stringify(name)}`);
  }
  return { kind: "built-in", name: name as ExpectName };
}

function readyPatternOf(text: string, names: OptionNames): RegExp {
  try {
    return new RegExp(text);
  } catch (error) {
    throw invalid(
      `${names.ready}${names.giving}${JSON.stringify(text)} is not a regular expression: ${(error as Error).message}`,
    );
  }
}

/**
 * The target and expectation the options ask for, or undefined when they name no target (neither
 * --target nor --server; check then runs its built-in matrix). Throws a TargetSetupError naming the
 * option at fault and what it allows.
 */
export function resolveTargetChoice(
  values: TargetOptionValues,
  names: OptionNames = CLI_OPTION_NAMES,
): TargetChoice | undefined {
  const serverOnly = (
    [
      [names.ready, values.ready],
      [names.readyTimeout, values.readyTimeoutMs],
      [names.restart, values.restart],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (values.server === undefined) {
    if (serverOnly.length > 0) {
      throw invalid(
        `${serverOnly.map(([name]) => name).join(", ")} apply to ${names.server}, which starts your server; ${names.target} alone reaches one already running`,
      );
    }
    if (values.target === undefined) {
      if (values.expect !== undefined || values.expectModule !== undefined) {
        throw invalid(
          `${names.expect} and ${names.expectModule} need a server: give ${names.target}${names.giving}HOST:PORT or ${names.server}${names.giving}CMD`,
        );
      }
      return undefined;
    }
  }
  if (values.target !== undefined && values.target.port === 0) {
    throw invalid(`${names.target} needs the server's port (1-65535), got port 0`);
  }
  const expect = resolveExpectation(values, names);
  if (values.server === undefined) {
    const { host, port } = values.target as { host: string; port: number };
    return { target: { kind: "address", host, port }, expect };
  }
  if (values.server.trim().length === 0) {
    throw invalid(
      `${names.server} needs a command, such as ${names.server}${names.giving}"python3 server.py {port}"`,
    );
  }
  if (values.restart !== undefined && !(RESTART_POLICIES as readonly string[]).includes(values.restart)) {
    throw invalid(
      `${names.restart} must be one of ${RESTART_POLICIES.join(", ")}, got ${JSON.stringify(values.restart)}`,
    );
  }
  if (values.readyTimeoutMs !== undefined && !(values.readyTimeoutMs > 0)) {
    throw invalid(`${names.readyTimeout} must be above 0 ms, got ${values.readyTimeoutMs} ms`);
  }
  return {
    target: {
      kind: "command",
      command: values.server,
      host: values.target?.host ?? DEFAULT_SERVER_HOST,
      ...(values.target !== undefined ? { port: values.target.port } : {}),
      ...(values.ready !== undefined ? { readyPattern: readyPatternOf(values.ready, names) } : {}),
      readyTimeoutMs: values.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
      restart: (values.restart as RestartPolicy | undefined) ?? DEFAULT_RESTART,
    },
    expect,
  };
}

/** The command-line arguments that give `choice` again (defaults left out). */
export function targetArguments(choice: TargetChoice): string[] {
  const { target, expect } = choice;
  const words: string[] = [];
  if (target.kind === "address") {
    words.push("--target", formatHostPort(target.host, target.port));
  } else {
    words.push("--server", target.command);
    if (target.port !== undefined) words.push("--target", formatHostPort(target.host, target.port));
    if (target.readyPattern !== undefined) words.push("--ready", target.readyPattern.source);
    if (target.readyTimeoutMs !== DEFAULT_READY_TIMEOUT_MS)
      words.push("--ready-timeout", `${target.readyTimeoutMs}ms`);
    if (target.restart !== DEFAULT_RESTART) words.push("--restart", target.restart);
  }
  if (expect.kind === "module") words.push("--expect-module", expect.path);
  else if (expect.name !== "echo") words.push("--expect", expect.name);
  return words;
}
