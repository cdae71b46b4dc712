// The shared base of every decoder, after netty's ByteToMessageDecoder: it owns the buffering and the
// failure state, and a strategy only says how to cut the next frame from the queue.

import { ChunkQueue } from "./chunk-queue.js";
import type { FramingError } from "./framing-error.js";

export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export abstract class FrameDecoder {
  protected readonly queue = new ChunkQueue();
  private failure: FramingError | undefined;

  /** Bytes received but not yet returned as a message. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  /**
   * Feeds one received chunk of any size and returns the messages it completed, in order.
   * Throws a FramingError when the peer breaks the framing; the decoder then stays failed.
   */
  push(chunk: Buffer): Buffer[] {
    if (this.failure) throw this.failure;
    this.queue.push(chunk);
    const messages: Buffer[] = [];
    try {
      this.decodeAvailable(messages);
    } catch (error) {
      this.failure = error as FramingError;
      this.queue.skip(this.queue.length);
      throw error;
    }
    return messages;
  }

  /** Cuts every whole frame the queue holds into `messages`; a strategy may override it to cut them in bulk. */
  protected decodeAvailable(messages: Buffer[]): void {
    for (let message = this.decodeNext(); message !== undefined; message = this.decodeNext()) {
      messages.push(message);
    }
  }

  /** Cuts the next whole frame from the queue, or returns undefined when more bytes are needed. */
  protected abstract decodeNext(): Buffer | undefined;
}
