// The report of `sockbench check --target|--server`: the matrix (sizes x fragmentations), then for each
// failing cell what a person needs to act (the error's kind, the first differing bytes, the server's
// output around that moment, a command reproducing the cell), the smallest failing case, and the JSON of
// --json.

import Table from "cli-table3";
import type { ByteExcerpt } from "../results/byte-excerpt.js";
import { framingWords } from "../results/framing-fields.js";
import { PROBE_DESCRIPTIONS } from "../results/probe-name.js";
import type {
  ServerOutputLine,
  TargetCell,
  TargetCellFailure,
  TargetCheckResult,
  TargetProbe,
} from "../results/target-check-result.js";
import { escapeTerminalText } from "../results/terminal-text.js";
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

export function probeVerdictText(probe: TargetProbe): string {
  if (probe.verdict === "pass") return probe.note !== undefined ? `pass: ${probe.note}` : "pass";
  if (probe.verdict === "skipped") return `skipped: ${probe.detail}`;
  return `FAIL ${probe.failure?.kind ?? ""}`.trim();
}

/** One byte as a person reads it: the character, an escape for whitespace, else what kind of byte. */
function byteName(byte: number): string {
  if (byte >= 0x20 && byte < 0x7f) return JSON.stringify(String.fromCharCode(byte));
  const escaped = { 9: '"\\t"', 10: '"\\n"', 13: '"\\r"', 0: "(NUL)" }[byte];
  if (escaped !== undefined) return escaped;
  if (byte >= 0xc0) return "(a UTF-8 lead byte)";
  return byte >= 0x80 ? "(a UTF-8 continuation byte)" : "(a control byte)";
}

/** The first differing byte as a person reads it: offset, both bytes in hex, and what they are. */
function firstDifferenceLine(failure: TargetCellFailure): string | undefined {
  if (failure.differsAt === undefined) return undefined;
  const byteAt = (bytes: ByteExcerpt | undefined) => {
    if (bytes === undefined || failure.differsAt === undefined) return "nothing";
    const index = failure.differsAt - bytes.offset;
    const hex = bytes.hex.split(" ")[index];
    return hex === undefined ? "the end" : `0x${hex} ${byteName(Number.parseInt(hex, 16))}`;
  };
  const payload = failure.payload !== undefined ? ` of a ${failure.payload} payload` : "";
  return `  first difference at byte ${failure.differsAt}${payload}: expected ${byteAt(failure.expected)}, received ${byteAt(failure.received)}`;
}

function serverLines(failure: TargetCellFailure): string[] {
  const lines: string[] = [];
  if (failure.serverExit !== undefined) lines.push(`  the server ${failure.serverExit}`);
  if (failure.serverOutput.length > 0) {
    lines.push("  server output around then (seconds since it started):");
    for (const line of failure.serverOutput) {
      lines.push(`    ${serverOutputLineText(line)}`);
    }
  }
  return lines;
}

function bytesLine(label: string, bytes: ByteExcerpt | undefined): string {
  if (bytes === undefined) return `  ${label.padEnd(8)} nothing`;
  const from = bytes.offset > 0 ? `, from byte ${bytes.offset}` : "";
  const more = bytes.offset + bytes.hex.split(" ").filter(Boolean).length < bytes.length ? " …" : "";
  const shown = bytes.hex.length > 0 ? ` ${bytes.hex}${more} | ${JSON.stringify(bytes.text)}` : "";
  return `  ${label.padEnd(8)} (${plural(bytes.length, "byte")}${from})${shown}`;
}

/** One line of a server's output as reports show it: `1.234 stderr| Traceback ...`. */
export function serverOutputLineText(line: ServerOutputLine): string {
  return `${line.atS.toFixed(3)} ${line.stream}| ${escapeTerminalText(line.text)}`;
}

