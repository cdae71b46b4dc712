// A FIFO of received bytes kept as a list of chunks (as the ws receiver does): bytes are consumed
// without concatenating the backlog, and a token search can resume where the previous one stopped.

import { bufferView } from "./buffer-view.js";
import type { FramePool } from "./frame-pool.js";

/** Chunks smaller than this are copied into a shared tail so that a flood of tiny chunks costs bytes, not objects. */
const SMALL_CHUNK_BYTES = 1024;
const TAIL_CAPACITY_BYTES = 16 * 1024;

export class ChunkQueue {
  private chunks: Buffer[] = [];
  /** Index of the first live chunk; consumed chunks before it are dropped in batches. */
  private head = 0;
  /** Bytes already consumed from chunks[head]. */
  private headOffset = 0;
  /** A partly filled buffer that absorbs small chunks; it is always the last chunk while it has room. */
  private tail: Buffer | undefined;
  private tailUsed = 0;
  private byteLength = 0;
  /** Where the last search stopped: the chunk index and that chunk's offset from the queue start. */
  private cursorChunk = 0;
  private cursorStart = 0;

  /** `framePool`: where take() allocates a frame it copies together from several chunks. */
  constructor(private readonly framePool?: FramePool) {}

  get length(): number {
    return this.byteLength;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.byteLength += chunk.length;
    if (chunk.length < SMALL_CHUNK_BYTES) {
      this.appendSmall(chunk);
      return;
    }
    this.sealTail();
    this.chunks.push(chunk);
  }

  /** Removes and returns the first `byteCount` bytes; a view when they lie in one chunk, a copy otherwise. */
  take(byteCount: number): Buffer {
    if (byteCount > this.byteLength)
      throw new RangeError(`take(${byteCount}) with ${this.byteLength} queued`);
    if (byteCount === 0) return Buffer.alloc(0);
    const first = this.chunkAt(this.head);
    const start = this.headOffset;
    if (byteCount <= this.liveLength(this.head) - start) {
      // A view into the shared tail would be overwritten by later pushes.
      const frame =
        first === this.tail
          ? Buffer.from(bufferView(first, start, start + byteCount))
          : bufferView(first, start, start + byteCount);
      this.skip(byteCount);
      return frame;
    }
    const out = this.framePool?.allocate(byteCount) ?? Buffer.allocUnsafe(byteCount);
    let written = 0;
    let offset = start;
    for (let index = this.head; written < byteCount; index++) {
      const chunk = this.chunkAt(index);
      const end = Math.min(this.liveLength(index), offset + byteCount - written);
      // TypedArray#set copies several times faster than Buffer#copy for the many small pieces of a large frame.
      out.set(offset === 0 && end === chunk.length ? chunk : bufferView(chunk, offset, end), written);
      written += end - offset;
      offset = 0;
    }
    this.skip(byteCount);
    return out;
  }

  /** Drops the first `byteCount` bytes. */
  skip(byteCount: number): void {
    if (byteCount === 0) return;
    this.byteLength -= byteCount;
    this.cursorStart -= byteCount;
    if (byteCount < this.liveLength(this.head) - this.headOffset) {
      // Within the head chunk (every small frame): the cursor, measured from the front, stays valid.
      this.headOffset += byteCount;
      return;
    }
    let remaining = byteCount;
    while (remaining > 0) {
      const available = this.liveLength(this.head) - this.headOffset;
      if (remaining < available) {
        this.headOffset += remaining;
        break;
      }
      remaining -= available;
      this.dropHead();
    }
    if (this.byteLength === 0) this.reset();
    if (this.cursorChunk < this.head || this.cursorStart < -this.headOffset) this.resetCursor();
  }

  /** A copy of the first `maxBytes` queued bytes (all of them when fewer), without consuming them. */
  copyFront(maxBytes: number): Buffer {
    const out = Buffer.allocUnsafe(Math.min(maxBytes, this.byteLength));
    let written = 0;
    let offset = this.headOffset;
    for (let index = this.head; written < out.length; index++) {
      const end = Math.min(this.liveLength(index), offset + out.length - written);
      written += this.chunkAt(index).copy(out, written, offset, end);
      offset = 0;
    }
    return out;
  }

  /** Reads a big-endian u32 at `offset` from the front without consuming it. */
  readUInt32BE(offset = 0): number {
    const position = this.headOffset + offset;
    if (this.head < this.chunks.length && position + 4 <= this.liveLength(this.head)) {
      return this.chunkAt(this.head).readUInt32BE(position);
    }
    let value = 0;
    for (let index = 0; index < 4; index++) value = value * 256 + this.byteAt(offset + index);
    return value;
  }

