// Checks a bench config (sockbench.config.json) and each `--server` entry against
// schemas/bench-config.schema.json, and words the first violation as a user reads it: the entry, the
// field, what it allows and what it got.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv2020, ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import { PACKAGE_ROOT_URL } from "../version.js";

export const BENCH_CONFIG_SCHEMA_FILE = "schemas/bench-config.schema.json";
const SCHEMA_ID = "bench-config.schema.json";

let compiled: { config: ValidateFunction; server: ValidateFunction } | undefined;

/** Compiled on first use, and ajv loaded then: every other command would pay for it at start-up. */
function validators(): { config: ValidateFunction; server: ValidateFunction } {
  if (compiled) return compiled;
  const { Ajv2020: Ajv } = createRequire(import.meta.url)("ajv/dist/2020.js") as {
    Ajv2020: new (options: object) => Ajv2020;
  };
  // verbose: each error carries the value it saw and the schema it broke, which the messages quote.
  const ajv = new Ajv({ strict: true, verbose: true });
  ajv.addSchema(JSON.parse(readFileSync(new URL(BENCH_CONFIG_SCHEMA_FILE, PACKAGE_ROOT_URL), "utf8")));
  compiled = {
    config: ajv.getSchema(SCHEMA_ID) as ValidateFunction,
    server: ajv.getSchema(`${SCHEMA_ID}#/$defs/server`) as ValidateFunction,
  };
  return compiled;
}

const CONFIG_SHAPE = 'expected { "servers": [ { "name": ..., "command": ... } ] }';

interface FieldSchema {
  description?: string;
  examples?: unknown[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  properties?: Record<string, FieldSchema>;
}

/** What one field (or entry) of a server breaks, without saying where the entry is. */
function describe(error: ErrorObject): string {
  const schema = error.parentSchema as FieldSchema;
  const field = JSON.stringify(error.instancePath.split("/").pop());
  const got = `got ${JSON.stringify(error.data)}`;
  switch (error.keyword) {
    case "required": {
      const missing = error.params.missingProperty as string;
      const example = schema.properties?.[missing]?.examples?.[0];
      return `"${missing}" is required${example !== undefined ? `, e.g. ${JSON.stringify(example)}` : ""}`;
    }
    case "additionalProperties":
      return `unknown field ${JSON.stringify(error.params.additionalProperty)}; allowed: ${Object.keys(schema.properties ?? {}).join(", ")}`;
    case "enum":
      return `${field} must be one of ${(schema.enum ?? []).join(", ")}, ${got}`;
    case "pattern":
      return `${field} must be ${schema.description}, ${got}`;
    case "minimum":
    case "maximum":
      return `${field} must be a whole number from ${schema.minimum} to ${schema.maximum}, ${got}`;
    case "type":
      if (error.instancePath.split("/").length === 3) return "expected an object";
      return error.params.type === "integer"
        ? `${field} must be a whole number from ${schema.minimum} to ${schema.maximum}, ${got}`
        : `${field} must be a ${error.params.type}, ${got}`;
    default:
      return `${field} ${error.message}`;
  }
}

/**
 * The first thing a parsed config file breaks, with the entry it is in when it is in one (`servers[1]`),
 * or undefined when the file matches the schema.
 */
export function benchConfigProblem(json: unknown): { entry?: string; problem: string } | undefined {
  const { config } = validators();
  if (config(json)) return undefined;
  const error = (config.errors ?? [])[0] as ErrorObject;
  const entry = /^\/servers\/(\d+)/.exec(error.instancePath);
  if (entry === null) return { problem: CONFIG_SHAPE };
  return { entry: `servers[${entry[1]}]`, problem: describe(error) };
}

/** The first thing one server entry (from `--server NAME=CMD`) breaks, or undefined. */
export function serverEntryProblem(entry: unknown): string | undefined {
  const { server } = validators();
  if (server(entry)) return undefined;
  // Re-rooted as an entry of a config, so the messages read the same for --server and --config.
  const error = (server.errors ?? [])[0] as ErrorObject;
  return describe({ ...error, instancePath: `/servers/0${error.instancePath}` });
}
