// The shared base of every decoder, after netty's ByteToMessageDecoder: it owns the buffering and the
// failure state, and a strategy says how to cut the next frame from the queue and, optionally, how to
// cut whole frames in bulk from contiguous bytes.

import { bufferView } from "./buffer-view.js";
import { ChunkQueue } from "./chunk-queue.js";
import { FrameCollector } from "./frame-collector.js";
import type { FramePool } from "./frame-pool.js";
import type { FramingError } from "./framing-error.js";

export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

export abstract class FrameDecoder {
  protected readonly queue: ChunkQueue;
  private failure: FramingError | undefined;

  /** `framePool`: where frames copied together from several reads are allocated (else fresh buffers). */
  constructor(framePool?: FramePool) {
    this.queue = new ChunkQueue(framePool);
  }

  /** Bytes received but not yet returned as a message. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  /** Bytes received of frames not yet returned, a header already read included. */
  get partialFrameBytes(): number {
    return this.readHeader().length + this.queue.length;
  }

  /**
   * A copy of the first `maxBytes` of them, as they came: what a peer sent of a frame it never finished
   * (a u16 prefix read as a u32 one, an eof reply without its token), to show when the wait times out.
   */
  partialFrame(maxBytes: number): Buffer {
    const header = this.readHeader();
    const body = this.queue.copyFront(Math.max(0, maxBytes - header.length));
    return Buffer.concat([header, body]).subarray(0, maxBytes);
  }

  /** The header of the frame being received, when it was read and taken off the queue already. */
  protected readHeader(): Buffer {
    return EMPTY;
  }

  /**
   * Feeds one received chunk of any size and returns the messages it completed, in order.
   * Throws a FramingError when the peer breaks the framing; the decoder then stays failed.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failure) throw this.failure;
    const frames = new FrameCollector();
    try {
      if (this.queue.length === 0 && this.cutsInBulk()) {
        // Nothing buffered: cut straight from the chunk and queue only its incomplete remainder (a small
        // remainder is copied into the queue's shared tail, which bounds a flood of tiny chunks).
        const cutBytes = this.cutFrames(chunk, frames);
        this.queue.push(cutBytes === 0 ? chunk : bufferView(chunk, cutBytes, chunk.length));
      } else {
        this.queue.push(chunk);
      }
      this.decodeAvailable(frames);
    } catch (error) {
      this.failure = error as FramingError;
      this.queue.skip(this.queue.length);
      throw error;
    }
    return frames.frames;
  }

  /**
   * Whether cutFrames may run now: a strategy with a bulk path says yes between frames, and no while
   * decodeNext is part-way through one. The default never cuts in bulk: every frame goes through decodeNext.
   */
  protected cutsInBulk(): boolean {
    return false;
  }

  /**
   * Cuts the whole frames at the start of `source` into `frames` and returns the bytes they took; it stops
   * before a frame it cannot finish within `source`, and leaves a frame that breaks a limit to
   * decodeNext, which reports it. Called only when cutsInBulk() says yes.
   */
  protected cutFrames(_source: Buffer, _frames: FrameCollector): number {
    return 0;
  }

  /** Cuts the next whole frame from the queue, or returns undefined when more bytes are needed. */
  protected abstract decodeNext(): Buffer | undefined;

  private decodeAvailable(frames: FrameCollector): void {
    while (this.queue.length > 0) {
      // Whole frames inside the head chunk are cut in bulk; decodeNext takes a frame that straddles chunks.
      const head = this.cutsInBulk() ? this.queue.viewableHead() : undefined;
      if (head !== undefined) {
        const cutBytes = this.cutFrames(head, frames);
        if (cutBytes > 0) this.queue.skip(cutBytes);
      }
      const message = this.decodeNext();
      if (message === undefined) return;
      frames.add(message, 0, message.length);
    }
  }
}
