// The user's server's output, kept as a bounded ring of timestamped lines (stdout and stderr), so that a
// report can quote the last lines before a failure or the lines around the moment a cell went wrong.

import { escapeTerminalText } from "../results/terminal-text.js";

export interface OutputLine {
  /** Wall-clock time the line was read, ms since the epoch. */
  atMs: number;
  stream: "stdout" | "stderr";
  text: string;
}

export const DEFAULT_OUTPUT_LINES = 2000;
/** A line longer than this is cut: one runaway line must not fill the ring's memory. */
const MAX_LINE_CHARS = 1000;

export class OutputRing {
  private readonly lines: OutputLine[] = [];
  private readonly partial = { stdout: "", stderr: "" };
  /** Lines dropped from the front because the ring was full. */
  dropped = 0;

  constructor(private readonly capacity = DEFAULT_OUTPUT_LINES) {}

  /** Adds a chunk of text read from `stream`; complete lines enter the ring, the rest waits for more. */
  write(stream: OutputLine["stream"], text: string, atMs = Date.now()): void {
    const pieces = (this.partial[stream] + text).split(/\r?\n/);
    this.partial[stream] = (pieces.pop() as string).slice(-MAX_LINE_CHARS);
    for (const piece of pieces) this.push({ atMs, stream, text: piece });
  }

  /** Moves any unfinished line into the ring (the stream ended). */
  flush(atMs = Date.now()): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.partial[stream].length > 0) this.push({ atMs, stream, text: this.partial[stream] });
      this.partial[stream] = "";
    }
  }

  /** Every line kept, oldest first. */
  all(): OutputLine[] {
    return this.lines.slice();
  }

  /** The last `count` lines. */
  last(count: number): OutputLine[] {
    return this.lines.slice(Math.max(0, this.lines.length - count));
  }

  /**
   * The lines from `beforeMs` before `atMs` to `afterMs` after it, at most `count` of them (the ones
   * nearest the moment when there are more).
   */
  around(atMs: number, beforeMs: number, afterMs: number, count: number): OutputLine[] {
    const window = this.lines.filter((line) => line.atMs >= atMs - beforeMs && line.atMs <= atMs + afterMs);
    if (window.length <= count) return window;
    const firstAfter = window.findIndex((line) => line.atMs > atMs);
    const end = firstAfter < 0 ? window.length : Math.min(window.length, firstAfter + Math.ceil(count / 4));
    return window.slice(Math.max(0, end - count), end);
  }

  private push(line: OutputLine): void {
    this.lines.push(
      line.text.length > MAX_LINE_CHARS ? { ...line, text: line.text.slice(0, MAX_LINE_CHARS) } : line,
    );
    if (this.lines.length > this.capacity) {
      this.lines.shift();
      this.dropped++;
    }
  }
}

/**
 * Lines as a person reads them under a report: `  +0.123s stderr| Traceback ...`, time relative to
 * `originMs`, escape sequences shown escaped.
 */
export function formatOutputLines(lines: OutputLine[], originMs: number, indent = "  "): string[] {
  return lines.map((line) => {
    const seconds = ((line.atMs - originMs) / 1000).toFixed(3);
    const sign = line.atMs >= originMs ? "+" : "";
    return `${indent}${sign}${seconds}s ${line.stream}| ${escapeTerminalText(line.text)}`;
  });
}
