// The one interface every fault implements. A stage takes chunks and passes them on, now or later,
// always in order; stages chain into a per-direction pipeline that ends at the destination socket.

export interface ChunkSink {
  write(chunk: Buffer): void;
  /** No more chunks: pass on what is still held, then end the next sink. */
  end(): void;
}

export interface FaultStage extends ChunkSink {
  /** The connection is gone: drop what is held and cancel every timer. */
  destroy(): void;
}