  /**
   * Position of the first `token` at or after `fromOffset`, or -1. The search walks chunks from a cursor
   * kept between calls, so resuming where the last failed search stopped costs only the new bytes.
   */
  indexOf(token: Buffer, fromOffset: number): number {
    if (token.length === 1 && this.cursorChunk === this.head && this.head < this.chunks.length) {
      // Fast path for a one-byte token in the head chunk (small frames): no cursor to move, no straddling.
      const chunk = this.chunkAt(this.head);
      if (chunk !== this.tail) {
        const found = chunk.indexOf(token[0] as number, this.headOffset + fromOffset);
        if (found !== -1) return found - this.headOffset;
      }
    }
    if (fromOffset < this.cursorStart + this.headOffsetOf(this.cursorChunk)) this.resetCursor();
    for (let index = this.cursorChunk; index < this.chunks.length; index++) {
      const chunk = this.chunkAt(index);
      const chunkEnd = this.liveLength(index);
      const base = index === this.head ? this.headOffset : 0;
      // Offset of this chunk's byte 0 relative to the queue front.
      const origin = this.cursorStart;
      const localFrom = Math.max(base, fromOffset - origin);
      if (localFrom < chunkEnd) {
        // The tail's bytes past its used length are stale: search only its live part.
        const live = chunk === this.tail ? bufferView(chunk, 0, chunkEnd) : chunk;
        // A one-byte token is searched as a number, which Node runs as memchr.
        const found =
          token.length === 1 ? live.indexOf(token[0] as number, localFrom) : live.indexOf(token, localFrom);
        if (found !== -1) return origin + found;
        // A token may straddle this chunk and the next ones.
        const straddleFrom = Math.max(localFrom, chunkEnd - token.length + 1);
        for (let local = straddleFrom; local < chunkEnd; local++) {
          if (this.matchesFrom(index, local, token)) return origin + local;
        }
      }
      if (index + 1 < this.chunks.length) {
        this.cursorStart += chunkEnd;
        this.cursorChunk = index + 1;
      }
    }
    return -1;
  }

  /**
   * The queued bytes of the head chunk as a view, for a decoder to cut whole frames from in bulk (then
   * skip() what it cut); undefined when the head is the shared tail, whose bytes later pushes overwrite.
   */
  viewableHead(): Buffer | undefined {
    if (this.head >= this.chunks.length) return undefined;
    const chunk = this.chunkAt(this.head);
    return chunk === this.tail ? undefined : bufferView(chunk, this.headOffset, chunk.length);
  }

  /** Whether `token` starts at byte `local` of chunk `index`, following on into later chunks. */
  private matchesFrom(index: number, local: number, token: Buffer): boolean {
    let chunkIndex = index;
    let position = local;
    for (const expected of token) {
      while (chunkIndex < this.chunks.length && position >= this.liveLength(chunkIndex)) {
        position -= this.liveLength(chunkIndex);
        chunkIndex++;
      }
      if (chunkIndex >= this.chunks.length || this.chunkAt(chunkIndex)[position] !== expected) return false;
      position++;
    }
    return true;
  }

  /** The byte at `offset` from the front, without consuming it (a decoder peeking at a header). */
  byteAt(offset: number): number {
    let position = offset + this.headOffset;
    for (let index = this.head; index < this.chunks.length; index++) {
      const length = this.liveLength(index);
      if (position < length) return this.chunkAt(index)[position] as number;
      position -= length;
    }
    throw new RangeError(`byte ${offset} of ${this.byteLength}`);
  }

  private appendSmall(chunk: Buffer): void {
    if (this.tail === undefined || this.tailUsed + chunk.length > this.tail.length) {
      this.sealTail();
      this.tail = Buffer.allocUnsafe(TAIL_CAPACITY_BYTES);
      this.tailUsed = 0;
      this.chunks.push(this.tail);
    }
    this.tailUsed += chunk.copy(this.tail, this.tailUsed);
  }

  private sealTail(): void {
    if (this.tail === undefined) return;
    // Shrink the sealed tail to its used bytes; the view shares memory, so no copy.
    this.chunks[this.chunks.length - 1] = this.tail.subarray(0, this.tailUsed);
    this.tail = undefined;
  }

  private liveLength(index: number): number {
    const chunk = this.chunkAt(index);
    return chunk === this.tail ? this.tailUsed : chunk.length;
  }

  private headOffsetOf(index: number): number {
    return index === this.head ? this.headOffset : 0;
  }

  private chunkAt(index: number): Buffer {
    return this.chunks[index] as Buffer;
  }

  private dropHead(): void {
    if (this.chunks[this.head] === this.tail) {
      this.reset();
      return;
    }
    this.head++;
    this.headOffset = 0;
    // Compact in batches so dropping chunks stays O(1) amortised.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.cursorChunk -= this.head;
      this.head = 0;
    }
  }

  private reset(): void {
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.tail = undefined;
    this.tailUsed = 0;
    this.resetCursor();
  }

  private resetCursor(): void {
    this.cursorChunk = this.head;
    this.cursorStart = -this.headOffset;
  }
}
