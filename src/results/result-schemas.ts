// The JSON Schemas of the result files (schemas/ at the package root, shipped with it) and the check of a
// parsed file against the one its shape calls for, so that a renamed field or a string where a number
// belongs is named with its JSON path instead of surfacing later as NaN or "not recorded".

import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { PACKAGE_ROOT_URL } from "../version.js";
import { requireConsistentResult } from "./result-consistency.js";
import { isObject, notAResult, ResultFileError } from "./result-file.js";

/** Each kind of result file and its schema, under schemas/. */
export const RESULT_SCHEMA_FILES = {
  load: "load-result.schema.json",
  bench: "bench-result.schema.json",
  check: "check-result.schema.json",
  "target-check": "target-check-result.schema.json",
  stress: "stress-result.schema.json",
} as const;
export type ResultKind = keyof typeof RESULT_SCHEMA_FILES;

/** The $defs the schemas share ($ref'd by file name). */
const SHARED_SCHEMA_FILE = "result-parts.schema.json";

/** A bad file lists this many violations; the rest are counted. */
const VIOLATIONS_SHOWN = 3;

export interface SchemaViolation {
  /** Where in the file, as a JSON pointer: "/runs/0/throughput/messagesPerSec"; "/" for the whole file. */
  path: string;
  /** What was expected there, e.g. "must be number". */
  message: string;
}

/** RFC 3339 date-time (Date.toISOString() writes its UTC form): ajv itself ships no formats. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

function schemaPath(file: string): string {
  return `schemas/${file}`;
}

function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(schemaPath(file), PACKAGE_ROOT_URL), "utf8"));
}

let schemas: Ajv2020 | undefined;

/**
 * The validator of one kind, compiled on first use (ajv caches it): compiling costs tens of milliseconds
 * that most commands never need, and a report of load results never needs the bench schema's.
 */
function validatorOf(kind: ResultKind): ValidateFunction {
  if (!schemas) {
    // Strict: a mistyped keyword in a schema fails here, not silently. strictRequired is off because a
    // oneOf branch names its required property without redefining it (config's durationMs or amount).
    schemas = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
    schemas.addFormat("date-time", DATE_TIME);
    schemas.addSchema(readSchema(SHARED_SCHEMA_FILE));
    for (const file of Object.values(RESULT_SCHEMA_FILES)) schemas.addSchema(readSchema(file));
  }
  return schemas.getSchema(RESULT_SCHEMA_FILES[kind]) as ValidateFunction;
}

/**
 * Which result a parsed file claims to be: a check of your server has cells and a target, the check
 * matrix cells alone (and kind "check"), a stress run scenarios, a bench result runs, a load result none.
 */
export function resultKindOf(json: unknown): ResultKind {
  if (isObject(json) && json.kind === "stress") return "stress";
  if (isObject(json) && Array.isArray(json.cells) && typeof json.target === "string") return "target-check";
  if (isObject(json) && (json.kind === "check" || Array.isArray(json.cells))) return "check";
  if (isObject(json) && Array.isArray(json.runs)) return "bench";
  return "load";
}

/** ajv's message, with the name or values it refers to when the message alone leaves them out. */
function describeError(error: ErrorObject): SchemaViolation {
  const { params } = error;
  const detail =
    params.additionalProperty ??
    params.unevaluatedProperty ??
    (params.allowedValues as unknown[] | undefined)?.map((value) => JSON.stringify(value)).join(", ") ??
    (error.keyword === "const" ? JSON.stringify(params.allowedValue) : undefined);
  const message = error.message ?? error.keyword;
  return {
    path: error.instancePath === "" ? "/" : error.instancePath,
    message: detail === undefined ? message : `${message}: ${detail}`,
  };
}

const ALTERNATIVES = new Set(["oneOf", "anyOf"]);

/**
 * ajv reports each failed branch of a oneOf before the oneOf itself; they are one problem, said once:
 * "must match exactly one schema in oneOf: must have required property 'durationMs' or ... 'amount'".
 */
function withBranchesFolded(errors: ErrorObject[]): SchemaViolation[] {
  const branchesOf = (choice: ErrorObject) =>
    errors.filter(
      (error) =>
        error.schemaPath.startsWith(`${choice.schemaPath}/`) &&
        error.instancePath.startsWith(choice.instancePath),
    );
  const folded = new Set(errors.filter((error) => ALTERNATIVES.has(error.keyword)).flatMap(branchesOf));
  return errors
    .filter((error) => !folded.has(error))
    .map((error) => {
      const violation = describeError(error);
      if (!ALTERNATIVES.has(error.keyword)) return violation;
      const branches = branchesOf(error).map((branch) => describeError(branch).message);
      return branches.length === 0
        ? violation
        : { ...violation, message: `${violation.message}: ${branches.join(" or ")}` };
    });
}

/** Everything in `json` that its kind's schema rejects; empty when the file is valid. */
export function resultSchemaViolations(
  json: unknown,
  kind: ResultKind = resultKindOf(json),
): SchemaViolation[] {
  const validate = validatorOf(kind);
  if (validate(json)) return [];
  return withBranchesFolded(validate.errors ?? []);
}

/**
 * Throws a ResultFileError naming the file, the schema it was read against and the first few violations
 * (JSON path and what was expected) unless `json` is a valid result file, or naming the field when a
 * valid one is inconsistent (result-consistency.ts).
 */
export function requireValidResult(json: unknown, source: string): ResultKind {
  // Some other JSON file altogether: say so, rather than list what a load result would lack.
  if (!isObject(json)) throw notAResult(source, "not a JSON object");
  const kind = resultKindOf(json);
  // check --server --json has never carried "tool": its shape and its schema tell it.
  if (json.tool !== "sockbench" && kind !== "target-check") {
    throw notAResult(source, 'no "tool": "sockbench"');
  }
  const violations = resultSchemaViolations(json, kind);
  if (violations.length === 0) {
    requireConsistentResult(json, kind, source);
    return kind;
  }
  const shown = violations
    .slice(0, VIOLATIONS_SHOWN)
    .map((violation) => `at ${violation.path}: ${violation.message}`);
  const more = violations.length - shown.length;
  const why =
    kind === "load"
      ? `read as a load result: it has neither "runs" (bench) nor "cells" (check)`
      : `a ${kind} result`;
  throw new ResultFileError(
    "invalid",
    source,
    `does not match ${schemaPath(RESULT_SCHEMA_FILES[kind])} (${why}): ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`,
  );
}
