// The result of `sockbench check --target|--server`: one cell per size and fragmentation against the
// user's server, each failing one with what a person needs to act (the error's kind, the bytes, the
// server's output of that moment, a command reproducing it), and the smallest failing case found.

import type { ByteExcerpt } from "./byte-excerpt.js";
import type { FragmentationName } from "./fragmentation-name.js";
import type { FramingFields } from "./framing-fields.js";
import type { ErrorKind, MismatchKind } from "./load-result.js";
import type { ProbeName } from "./probe-name.js";

/** refused: a size above --max-frame that the server did not answer, as its design says it may. */
export type TargetCellVerdict = "pass" | "fail" | "refused";

export interface ServerOutputLine {
  /** Seconds since this server started (one server per cell under --restart per-cell). */
  atS: number;
  stream: "stdout" | "stderr";
  text: string;
}

export interface TargetCellFailure {
  /** lost, merged, split, corrupted, duplicated, reordered; timeout, reset, protocol, connect. */
  kind: MismatchKind | Exclude<ErrorKind, "mismatch">;
  detail: string;
  /** Where expected (or the request, under a judge) and received first differ; absent when nothing came. */
  differsAt?: number;
  expected?: ByteExcerpt;
  /** What the request's payload held: binary (not valid UTF-8), utf8 (beyond ASCII) or text. */
  payload?: "binary" | "utf8" | "text";
  /** The request, when a module's judge decided and no exact reply was known. */
  request?: ByteExcerpt;
  received?: ByteExcerpt;
  /** The server's output lines around the moment (--server only). */
  serverOutput: ServerOutputLine[];
  /** How the server ended during the cell, if it did (`exited with code 1`). */
  serverExit?: string;
}

export interface TargetCell {
  size: number;
  fragmentation: FragmentationName;
  verdict: TargetCellVerdict;
  /** Verified replies, of `asked` requests. */
  messages: number;
  asked: number;
  errors: number;
  errorKinds: Record<ErrorKind, number>;
  mismatches: Record<MismatchKind, number>;
  /** The first error of a cell that did not pass. */
  failure?: TargetCellFailure;
  /** One command line that runs exactly this cell again. */
  reproduce: string;
  durationMs: number;
}

/**
 * A probe's verdict: pass, fail, or skipped (a single-client server, or a probe left out with --probes);
 * `detail` says what happened in one line, `note` what a pass still tells (a server that served its
 * clients one at a time).
 */
export interface TargetProbe {
  name: ProbeName;
  verdict: "pass" | "fail" | "skipped";
  detail: string;
  note?: string;
  failure?: TargetCellFailure;
  /** One command line that runs exactly this probe again. */
  reproduce: string;
  durationMs: number;
}

/** The smallest failing case shrinking found, starting from the first failing cell. */
export interface ShrunkFailure {
  from: { size: number; fragmentation: FragmentationName };
  size: number;
  fragmentation: FragmentationName;
  kind: TargetCellFailure["kind"];
  reproduce: string;
  /** Cells run while shrinking. */
  attempts: number;
  /**
   * On a server not restarted between cells: whether the smallest case also failed alone on a fresh
   * server (none), failed only after the cells before it (needed: `reproduce` then runs them too), or
   * could not be told, the server being one already running (unknown).
   */
  history?: "none" | "needed" | "unknown";
  /** With history unknown: the command that runs every cell up to the failing one on the one server. */
  historyReproduce?: string;
}

/** Its framings as framingFields records them (results/framing-fields.ts). */
export interface TargetCheckResult extends FramingFields {
  /** The server as the options named it: the command, or HOST:PORT. */
  target: string;
  restart?: "per-cell" | "never";
  expect: string;
  connections: number;
  seed: number;
  /** What generated echo payloads held (mixed, binary, utf8, text). */
  payload: string;
  cells: TargetCell[];
  probes: TargetProbe[];
  /** True when every cell passed or was refused by design, and no probe failed. */
  passed: boolean;
  shrunk?: ShrunkFailure;
  /** The whole check's wall time: matrix, probes and shrinking; cellsPerSecond counts the matrix's cells in it. */
  durationMs: number;
  cellsPerSecond: number;
}
