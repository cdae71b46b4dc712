// The user's servers for `sockbench bench`: `--server "NAME=CMD"` (repeatable: eof framing, one
// connection, replies as --expect/--expect-module say, echo by default) or a JSON config file
// (sockbench.config.json) listing each server's command, framing, expectation and connections. Every
// mistake is named with the entry it is in (exit 2).

import { existsSync, readFileSync } from "node:fs";
import { createFraming, framingNames, isFramingName } from "../framing/registry.js";
import { DEFAULT_TOKEN, parseToken } from "../framing/token.js";
import type { UserBenchServer } from "../suites/user-bench-servers.js";
import { resolveTargetChoice, type ServerCommandSpec } from "../targets/target-spec.js";
import { CommandFailure } from "./exit-codes.js";
import { type ExpectCliOptions, expectGiven } from "./target-options.js";

export const DEFAULT_CONFIG_FILE = "sockbench.config.json";
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** Entry fields a config file may set. */
const FIELDS = [
  "name",
  "command",
  "framing",
  "token",
  "recordSize",
  "expect",
  "expectModule",
  "connections",
  "ready",
  "readyTimeoutMs",
];

interface ServerEntry {
  name?: unknown;
  command?: unknown;
  framing?: unknown;
  token?: unknown;
  recordSize?: unknown;
  expect?: unknown;
  expectModule?: unknown;
  connections?: unknown;
  ready?: unknown;
  readyTimeoutMs?: unknown;
}

function optionalString(value: unknown, where: string, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string")
    throw new CommandFailure(`${where}: "${field}" must be a string, got ${JSON.stringify(value)}`);
  return value;
}

function optionalWhole(
  value: unknown,
  where: string,
  field: string,
  minimum: number,
  maximum: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw new CommandFailure(
      `${where}: "${field}" must be a whole number from ${minimum} to ${maximum}, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** One server from its entry; `where` names it in errors (`--server student=...`, `sockbench.config.json servers[1]`). */
function serverFromEntry(entry: ServerEntry, where: string): UserBenchServer {
  const unknown = Object.keys(entry).filter((key) => !FIELDS.includes(key));
  if (unknown.length > 0) {
    throw new CommandFailure(
      `${where}: unknown field ${unknown.map((key) => JSON.stringify(key)).join(", ")}; allowed: ${FIELDS.join(", ")}`,
    );
  }
  const name = optionalString(entry.name, where, "name");
  if (name === undefined || !NAME.test(name)) {
    throw new CommandFailure(
      `${where}: "name" must be 1 to 32 letters, digits, _ . or - (its column in the tables), got ${JSON.stringify(entry.name)}`,
    );
  }
  const command = optionalString(entry.command, where, "command");
  if (command === undefined)
    throw new CommandFailure(`${where}: "command" is required, e.g. "python3 server.py {port}"`);
  const framing = optionalString(entry.framing, where, "framing") ?? "eof";
  if (!isFramingName(framing)) {
    throw new CommandFailure(
      `${where}: "framing" must be one of ${framingNames().join(", ")}, got ${JSON.stringify(framing)}`,
    );
  }
  const token = optionalString(entry.token, where, "token");
  const recordSize = optionalWhole(entry.recordSize, where, "recordSize", 1, 16 * 1024 * 1024);
  const ready = optionalString(entry.ready, where, "ready");
  const readyTimeoutMs = optionalWhole(entry.readyTimeoutMs, where, "readyTimeoutMs", 1, 600_000);
  const expect = optionalString(entry.expect, where, "expect");
  const expectModule = optionalString(entry.expectModule, where, "expectModule");
  let choice: ReturnType<typeof resolveTargetChoice>;
  try {
    choice = resolveTargetChoice({ server: command, ready, readyTimeoutMs, expect, expectModule });
  } catch (error) {
    throw new CommandFailure(`${where}: ${(error as Error).message}`);
  }
  if (choice === undefined) throw new CommandFailure(`${where}: "command" is required`);
  return {
    name,
    target: choice.target as ServerCommandSpec,
    framing: createFraming(framing, {
      token: parseToken(token ?? DEFAULT_TOKEN),
      ...(recordSize !== undefined ? { recordSize } : {}),
    }).spec,
    expect: choice.expect,
    connections: optionalWhole(entry.connections, where, "connections", 1, 1000) ?? 1,
  };
}

/** `NAME=CMD` from --server, its replies judged as `expect` (--expect, --expect-module) says. */
export function serverFromOption(text: string, expect: ExpectCliOptions = {}): UserBenchServer {
  const split = text.indexOf("=");
  if (split <= 0) {
    throw new CommandFailure(
      `--server takes NAME=COMMAND, such as --server "exercise5=python3 server.py {port}", got ${JSON.stringify(text)}`,
    );
  }
  return serverFromEntry(
    { name: text.slice(0, split).trim(), command: text.slice(split + 1), ...expect },
    `--server ${JSON.stringify(text)}`,
  );
}

/** The servers of a config file: `{ "servers": [ { "name": ..., "command": ... }, ... ] }`. */
export function serversFromConfigFile(path: string): UserBenchServer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CommandFailure(`cannot read ${path}: ${(error as Error).message}`);
  }
  const servers = (parsed as { servers?: unknown } | null)?.servers;
  if (!Array.isArray(servers)) {
    throw new CommandFailure(`${path}: expected { "servers": [ { "name": ..., "command": ... } ] }`);
  }
  return servers.map((entry, index) => {
    const where = `${path} servers[${index}]`;
    if (typeof entry !== "object" || entry === null) throw new CommandFailure(`${where}: expected an object`);
    return serverFromEntry(entry as ServerEntry, where);
  });
}

/** The servers --server and --config name; the default config file is read when it exists and neither is given. */
export function userBenchServers(
  options: { server?: string[]; config?: string } & ExpectCliOptions,
): UserBenchServer[] {
  const expect = { expect: options.expect, expectModule: options.expectModule };
  if (expectGiven(expect) && (options.server ?? []).length === 0) {
    throw new CommandFailure(
      `--expect and --expect-module judge the servers of --server; the built-in ones echo, and a config file's servers say their own ("expect", "expectModule")`,
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
    throw new CommandFailure(
      `two servers are named ${JSON.stringify(repeated)}: each needs a column of its own`,
    );
  const builtIn = ["sequential", "concurrent", "cluster", "single-shot"].find((name) => names.includes(name));
  if (builtIn !== undefined)
    throw new CommandFailure(
      `the name ${JSON.stringify(builtIn)} is a built-in server's column: choose another`,
    );
  return servers;
}