function failureLines(cell: TargetCell): string[] {
  const failure = cell.failure;
  const lines = [
    `FAIL ${sizeText(cell.size)} ${cell.fragmentation}: ${failure?.kind ?? "failed"}: ${escapeTerminalText(failure?.detail ?? "")}`,
  ];
  if (failure !== undefined) {
    const difference = firstDifferenceLine(failure);
    if (difference !== undefined) lines.push(difference);
    if (failure.request !== undefined) lines.push(bytesLine("sent", failure.request));
    else lines.push(bytesLine("expected", failure.expected));
    lines.push(bytesLine("received", failure.received));
    lines.push(...serverLines(failure));
  }
  lines.push(`  reproduce: ${cell.reproduce}`);
  return lines;
}

function probeLines(probes: readonly TargetProbe[]): string[] {
  if (probes.length === 0) return [];
  const lines = ["probes:"];
  for (const probe of probes) {
    lines.push(`  ${probe.name.padEnd(19)} ${probeVerdictText(probe)}`);
  }
  for (const probe of probes.filter((each) => each.verdict === "fail")) {
    lines.push(`FAIL probe ${probe.name} (${PROBE_DESCRIPTIONS[probe.name]}): ${probe.detail}`);
    if (probe.failure !== undefined) {
      const difference = firstDifferenceLine(probe.failure);
      if (difference !== undefined)
        lines.push(
          difference,
          bytesLine("expected", probe.failure.expected),
          bytesLine("received", probe.failure.received),
        );
      lines.push(...serverLines(probe.failure));
    }
    lines.push(`  reproduce: ${probe.reproduce}`);
  }
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
    `check of ${result.target}${restart}: ${framingWords(result)}, expect ${result.expect}, ${result.connections} connection${result.connections === 1 ? "" : "s"}, seed ${result.seed}`,
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
  if (result.cells.length > 0) lines.push(table.toString());
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
    );
    if (shrunk.history === "needed") {
      lines.push(
        "  it fails only after the cells before it (it passed alone on a fresh server): the server keeps state between clients;",
        "  the command runs those cells too, on one server",
      );
    }
    lines.push(`  reproduce: ${shrunk.reproduce}`);
    if (shrunk.history === "unknown" && shrunk.historyReproduce !== undefined) {
      lines.push(
        "  the server was not restarted between cells, so the failure may need what earlier cells left in it;",
        `  if the command above passes, run them too: ${shrunk.historyReproduce}`,
      );
    }
  }
  lines.push(...checkFramingHintLines(result));
  lines.push(...probeLines(result.probes ?? []));
  const failedProbes = (result.probes ?? []).filter((probe) => probe.verdict === "fail");
  const probesRun = (result.probes ?? []).filter((probe) => probe.verdict !== "skipped").length;
  const hasCells = result.cells.length > 0;
  const ran = [
    ...(hasCells || probesRun === 0 ? [plural(result.cells.length, "cell")] : []),
    ...(probesRun > 0 ? [plural(probesRun, "probe")] : []),
  ];
  const pace = `${ran.join(" and ")} in ${(result.durationMs / 1000).toFixed(1)} s`;
  // Only echo and hello send the generated payloads; sum and modules build their own requests.
  const generated = result.expect === "echo" || result.expect === "hello";
  const payload = result.payload !== undefined && generated ? `, ${result.payload} payloads` : "";
  const failed = [
    ...(hasCells ? [`${failing.length} of ${plural(result.cells.length, "cell")}`] : []),
    ...(probesRun > 0 ? [`${failedProbes.length} of ${plural(probesRun, "probe")}`] : []),
  ];
  lines.push(
    result.passed
      ? `check passed: every ${[...(hasCells ? ["cell"] : []), ...(probesRun > 0 ? ["probe"] : [])].join(" and ")} held (${pace}${payload})`
      : `check FAILED: ${failed.join(", ")} (${pace}${payload})`,
  );
  return `${lines.join("\n")}\n`;
}
