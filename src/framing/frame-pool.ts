// Buffers of frames a decoder copied together from several reads, handed back once nothing reads them
// any more, for the next frame of the same size. A fresh 64 KiB buffer per frame, freed by the garbage
// collector, was a large share of the concurrent server's CPU per 64 KiB echo (docs/design.md).

/** Smaller frames are cut from node's 8 KiB slab, cheap to allocate: pooling them would only fill the pool. */
export const MIN_POOLED_FRAME_BYTES = 8 * 1024;

export class FramePool {
  /** Kept buffers by size. */
  private readonly spare = new Map<number, Buffer[]>();
  /** Buffers this pool handed out and has not taken back: the only ones release() accepts. */
  private readonly issued = new WeakSet<Buffer>();
  private keptBytes = 0;

  /** `maxKeptBytes`: what the pool holds at most between frames. */
  constructor(private readonly maxKeptBytes: number) {}

  /** A buffer of `byteCount` bytes to copy a frame into: a kept one, or a new one. */
  allocate(byteCount: number): Buffer {
    if (byteCount < MIN_POOLED_FRAME_BYTES) return Buffer.allocUnsafe(byteCount);
    let buffer = this.spare.get(byteCount)?.pop();
    if (buffer === undefined) buffer = Buffer.allocUnsafe(byteCount);
    else this.keptBytes -= byteCount;
    this.issued.add(buffer);
    return buffer;
  }

  /**
   * Takes back a frame nothing reads any more (its reply written out). A buffer this pool did not hand
   * out (a view of a read, a small frame) or already took back is ignored.
   */
  release(frame: Buffer): void {
    if (!this.issued.delete(frame)) return;
    if (this.keptBytes + frame.length > this.maxKeptBytes) return;
    const kept = this.spare.get(frame.length);
    if (kept === undefined) this.spare.set(frame.length, [frame]);
    else kept.push(frame);
    this.keptBytes += frame.length;
  }

  get heldBytes(): number {
    return this.keptBytes;
  }
}
