// Reads any sockbench result file (a load result, a bench result or a check result) into one tagged
// shape, so that the report command renders whichever it is given. Pure: it takes parsed JSON.

import { registerErrorClass, SockbenchError } from "../errors.js";
import type { BenchResult } from "./bench-result.js";
import type { LoadResult } from "./load-result.js";
import type { MachineInfo, RunContext } from "./run-context.js";
import type { StressResult } from "./stress-result.js";
import type { TargetCheckResult } from "./target-check-result.js";

/** One cell of `sockbench check --json`. */
export interface CheckCellRecord {
  framing: string;
  size: number;
  fragmentation: string;
  passed: boolean;
  messages: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** pass, FAIL, expected fail, unexpected pass, fail (by chance): see src/report/check-report.ts. */
  verdict: string;
  mustFailBecause?: string;
}

/** The JSON of `sockbench check --json`. */
export interface CheckResultRecord {
  tool?: "sockbench";
  kind?: "check";
  version?: string;
  startedAt?: string;
  machine?: MachineInfo;
  context?: RunContext;
  passed: boolean;
  cells: CheckCellRecord[];
}

export type ResultFile =
  | { kind: "load"; source: string; result: LoadResult }
  | { kind: "bench"; source: string; result: BenchResult }
  | { kind: "check"; source: string; result: CheckResultRecord }
  | { kind: "target-check"; source: string; result: TargetCheckResult }
  | { kind: "stress"; source: string; result: StressResult };

/** invalid: the file breaks its schema (result-schemas.ts). */
export type ResultFileErrorKind = "not-a-result" | "missing-field" | "invalid";

export class ResultFileError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_RESULT_FILE";

  constructor(
    readonly kind: ResultFileErrorKind,
    source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}
registerErrorClass(ResultFileError);

const ALLOWED = "expected the JSON of sockbench load --out, bench, check --json or stress --json";

/** The error for a file that is no sockbench result at all: what it is (`what`), and what was expected. */
export function notAResult(source: string, what: string): ResultFileError {
  return new ResultFileError("not-a-result", source, `${what}; ${ALLOWED}`);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A load result, or a bench run: both carry their latency histogram and figures. */
function requireLoadFigures(value: unknown, at: string, source: string): void {
  if (!isObject(value)) throw new ResultFileError("missing-field", source, `${at} is not an object`);
  for (const field of ["throughput", "latencyUs", "errors", "messages", "perSecond"]) {
    if (!isObject(value[field]))
      throw new ResultFileError("missing-field", source, `${at}${field} is missing`);
  }
  if (typeof value.histogram !== "string") {
    throw new ResultFileError("missing-field", source, `${at}histogram is missing`);
  }
}

export function parseResultFile(json: unknown, source: string): ResultFile {
  if (!isObject(json)) throw notAResult(source, "not a JSON object");
  // Checked against their schemas already (result-schemas.ts): the kind is all that is left to tell.
  if (json.kind === "stress") return { kind: "stress", source, result: json as unknown as StressResult };
  if (Array.isArray(json.cells) && typeof json.target === "string") {
    return { kind: "target-check", source, result: json as unknown as TargetCheckResult };
  }
  if (Array.isArray(json.cells) && typeof json.passed === "boolean") {
    json.cells.forEach((cell, index) => {
      if (!isObject(cell) || typeof cell.verdict !== "string" || typeof cell.framing !== "string") {
        throw new ResultFileError("missing-field", source, `cells[${index}] has no framing or verdict`);
      }
    });
    return { kind: "check", source, result: json as unknown as CheckResultRecord };
  }
  if (json.tool !== "sockbench") {
    throw notAResult(source, 'no "tool": "sockbench"');
  }
  if (Array.isArray(json.runs)) {
    json.runs.forEach((run, index) => {
      requireLoadFigures(run, `runs[${index}].`, source);
      if (!isObject((run as Record<string, unknown>).scenario)) {
        throw new ResultFileError("missing-field", source, `runs[${index}].scenario is missing`);
      }
    });
    return { kind: "bench", source, result: json as unknown as BenchResult };
  }
  if (!isObject(json.config)) {
    throw notAResult(source, "neither runs, cells nor config");
  }
  requireLoadFigures(json, "", source);
  return { kind: "load", source, result: json as unknown as LoadResult };
}
