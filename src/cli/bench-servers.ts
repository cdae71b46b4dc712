// The user's servers for `sockbench bench`: `--server "NAME=CMD"` (repeatable: eof framing, one
// connection, replies as --expect/--expect-module say, echo by default) or a JSON config file
// (sockbench.config.json) listing each server's command, framing, expectation and connections, checked
// against schemas/bench-config.schema.json. Every mistake is named with the entry it is in (exit 2).

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { framingModuleChoice } from "../clients/load/verification/framing-module.js";
import { registerErrorClass, SockbenchError } from "../errors.js";
import type { Framing, FramingSpec } from "../framing/framing.js";
import { createFraming } from "../framing/registry.js";
import { DEFAULT_TOKEN, parseToken } from "../framing/token.js";
import type { UserBenchServer } from "../suites/user-bench-servers.js";
import {
  CLI_OPTION_NAMES,
  CONFIG_OPTION_NAMES,
  type OptionNames,
  resolveTargetChoice,
  type ServerCommandSpec,
} from "../targets/target-spec.js";
import { benchConfigProblem, serverEntryProblem } from "./bench-config-schema.js";
import { CommandFailure } from "./exit-codes.js";
import { type ExpectCliOptions, expectGiven } from "./target-options.js";

export const DEFAULT_CONFIG_FILE = "sockbench.config.json";

/** A config file or --server entry that breaks the bench config's schema, or names a server twice. */
export class BenchConfigError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_BENCH_CONFIG";
}
registerErrorClass(BenchConfigError);

/** An entry that matches the schema (bench-config-schema.ts checked it). */
interface ServerEntry {
  name: string;
  command: string;
  framing?: string;
  token?: string;
  recordSize?: number;
  lengthBytes?: number;
  lengthEndian?: string;
  lengthCounts?: string;
  lineEnding?: string;
  framingModule?: string;
  replyFraming?: string;
  replyFramingModule?: string;
  expect?: string;
  expectModule?: string;
  connections?: number;
  ready?: string;
  readyTimeoutMs?: number;
}

/** The framing `name` with the options the entry gives; a value the framing refuses is named with the entry. */
function frameEntry(entry: ServerEntry, name: string, where: string): Framing {
  const { token, recordSize, lengthBytes, lengthEndian, lengthCounts, lineEnding } = entry;
  try {
    return createFraming(name, {
      token: parseToken(token ?? DEFAULT_TOKEN),
      ...(recordSize !== undefined ? { recordSize } : {}),
      ...(lengthBytes !== undefined ? { lengthBytes } : {}),
      ...(lengthEndian !== undefined ? { lengthEndian } : {}),
      ...(lengthCounts !== undefined ? { lengthCounts } : {}),
      ...(lineEnding !== undefined ? { lineEnding } : {}),
    });
  } catch (error) {
    throw new BenchConfigError(`${where}: ${(error as Error).message}`);
  }
}

/** One server from its entry; `where` names it in errors (`--server student=...`, `sockbench.config.json servers[1]`). */
function serverFromEntry(entry: ServerEntry, where: string, names: OptionNames): UserBenchServer {
  const { command, ready, readyTimeoutMs, expect, expectModule } = entry;
  let choice: ReturnType<typeof resolveTargetChoice>;
  try {
    choice = resolveTargetChoice({ server: command, ready, readyTimeoutMs, expect, expectModule }, names);
  } catch (error) {
    throw new BenchConfigError(`${where}: ${(error as Error).message}`);
  }
  if (choice === undefined) throw new BenchConfigError(`${where}: "command" is required`);
  if (entry.framingModule !== undefined && entry.framing !== undefined) {
    throw new BenchConfigError(`${where}: give "framing" or "framingModule", not both`);
  }
  if (entry.replyFramingModule !== undefined && entry.replyFraming !== undefined) {
    throw new BenchConfigError(`${where}: give "replyFraming" or "replyFramingModule", not both`);
  }
  const replyFraming = framingOfEntry(entry, entry.replyFraming, entry.replyFramingModule, where);
  return {
    name: entry.name,
    target: choice.target as ServerCommandSpec,
    framing: framingOfEntry(entry, entry.framing ?? "eof", entry.framingModule, where) as FramingSpec,
    ...(replyFraming !== undefined ? { replyFraming } : {}),
    expect: choice.expect,
    connections: entry.connections ?? 1,
  };
}

