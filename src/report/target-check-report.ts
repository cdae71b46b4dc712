// The report of `sockbench check --target|--server`: the matrix (sizes x fragmentations), then for each
// failing cell what a person needs to act (the error's kind, the first differing bytes, the server's
// output around that moment, a command reproducing the cell), the smallest failing case, and the JSON of
// --json.

import Table from "cli-table3";
import type { ByteExcerpt } from "../results/byte-excerpt.js";
import type { TargetCell, TargetCheckResult } from "../results/target-check-result.js";
import { checkFramingHintLines } from "./check-framing-hint.js";
import { formatExactSize } from "./exact-size.js";
import { plural } from "./format-number.js";

/** Failing cells shown in full; the others are listed on one line. */
const DETAILED_FAILURES = 3;

function sizeText(sizeBytes: number): string {
  return sizeBytes < 64 * 1024 ? `${sizeBytes} B` : formatExactSize(sizeBytes);
}

export function targetCellText(cell: TargetCell): string {
  if (cell.verdict === "pass") return "pass";
  if (cell.verdict === "refused") return "refused";
  return `FAIL ${cell.failure?.kind ?? ""}`.trim();
}

function bytesLine(label: string, bytes: ByteExcerpt | undefined): string {
  if (bytes === undefined) return `  ${label.padEnd(8)} nothing`;
  const from = bytes.offset > 0 ? `, from byte ${bytes.offset}` : "";
  const more = bytes.offset + bytes.hex.split(" ").filter(Boolean).length < bytes.length ? " …" : "";
  const shown = bytes.hex.length > 0 ? ` ${bytes.hex}${more} | ${JSON.stringify(bytes.text)}` : "";
  return `  ${label.padEnd(8)} (${plural(bytes.length, "byte")}${from})${shown}`;
}

function failureLines(cell: TargetCell): string[] {
  const failure = cell.failure;
  const lines = [
    `FAIL ${sizeText(cell.size)} ${cell.fragmentation}: ${failure?.kind ?? "failed"}: ${failure?.detail ?? ""}`,
  ];
  if (failure !== undefined) {
    if (failure.differsAt !== undefined) lines.push(`  first difference at byte ${failure.differsAt}`);
    if (failure.request !== undefined) lines.push(bytesLine("sent", failure.request));
    else lines.push(bytesLine("expected", failure.expected));
    lines.push(bytesLine("received", failure.received));
    if (failure.serverExit !== undefined) lines.push(`  the server ${failure.serverExit}`);
    if (failure.serverOutput.length > 0) {
      lines.push("  server output around then (seconds since it started):");
      for (const line of failure.serverOutput) {
        lines.push(`    ${line.atS.toFixed(3)} ${line.stream}| ${line.text}`);
      }
    }
  }
  lines.push(`  reproduce: ${cell.reproduce}`);
  return lines;
}

export function formatTargetCheckReport(result: TargetCheckResult): string {
  const restart =
    result.restart === "per-cell"
      ? " (a fresh server per cell)"
      : result.restart === "never"
        ? " (one server for all cells)"
        : "";
  const lines = [
    `check of ${result.target}${restart}: ${result.framing} framing, expect ${result.expect}, ${result.connections} connection${result.connections === 1 ? "" : "s"}, seed ${result.seed}`,
  ];
  const fragmentations = [...new Set(result.cells.map((cell) => cell.fragmentation))];
  const table = new Table({
    head: ["size", ...fragmentations],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const size of [...new Set(result.cells.map((cell) => cell.size))]) {
    table.push([
      sizeText(size),
      ...fragmentations.map((fragmentation) => {
        const cell = result.cells.find((each) => each.size === size && each.fragmentation === fragmentation);
        return cell === undefined ? "" : targetCellText(cell);
      }),
    ]);
  }
  lines.push(table.toString());
  const failing = result.cells.filter((cell) => cell.verdict === "fail");
  for (const cell of failing.slice(0, DETAILED_FAILURES)) lines.push(...failureLines(cell));
  if (failing.length > DETAILED_FAILURES) {
    const rest = failing
      .slice(DETAILED_FAILURES)
      .map((cell) => `${sizeText(cell.size)} ${cell.fragmentation} (${cell.failure?.kind ?? "failed"})`);
    lines.push(`also failed: ${rest.join(", ")} (--json has every cell)`);
  }
  const refused = result.cells.filter((cell) => cell.verdict === "refused");
  if (refused.length > 0) {
    lines.push(
      `refused (above --max-frame, as the server's design allows): ${refused.map((cell) => `${sizeText(cell.size)} ${cell.fragmentation}`).join(", ")}`,
    );
  }
  const shrunk = result.shrunk;
  if (shrunk !== undefined) {
    lines.push(
      `smallest failing case: ${sizeText(shrunk.size)} under ${shrunk.fragmentation} (${shrunk.kind}), shrunk from ${sizeText(shrunk.from.size)} under ${shrunk.from.fragmentation} in ${shrunk.attempts} more cells`,
      `  reproduce: ${shrunk.reproduce}`,
    );
  }
  lines.push(...checkFramingHintLines(result));
  const pace = `${plural(result.cells.length, "cell")} in ${(result.durationMs / 1000).toFixed(1)} s, ${result.cellsPerSecond} cells/s`;
  lines.push(
    result.passed
      ? `check passed: every cell held (${pace})`
      : `check FAILED: ${failing.length} of ${result.cells.length} cells (${pace})`,
  );
  return `${lines.join("\n")}\n`;
}
