// What each request carries. With --verify none every request of a size is the same bytes, so its frame
// is encoded once and written again and again; with --verify echo each payload is made for its
// connection and sequence number and kept to check the reply against.

import type { Framing } from "../../../framing/framing.js";
import { EchoPayloadCodec } from "../verification/echo-payload.js";
import type { ResolvedLoadConfig } from "./load-config.js";

/** A seeded generator (mulberry32): the same seed mixes the sizes in the same order. */
export class SizePicker {
  private state: number;

  constructor(
    private readonly sizesBytes: readonly number[],
    seed: number,
  ) {
    this.state = seed >>> 0;
  }

  next(): number {
    if (this.sizesBytes.length === 1) return this.sizesBytes[0] as number;
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    const unit = ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
    return this.sizesBytes[Math.floor(unit * this.sizesBytes.length)] as number;
  }
}

/** How a payload goes on the wire: a framing's frame, or over HTTP the request body as it is. */
export type PayloadEncoder = Pick<Framing, "encode">;

export class RequestSource {
  readonly codec: EchoPayloadCodec;
  /** --verify none: the encoded frame of each size, built on first use. */
  private readonly constantFrames = new Map<number, Buffer[]>();

  constructor(
    private readonly config: ResolvedLoadConfig,
    private readonly framing: PayloadEncoder,
  ) {
    const token = config.framing === "eof" ? config.token : undefined;
    this.codec = new EchoPayloadCodec(token && token.length > 0 ? [token[0] as number] : []);
  }

  sizePicker(connectionId: number): SizePicker {
    return new SizePicker(this.config.sizesBytes, this.config.seed + Math.imul(connectionId, 0x9e3779b9));
  }

  /**
   * --verify echo: the payload of one request, to write (framed) and to compare the reply with.
   * Throws a FramingError when it cannot be framed (a --message holding the eof token).
   */
  echoPayload(connectionId: number, seq: number, sizeBytes: number): Buffer {
    return this.config.message ?? this.codec.create(connectionId, seq, sizeBytes);
  }

  /** --verify none: the one frame every request of this size carries, encoded once. */
  constantFrame(sizeBytes: number): Buffer[] {
    let frame = this.constantFrames.get(sizeBytes);
    if (frame === undefined) {
      const payload = this.config.message ?? this.codec.create(0, 0, sizeBytes);
      // One buffer per frame: a batch of it is then a view of one repeated buffer.
      frame = [Buffer.concat(this.framing.encode(payload))];
      this.constantFrames.set(sizeBytes, frame);
    }
    return frame;
  }

  /** Checks up front that every request can be framed (throws a FramingError if not). */
  checkFramable(): void {
    for (const size of this.config.sizesBytes) {
      if (this.config.verify === "echo") this.framing.encode(this.echoPayload(0, 0, size));
      else this.constantFrame(size);
    }
  }
}