/**
 * A framing of an entry as a spec: a module by its absolute path (imported before the bench runs), else
 * the built-in `name` with the entry's options, or undefined when it names neither.
 */
function framingOfEntry(
  entry: ServerEntry,
  name: string | undefined,
  modulePath: string | undefined,
  where: string,
): FramingSpec | undefined {
  if (modulePath !== undefined) return framingModuleChoice(resolve(modulePath));
  return name === undefined ? undefined : frameEntry(entry, name, where).spec;
}

/** What every --server entry takes from the command line: its expectation and framing modules. */
export interface ServerOptionDefaults extends ExpectCliOptions {
  framingModule?: string;
  replyFramingModule?: string;
}

/**
 * `NAME=CMD` from --server, its replies judged as `expect` (--expect, --expect-module) says and framed
 * as --framing-module and --reply-framing-module say (eof without).
 */
export function serverFromOption(text: string, expect: ServerOptionDefaults = {}): UserBenchServer {
  const split = text.indexOf("=");
  if (split <= 0) {
    throw new BenchConfigError(
      `--server takes NAME=COMMAND, such as --server "exercise5=python3 server.py {port}", got ${JSON.stringify(text)}`,
    );
  }
  const entry = {
    name: text.slice(0, split).trim(),
    command: text.slice(split + 1),
    ...Object.fromEntries(Object.entries(expect).filter(([, value]) => value !== undefined)),
  };
  const where = `--server ${JSON.stringify(text)}`;
  const problem = serverEntryProblem(entry);
  if (problem !== undefined) throw new BenchConfigError(`${where}: ${problem}`);
  return serverFromEntry(entry, where, CLI_OPTION_NAMES);
}

/** The servers of a config file: `{ "servers": [ { "name": ..., "command": ... }, ... ] }`. */
export function serversFromConfigFile(path: string): UserBenchServer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new BenchConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const broken = benchConfigProblem(parsed);
  if (broken !== undefined) {
    const where = broken.entry !== undefined ? `${path} ${broken.entry}` : path;
    throw new BenchConfigError(`${where}: ${broken.problem}`);
  }
  return (parsed as { servers: ServerEntry[] }).servers.map((entry, index) =>
    serverFromEntry(entry, `${path} servers[${index}]`, CONFIG_OPTION_NAMES),
  );
}

/** The servers --server and --config name; the default config file is read when it exists and neither is given. */
export function userBenchServers(
  options: { server?: string[]; config?: string } & ServerOptionDefaults,
): UserBenchServer[] {
  const expect = {
    expect: options.expect,
    expectModule: options.expectModule,
    framingModule: options.framingModule,
    replyFramingModule: options.replyFramingModule,
  };
  if (expectGiven(expect) && (options.server ?? []).length === 0) {
    throw new CommandFailure(
      `--expect and --expect-module judge the servers of --server; the built-in ones echo, and a config file's servers say their own ("expect", "expectModule")`,
    );
  }
  if (
    (options.framingModule !== undefined || options.replyFramingModule !== undefined) &&
    (options.server ?? []).length === 0
  ) {
    throw new CommandFailure(
      `--framing-module and --reply-framing-module frame the servers of --server; the built-in ones speak the built-in framings, and a config file's servers say their own ("framingModule", "replyFramingModule")`,
    );
  }
  const fromOptions = (options.server ?? []).map((text) => serverFromOption(text, expect));
  const configPath =
    options.config ??
    (existsSync(DEFAULT_CONFIG_FILE) && fromOptions.length === 0 ? DEFAULT_CONFIG_FILE : undefined);
  const servers = [...fromOptions, ...(configPath !== undefined ? serversFromConfigFile(configPath) : [])];
  const names = servers.map((server) => server.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined)
    throw new BenchConfigError(
      `two servers are named ${JSON.stringify(repeated)}: each needs a column of its own`,
    );
  const builtIn = ["sequential", "concurrent", "cluster", "single-shot"].find((name) => names.includes(name));
  if (builtIn !== undefined)
    throw new BenchConfigError(
      `the name ${JSON.stringify(builtIn)} is a built-in server's column: choose another`,
    );
  return servers;
}
