// Passes exactly `limitBytes` bytes, then reports the limit reached so the connection can be reset
// (toxiproxy's limit_data, which closes instead). Later bytes are dropped: that is the fault.

import type { ChunkSink, FaultStage } from "./fault-stage.js";

export class ResetAfterStage implements FaultStage {
  private passedBytes = 0;
  private tripped = false;

  constructor(
    private readonly next: ChunkSink,
    private readonly limitBytes: number,
    private readonly onLimitReached: () => void,
  ) {}

  write(chunk: Buffer): void {
    if (this.tripped) return;
    const remainingBytes = this.limitBytes - this.passedBytes;
    if (chunk.length < remainingBytes) {
      this.passedBytes += chunk.length;
      this.next.write(chunk);
      return;
    }
    this.passedBytes = this.limitBytes;
    this.tripped = true;
    this.next.write(chunk.subarray(0, remainingBytes));
    this.onLimitReached();
  }

  end(): void {
    if (!this.tripped) this.next.end();
  }

  destroy(): void {
    this.tripped = true;
  }
}
