// Reading result files and writing the report outputs (HTML, CSV, .hgrm) for the report, bench, compare
// and load commands; a bad path or file ends the command with a message naming it, and a file that breaks
// its JSON Schema (schemas/) with the JSON path and what was expected there.

import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { writeFileAtomic } from "../platform/atomic-file.js";
import type { HtmlReportInput } from "../report/html/html-page.js";
import type { ScenarioRow } from "../report/scenario-rows.js";
import { parseResultFile, type ResultFile } from "../results/result-file.js";
import { CommandFailure } from "./exit-codes.js";

/** The result file at `path`, parsed and checked against its schema (load, bench or check result). */
export async function readResultJson(path: string): Promise<unknown> {
  const json = await readJson(path);
  // Loaded on use: ajv and the compiled schemas would slow every command's start.
  const { requireValidResult } = await import("../results/result-schemas.js");
  try {
    requireValidResult(json, path);
  } catch (error) {
    throw new CommandFailure((error as Error).message);
  }
  return json;
}

/** A file's JSON, or a CommandFailure naming the file and what was wrong (unreadable, not JSON). */
export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new CommandFailure(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CommandFailure(`${path} is not JSON: ${(error as Error).message}`);
  }
}

export async function readResultFile(path: string): Promise<ResultFile> {
  return parseResultJson(await readResultJson(path), path);
}

/** The result file `path` held (read by readResultJson, so valid), or a CommandFailure saying what it lacks. */
export function parseResultJson(json: unknown, path: string): ResultFile {
  try {
    return parseResultFile(json, path);
  } catch (error) {
    throw new CommandFailure((error as Error).message);
  }
}

/** Writes `text` to `path` whole or not at all (a failed write leaves the file there before untouched). */
export async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    throw new CommandFailure(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}

/** The self-contained HTML page of `input`, generated now. */
export async function htmlReportText(input: Omit<HtmlReportInput, "generatedAt">): Promise<string> {
  // Loaded on use: the page's modules and uPlot's source would slow every command's start.
  const { renderHtmlReport } = await import("../report/html/html-page.js");
  return renderHtmlReport({ ...input, generatedAt: new Date().toISOString() });
}

export async function writeHtmlReport(
  path: string,
  input: Omit<HtmlReportInput, "generatedAt">,
): Promise<void> {
  await writeOutput(path, await htmlReportText(input));
}

/** A scenario's .hgrm path: PATH itself for one scenario, PATH with the scenario before its extension for several. */
export function hgrmPaths(path: string, rows: ScenarioRow[]): string[] {
  if (rows.length === 1) return [path];
  const extension = extname(path) || ".hgrm";
  const stem = path.slice(0, path.length - extname(path).length);
  const sources = new Set(rows.map((row) => row.source)).size;
  const named = rows.map((row) => {
    const scenario = `${sources > 1 ? `${basename(row.source, ".json")}-` : ""}${row.key}`;
    return `${stem}.${scenario.replace(/[^\w.-]+/g, "-")}`;
  });
  // Two files of the same name with the same scenario still get a path each.
  const taken = new Set<string>();
  return named.map((name, index) => {
    let path = `${name}${extension}`;
    for (let suffix = index; taken.has(path); suffix++) path = `${name}-${suffix}${extension}`;
    taken.add(path);
    return path;
  });
}

/** Writes one .hgrm per scenario; returns the paths written. */
export async function writeHgrmFiles(path: string, rows: ScenarioRow[]): Promise<string[]> {
  const paths = hgrmPaths(path, rows);
  const { formatHgrm } = await import("../report/hgrm.js");
  await Promise.all(
    rows.map((row, index) => writeOutput(paths[index] as string, formatHgrm(row.result.histogram))),
  );
  return paths;
}
