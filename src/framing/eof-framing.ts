// End-of-message token framing (the lab's exercise 5): payload, then a token such as `<EOF>`.

import type { FrameCollector } from "./frame-collector.js";
import { FrameDecoder } from "./frame-decoder.js";
import type { FramePool } from "./frame-pool.js";
import type { Framing, FramingSpec } from "./framing.js";
import type { FramingDefinition } from "./framing-definition.js";
import { FramingError } from "./framing-error.js";
import { DEFAULT_TOKEN, formatToken, parseToken, TOKEN_OPTION } from "./token.js";

/** Whether `token` starts at byte `position` of `source`, its first byte already matched. */
function tokenRestAt(source: Buffer, position: number, token: Buffer): boolean {
  for (let index = 1; index < token.length; index++) {
    if (source[position + index] !== token[index]) return false;
  }
  return true;
}

export class EofDecoder extends FrameDecoder {
  /** Bytes of the backlog already searched without finding the token; the next search starts there. */
  private searchedBytes = 0;

  constructor(
    private readonly token: Buffer,
    private readonly maxFrameBytes: number,
    framePool?: FramePool,
  ) {
    super(framePool);
  }

  /** A search already under way over queued bytes is decodeNext's to resume. */
  protected override cutsInBulk(): boolean {
    return this.searchedBytes === 0;
  }

  /** Cuts every frame that ends inside `source`; an over-long one is left to decodeNext. */
  protected override cutFrames(source: Buffer, frames: FrameCollector): number {
    const token = this.token;
    const tokenBytes = token.length;
    const firstByte = token[0] as number;
    let start = 0;
    for (;;) {
      // Node runs a search for one byte as memchr, several times cheaper per call than a search for a
      // Buffer: the token's first byte is searched and the rest compared. After a false candidate the
      // Buffer search takes over, so an input full of near-tokens stays linear.
      let end = source.indexOf(firstByte, start);
      if (end !== -1 && tokenBytes > 1 && !tokenRestAt(source, end, token))
        end = source.indexOf(token, end + 1);
      if (end === -1) break;
      if (end - start > this.maxFrameBytes) return start;
      frames.add(source, start, end);
      start = end + tokenBytes;
    }
    // The remainder holds no token that ends inside it: decodeNext's search resumes past it, less the
    // last token-length-1 bytes, where a token may begin and straddle into the next chunk.
    this.searchedBytes = Math.max(0, source.length - start - tokenBytes + 1);
    return start;
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
  readonly spec: FramingSpec;
  readonly knownBroken = false;
  readonly payloadAvoidsBytes: readonly number[];
  readonly selfDelimiting = true;
  readonly largestPayloadBytes: number;
  readonly largestPayloadWords: string;
  /**
   * bordered[m]: whether the token's last `length - m` bytes equal its first ones, so that a token could
   * start m bytes before a payload's end and run on into the token written after it.
   */
  private readonly bordered: boolean[];

  constructor(
    readonly token: Buffer,
    readonly maxFrameBytes: number,
  ) {
    if (token.length === 0) throw new FramingError("invalid-option", "the eof token must not be empty");
    this.spec = { name: "eof", tokenHex: token.toString("hex"), maxFrameBytes };
    this.payloadAvoidsBytes = [token[0] as number];
    this.largestPayloadBytes = maxFrameBytes;
    this.largestPayloadWords = `the max frame of ${maxFrameBytes} bytes (--max-frame)`;
    this.bordered = Array.from(
      { length: token.length },
      (_, overlap) =>
        overlap > 0 && token.compare(token, 0, token.length - overlap, overlap, token.length) === 0,
    );
  }

  createDecoder(framePool?: FramePool): EofDecoder {
    return new EofDecoder(this.token, this.maxFrameBytes, framePool);
  }

  encode(payload: Buffer): Buffer[] {
    this.checkEncodable(payload);
    return [payload, this.token];
  }

  frameBytes(payloadBytes: number): number {
    return payloadBytes + this.token.length;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    this.checkEncodable(payload);
    const tokenOffset = offset + payload.copy(target, offset);
    return tokenOffset + this.token.copy(target, tokenOffset);
  }

  /** A payload one byte past the max frame, with no token: the server must give up waiting for one. */
  overLimitSample(): Buffer {
    return Buffer.alloc(this.maxFrameBytes + 1, this.token[0] === 0x61 ? 0x62 : 0x61);
  }

  private checkEncodable(payload: Buffer): void {
    const position = this.firstTokenBeforeEnd(payload);
    if (position !== -1) {
      throw new FramingError(
        "token-in-payload",
        `payload contains the end token ${JSON.stringify(this.token.toString("latin1"))} at byte ${position}; eof framing cannot carry it (use length framing for binary data)`,
      );
    }
  }

  /**
   * Where a token would be found in payload+token before the payload's end, or -1. Besides a token inside
   * the payload, this catches a payload ending in a token prefix that overlaps it (token `aa`, payload `a`).
   */
  private firstTokenBeforeEnd(payload: Buffer): number {
    const inside = payload.indexOf(this.token);
    if (inside !== -1) return inside;
    // A token starting m bytes before the payload's end (m shorter than the token): the payload ends with
    // the token's first m bytes, and the token's own last bytes repeat its first (a border of the token).
    const token = this.token;
    const longest = Math.min(payload.length, token.length - 1);
    for (let overlap = longest; overlap >= 1; overlap--) {
      if (!this.bordered[overlap]) continue;
      const start = payload.length - overlap;
      if (payload.compare(token, 0, overlap, start, payload.length) === 0) return start;
    }
    return -1;
  }
}

/** The token as bytes: a string is its UTF-8 bytes (a library caller writes `"\n"`), absent the default. */
function tokenBytes(token: unknown): Buffer {
  if (token === undefined) return parseToken(DEFAULT_TOKEN);
  if (typeof token === "string") return Buffer.from(token, "utf8");
  if (token instanceof Uint8Array) return Buffer.from(token.buffer, token.byteOffset, token.byteLength);
  throw new FramingError(
    "invalid-option",
    `token must be a string or bytes (a Buffer), such as "\\n" or "<EOF>", got ${typeof token}`,
  );
}

const DEFAULT_TOKEN_HEX = parseToken(DEFAULT_TOKEN).toString("hex");

export const EOF_FRAMING: FramingDefinition = {
  name: "eof",
  summary: "payload, then an end token",
  options: [TOKEN_OPTION],
  create: (options) => new EofFraming(tokenBytes(options.token), options.maxFrameBytes),
  optionsOfSpec: ({ tokenHex, maxFrameBytes }) => ({
    ...(tokenHex !== undefined ? { token: Buffer.from(tokenHex, "hex") } : {}),
    ...(maxFrameBytes !== undefined ? { maxFrameBytes } : {}),
  }),
  cliWords: (spec) =>
    spec.tokenHex === undefined || spec.tokenHex === DEFAULT_TOKEN_HEX
      ? []
      : ["--token", formatToken(Buffer.from(spec.tokenHex, "hex"))],
};
