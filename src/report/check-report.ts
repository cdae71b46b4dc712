// The report of `sockbench check`: a cli-table3 matrix (rows framing x size, columns fragmentations),
// the reasons behind every blocking cell, and the JSON form of --json.

import Table from "cli-table3";
import type { CheckCell, CheckResult } from "../results/check-result.js";
import { isKnownBrokenFraming } from "../results/known-broken.js";
import type { CheckResultRecord } from "../results/result-file.js";
import { SOCKBENCH_VERSION } from "../version.js";
import { formatCount, plural } from "./format-number.js";
import { formatSizeBytes } from "./format-size.js";
import { unique } from "./unique.js";

/** What a cell shows: a known-broken framing's (naive's) cells say whether failing was expected of them; udp's, what was lost. */
export function cellVerdict(cell: CheckCell): string {
  if (cell.framing === "udp" && cell.lost !== undefined && cell.lost > 0) {
    return `${cell.passed ? "pass" : "FAIL"}, lost ${cell.lost}/${cell.asked}`;
  }
  if (!isKnownBrokenFraming(cell.framing)) return cell.passed ? "pass" : "FAIL";
  if (cell.mustFailBecause !== undefined) return cell.passed ? "unexpected pass" : "expected fail";
  // Where naive may pass or fail by chance, its verdict informs and decides nothing.
  return cell.passed ? "pass" : "fail (by chance)";
}

/** Exact bytes below 64 KiB, where 1023, 1024 and 1025 must stay apart. */
function sizeText(sizeBytes: number): string {
  return sizeBytes < 64 * 1024 ? `${formatCount(sizeBytes)} B` : formatSizeBytes(sizeBytes);
}

export function formatCheckReport(result: CheckResult): string {
  const fragmentations = unique(result.cells.map((cell) => cell.fragmentation));
  const table = new Table({
    head: ["framing", "size", ...fragmentations],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  const rows = unique(result.cells.map((cell) => `${cell.framing}\u0000${cell.size}`));
  for (const row of rows) {
    const [framing, size] = row.split("\u0000") as [string, string];
    const cells = result.cells.filter((cell) => cell.framing === framing && String(cell.size) === size);
    table.push([
      framing,
      sizeText(Number(size)),
      ...fragmentations.map((fragmentation) => {
        const cell = cells.find((candidate) => candidate.fragmentation === fragmentation);
        return cell === undefined ? "" : cellVerdict(cell);
      }),
    ]);
  }
  const lines = [table.toString()];
  if (result.cells.some((cell) => isKnownBrokenFraming(cell.framing))) {
    lines.push(
      "naive: where its design breaks (size 0, above 1024 bytes, slicing of long messages, coalescing below 1024, split writes)",
      "it must fail; elsewhere a pass or fail is chance and decides nothing (--json gives each must-fail reason).",
    );
  }
  const blocking = result.cells.filter((cell) => cell.blocking);
  for (const cell of blocking) {
    const where = `${cell.framing} ${sizeText(cell.size)} ${cell.fragmentation}`;
    const why = cell.passed
      ? `passed, but must fail: ${cell.mustFailBecause}`
      : `${cell.messages}/${cell.asked} verified, ${cell.errors} errors: ${cell.samples.join("; ")}`;
    lines.push(`${cellVerdict(cell)} ${where}: ${why}`);
  }
  const counted = result.cells.length;
  const udpCells = result.cells.filter((cell) => cell.framing === "udp");
  const udpLost = udpCells.reduce((sum, cell) => sum + (cell.lost ?? 0), 0);
  const udpAsked = udpCells.reduce((sum, cell) => sum + cell.asked, 0);
  const udp =
    udpCells.length > 0
      ? `; udp kept every boundary and lost ${formatCount(udpLost)} of ${plural(udpAsked, "datagram")}`
      : "";
  const framings = unique(result.cells.filter((cell) => cell.framing !== "udp").map((cell) => cell.framing));
  const held = framings.filter((framing) => !isKnownBrokenFraming(framing));
  const broken = framings.filter(isKnownBrokenFraming);
  const verdicts = [
    ...(held.length > 0 ? [`${wordList(held)} held everywhere`] : []),
    ...(broken.length > 0
      ? [`${wordList(broken)} failed wherever ${broken.length === 1 ? "it" : "they"} must`]
      : []),
  ];
  lines.push(
    result.passed
      ? `check passed: ${[plural(counted, "cell"), verdicts.join(", ")].filter(Boolean).join("; ")}${udp}`
      : `check FAILED: ${formatCount(blocking.length)} of ${plural(counted, "cell")}`,
  );
  return `${lines.join("\n")}\n`;
}

/** `a`, `a and b`, `a, b and c`. */
function wordList(words: readonly string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

/** Where and when a check ran, recorded in its JSON. */
export type CheckRunAbout = Pick<CheckResultRecord, "startedAt" | "machine" | "context">;

/** The --json form: one entry per cell, with the run's context. */
export function checkResultJson(result: CheckResult, about: CheckRunAbout): CheckResultRecord {
  return {
    tool: "sockbench",
    kind: "check",
    version: SOCKBENCH_VERSION,
    ...about,
    passed: result.passed,
    cells: result.cells.map((cell) => ({
      framing: cell.framing,
      size: cell.size,
      fragmentation: cell.fragmentation,
      passed: cell.passed,
      messages: cell.messages,
      errors: cell.errors,
      errorKinds: cell.errorKinds,
      ...(cell.lost !== undefined ? { lost: cell.lost } : {}),
      verdict: cellVerdict(cell),
      ...(cell.mustFailBecause !== undefined ? { mustFailBecause: cell.mustFailBecause } : {}),
    })),
  };
}
