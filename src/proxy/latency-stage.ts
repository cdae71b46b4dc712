// Delays each chunk by latency ± jitter (toxiproxy's latency). Unlike toxiproxy, where every chunk
// waits its own draw, a chunk is never delivered before the one ahead of it (TimedDelivery), so jitter
// varies the timing without reordering bytes.

import type { SeededRandom } from "../seeded-random.js";
import type { ChunkSink, FaultStage } from "./fault-stage.js";
import { TimedDelivery } from "./timed-delivery.js";

export class LatencyStage implements FaultStage {
  private readonly delivery: TimedDelivery;

  constructor(
    next: ChunkSink,
    private readonly latencyMs: number,
    private readonly jitterMs: number,
    private readonly random: SeededRandom,
  ) {
    this.delivery = new TimedDelivery(next);
  }

  write(chunk: Buffer): void {
    const delayMs =
      this.jitterMs > 0
        ? this.random.nextInRange(this.latencyMs - this.jitterMs, this.latencyMs + this.jitterMs)
        : this.latencyMs;
    this.delivery.schedule(chunk, TimedDelivery.nowMs() + delayMs);
  }

  end(): void {
    this.delivery.end();
  }

  destroy(): void {
    this.delivery.destroy();
  }
}
