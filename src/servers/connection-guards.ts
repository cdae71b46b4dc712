// What a server shares between its connections to defend them from each other: the rate-limited log,
// the frame deadlines, the buffered-bytes budget and the per-address connection counts; and the pool
// their decoders copy large frames into.

import { FramePool } from "../framing/frame-pool.js";
import { RateLimitedLog } from "../rate-limited-log.js";
import { BufferBudget, defaultMaxBufferedBytes } from "./buffer-budget.js";
import { FrameWatch } from "./frame-watch.js";
import type { ListenOptions } from "./server-options.js";

export const DEFAULT_FRAME_TIMEOUT_MS = 30_000;
export const DEFAULT_MIN_RECEIVE_BYTES_PER_S = 1024;
/** Frame buffers a server keeps between frames, over all its connections. */
export const FRAME_POOL_BYTES = 4 * 1024 * 1024;

/** Unless given, one address may hold a quarter of the connections. */
export function defaultMaxConnectionsPerAddress(maxConnections: number): number {
  return Math.max(1, Math.ceil(maxConnections / 4));
}

export class ConnectionGuards {
  readonly log: RateLimitedLog;
  readonly frames: FrameWatch;
  readonly budget: BufferBudget;
  readonly maxConnectionsPerAddress: number;
  readonly framePool = new FramePool(FRAME_POOL_BYTES);
  private readonly connectionsByAddress = new Map<string, number>();

  constructor(options: ListenOptions) {
    this.log = new RateLimitedLog(options.log);
    this.frames = new FrameWatch({
      frameTimeoutMs: options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS,
      minReceiveBytesPerS: options.minReceiveBytesPerS ?? DEFAULT_MIN_RECEIVE_BYTES_PER_S,
    });
    this.budget = new BufferBudget(options.maxBufferedBytes ?? defaultMaxBufferedBytes());
    this.maxConnectionsPerAddress =
      options.maxConnectionsPerAddress ?? defaultMaxConnectionsPerAddress(options.maxConnections);
  }

  /** Counts a connection from `address`; false (and nothing counted) when the address is at its cap. */
  admit(address: string): boolean {
    const count = this.connectionsByAddress.get(address) ?? 0;
    if (count >= this.maxConnectionsPerAddress) return false;
    this.connectionsByAddress.set(address, count + 1);
    return true;
  }

  leave(address: string): void {
    const count = (this.connectionsByAddress.get(address) ?? 1) - 1;
    if (count === 0) this.connectionsByAddress.delete(address);
    else this.connectionsByAddress.set(address, count);
  }

  close(): void {
    this.frames.close();
    this.log.flush();
  }
}
