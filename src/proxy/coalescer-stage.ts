// Holds bytes for up to `holdMs` from the first one held, then passes them on as one chunk (one
// write), the way Nagle's algorithm or a busy sender merges writes. At end, what is held goes at once.

import type { ChunkSink, FaultStage } from "./fault-stage.js";

export class CoalescerStage implements FaultStage {
  private held: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly next: ChunkSink,
    private readonly holdMs: number,
  ) {}

  write(chunk: Buffer): void {
    this.held.push(chunk);
    this.timer ??= setTimeout(() => this.flush(), this.holdMs);
  }

  end(): void {
    this.flush();
    this.next.end();
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.held = [];
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.held.length === 0) return;
    const merged = this.held.length === 1 ? this.held[0] : Buffer.concat(this.held);
    this.held = [];
    if (merged) this.next.write(merged);
  }
}
