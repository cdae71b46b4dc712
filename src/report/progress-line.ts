// The live progress line of a load run on a terminal: rewritten in place about once a second.

import type { Writable } from "node:stream";
import type { LoadProgress } from "../results/load-progress.js";
import { formatCount, plural } from "./format-number.js";

export class ProgressLine {
  private lastReplies = 0;
  private lastElapsedMs = 0;
  private shown = false;

  constructor(private readonly stream: Writable & { isTTY?: boolean }) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(progress: LoadProgress): void {
    if (!this.enabled) return;
    const intervalS = Math.max(0.001, (progress.elapsedMs - this.lastElapsedMs) / 1000);
    const replies = progress.judged ? progress.verified : progress.received;
    const rate = Math.round((replies - this.lastReplies) / intervalS);
    this.lastReplies = replies;
    this.lastElapsedMs = progress.elapsedMs;
    this.text(
      `${(progress.elapsedMs / 1000).toFixed(0)} s ${progress.phase}: ${formatCount(rate)} msg/s, ${formatCount(replies)} ${progress.judged ? "verified" : "received (not judged)"}, ${plural(progress.errors, "error")}`,
    );
  }

  /** Shows any one-line text in place (a terminal only). */
  text(line: string): void {
    if (!this.enabled) return;
    this.stream.write(`\r${line}\x1b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write("\r\x1b[K");
    this.shown = false;
  }
}
