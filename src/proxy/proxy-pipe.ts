// One direction of a proxied connection: the source socket's bytes go through that direction's
// fault pipeline into the destination socket. Backpressure: the source stops being read while the
// destination is full or the pipeline holds HELD_BYTES_HIGH_WATER, so memory stays bounded whatever
// the faults delay.

import type { Socket } from "node:net";
import type { SeededRandom } from "../seeded-random.js";
import type { FaultOptions } from "./fault-options.js";
import { buildFaultPipeline, type FaultPipeline } from "./fault-pipeline.js";

/** Bytes a direction may hold in its faults before it stops reading its source. */
export const HELD_BYTES_HIGH_WATER = 1024 * 1024;
const FLUSHED = Buffer.alloc(0);

export class ProxyPipe {
  private readonly pipeline: FaultPipeline;
  private heldBytes = 0;
  private destinationFull = false;
  private stopped = false;

  /**
   * @param onResetLimitReached called once the reset-after limit's last byte has been handed to the
   *   kernel (so it is not lost to the reset).
   */
  constructor(
    private readonly source: Socket,
    private readonly destination: Socket,
    faults: FaultOptions,
    random: SeededRandom,
    onResetLimitReached: () => void,
  ) {
    const toDestination = {
      write: (chunk: Buffer) => this.deliver(chunk),
      end: () => {
        if (!this.stopped) destination.end();
      },
    };
    this.pipeline = buildFaultPipeline(faults, toDestination, random, () => {
      this.stop();
      destination.write(FLUSHED, (error) => {
        if (!error) onResetLimitReached();
      });
    });
    source.on("data", this.onData);
    source.on("end", this.onEnd);
    destination.on("drain", this.onDrain);
  }

  /** Stops the flow for good and cancels the pipeline's timers; the sockets are the caller's. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pipeline.destroy();
    this.source.off("data", this.onData);
    this.source.off("end", this.onEnd);
    this.destination.off("drain", this.onDrain);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.heldBytes += chunk.length;
    this.pipeline.head.write(chunk);
    this.pauseOrResume();
  };

  private readonly onEnd = (): void => {
    this.pipeline.head.end();
  };

  private readonly onDrain = (): void => {
    this.destinationFull = false;
    this.pauseOrResume();
  };

  private deliver(chunk: Buffer): void {
    if (this.stopped) return;
    this.heldBytes -= chunk.length;
    if (chunk.length > 0 && !this.destination.write(chunk)) this.destinationFull = true;
    this.pauseOrResume();
  }

  private pauseOrResume(): void {
    if (this.stopped) return;
    if (this.destinationFull || this.heldBytes >= HELD_BYTES_HIGH_WATER) this.source.pause();
    else if (this.source.isPaused()) this.source.resume();
  }
}
