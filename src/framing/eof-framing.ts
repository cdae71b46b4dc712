// End-of-message token framing (the lab's exercise 5): payload, then a token such as `<EOF>`.

import { bufferView } from "./buffer-view.js";
import { FrameDecoder } from "./frame-decoder.js";
import type { Framing } from "./framing.js";
import { FramingError } from "./framing-error.js";

export class EofDecoder extends FrameDecoder {
  /** Bytes of the backlog already searched without finding the token; the next search starts there. */
  private searchedBytes = 0;

  constructor(
    private readonly token: Buffer,
    private readonly maxFrameBytes: number,
  ) {
    super();
  }

  protected override decodeAvailable(messages: Buffer[]): void {
    for (;;) {
      // Small frames with a one-byte token are cut from the head chunk in one loop; the general search
      // takes over for a frame that straddles chunks, and for any search already under way.
      if (this.searchedBytes === 0 && this.token.length === 1) this.cutFramesInHead(messages);
      const message = this.decodeNext();
      if (message === undefined) return;
      messages.push(message);
    }
  }

  /** Cuts every frame that ends inside the head chunk, each a view; an over-long one is left to decodeNext. */
  private cutFramesInHead(messages: Buffer[]): void {
    const head = this.queue.viewableHead();
    if (head === undefined) return;
    const tokenByte = this.token[0] as number;
    let start = 0;
    for (let end = head.indexOf(tokenByte, start); end !== -1; end = head.indexOf(tokenByte, start)) {
      if (end - start > this.maxFrameBytes) break;
      messages.push(bufferView(head, start, end));
      start = end + 1;
    }
    if (start > 0) this.queue.skip(start);
  }

  protected decodeNext(): Buffer | undefined {
    const position = this.queue.indexOf(this.token, this.searchedBytes);
    if (position === -1) {
      // Keep the last token-length-1 bytes for the next search: a token may straddle the chunks.
      this.searchedBytes = Math.max(0, this.queue.length - this.token.length + 1);
      if (this.searchedBytes > this.maxFrameBytes) {
        throw new FramingError(
          "frame-too-large",
          `no end token within max frame ${this.maxFrameBytes} (${this.queue.length} bytes buffered)`,
        );
      }
      return undefined;
    }
    if (position > this.maxFrameBytes) {
      throw new FramingError(
        "frame-too-large",
        `frame of ${position} bytes exceeds max frame ${this.maxFrameBytes}`,
      );
    }
    this.searchedBytes = 0;
    const payload = this.queue.take(position);
    this.queue.skip(this.token.length);
    return payload;
  }
}

export class EofFraming implements Framing {
  readonly name = "eof";

  constructor(
    readonly token: Buffer,
    readonly maxFrameBytes: number,
  ) {
    if (token.length === 0) throw new FramingError("invalid-option", "the eof token must not be empty");
  }

  createDecoder(): EofDecoder {
    return new EofDecoder(this.token, this.maxFrameBytes);
  }

  encode(payload: Buffer): Buffer[] {
    const position = this.firstTokenBeforeEnd(payload);
    if (position !== -1) {
      throw new FramingError(
        "token-in-payload",
        `payload contains the end token ${JSON.stringify(this.token.toString("latin1"))} at byte ${position}; eof framing cannot carry it (use length framing for binary data)`,
      );
    }
    return [payload, this.token];
  }

  /**
   * Where a token would be found in payload+token before the payload's end, or -1. Besides a token inside
   * the payload, this catches a payload ending in a token prefix that overlaps it (token `aa`, payload `a`).
   */
  private firstTokenBeforeEnd(payload: Buffer): number {
    const inside = payload.indexOf(this.token);
    if (inside !== -1 || this.token.length === 1) return inside;
    const tailBytes = Math.min(payload.length, this.token.length - 1);
    const joined = Buffer.concat([payload.subarray(payload.length - tailBytes), this.token]);
    const straddle = joined.indexOf(this.token);
    return straddle < tailBytes ? payload.length - tailBytes + straddle : -1;
  }
}
