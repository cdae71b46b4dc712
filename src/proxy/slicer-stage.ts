// Re-cuts each chunk into pieces of avg ± variation bytes, spaced `delayMs` apart (toxiproxy's slicer).
// Toxiproxy bisects each chunk around the average, which panics on the option values validateFaults()
// rejects; cutting front to back keeps every piece but a chunk's last within [avg - var, avg + var].
// A chunk's tail is never held back to wait for the next chunk: slicing must not stall a stream.

import type { SeededRandom } from "../seeded-random.js";
import type { ChunkSink, FaultStage } from "./fault-stage.js";
import { TimedDelivery } from "./timed-delivery.js";

export interface SlicerSettings {
  averageBytes: number;
  variationBytes: number;
  delayMs: number;
}

export class SlicerStage implements FaultStage {
  private readonly delivery: TimedDelivery;

  constructor(
    next: ChunkSink,
    private readonly settings: SlicerSettings,
    private readonly random: SeededRandom,
  ) {
    this.delivery = new TimedDelivery(next);
  }

  write(chunk: Buffer): void {
    const { averageBytes, variationBytes, delayMs } = this.settings;
    for (let offset = 0; offset < chunk.length; ) {
      const sizeBytes = averageBytes + this.random.nextIntInclusive(-variationBytes, variationBytes);
      const piece = chunk.subarray(offset, offset + sizeBytes);
      offset += piece.length;
      const dueMs = Math.max(TimedDelivery.nowMs(), this.delivery.lastDueMs + delayMs);
      this.delivery.schedule(piece, dueMs);
    }
  }

  end(): void {
    this.delivery.end();
  }

  destroy(): void {
    this.delivery.destroy();
  }
}
