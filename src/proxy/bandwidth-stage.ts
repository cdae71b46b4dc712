// Limits throughput to a rate in bytes per second (toxiproxy's bandwidth): each piece is delivered
// once the link would have finished sending it. Like toxiproxy, a chunk larger than 100 ms of the rate
// goes out in 100 ms pieces, so a big write trickles instead of arriving late in one burst.

import type { ChunkSink, FaultStage } from "./fault-stage.js";
import { TimedDelivery } from "./timed-delivery.js";

const PIECE_DURATION_MS = 100;

export class BandwidthStage implements FaultStage {
  private readonly delivery: TimedDelivery;
  private readonly pieceBytes: number;
  /** When the simulated link has sent everything accepted so far. */
  private linkFreeAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    next: ChunkSink,
    private readonly bytesPerS: number,
  ) {
    this.delivery = new TimedDelivery(next);
    this.pieceBytes = Math.max(1, Math.floor((bytesPerS * PIECE_DURATION_MS) / 1000));
  }

  write(chunk: Buffer): void {
    for (let offset = 0; offset < chunk.length; offset += this.pieceBytes) {
      const piece = chunk.subarray(offset, offset + this.pieceBytes);
      this.linkFreeAtMs =
        Math.max(TimedDelivery.nowMs(), this.linkFreeAtMs) + (piece.length * 1000) / this.bytesPerS;
      this.delivery.schedule(piece, this.linkFreeAtMs);
    }
  }

  end(): void {
    this.delivery.end();
  }

  destroy(): void {
    this.delivery.destroy();
  }
}
