// What each request carries. With --verify none every request of a size is the same bytes, so its frame
// is encoded once and written again and again; with --verify echo each payload is made for its
// connection and sequence number and kept to check the reply against.

import type { Framing } from "../../framing/framing.js";
import { EchoPayloadCodec } from "./echo-payload.js";
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

export interface EncodedRequest {
  /** The payload to compare the reply with (--verify echo), or undefined. */
  payload: Buffer | undefined;
  /** The wire bytes, in order. */
  frame: readonly Buffer[];
}

export class RequestSource {
  readonly codec: EchoPayloadCodec;
  /** --verify none: the encoded frame of each size, built on first use. */
  private readonly constantFrames = new Map<number, Buffer[]>();

  constructor(
    private readonly config: ResolvedLoadConfig,
    private readonly framing: Framing,
  ) {
    const token = config.framing === "eof" ? config.token : undefined;
    this.codec = new EchoPayloadCodec(token && token.length > 0 ? [token[0] as number] : []);
  }

  sizePicker(connectionId: number): SizePicker {
    return new SizePicker(this.config.sizesBytes, this.config.seed + Math.imul(connectionId, 0x9e3779b9));
  }

  /** Throws a FramingError when a payload cannot be framed (e.g. a --message holding the eof token). */
  request(connectionId: number, seq: number, sizeBytes: number): EncodedRequest {
    if (this.config.verify === "echo") {
      const payload = this.config.message ?? this.codec.create(connectionId, seq, sizeBytes);
      return { payload, frame: this.framing.encode(payload) };
    }
    let frame = this.constantFrames.get(sizeBytes);
    if (frame === undefined) {
      const payload = this.config.message ?? this.codec.create(0, 0, sizeBytes);
      // One buffer per frame: the batch writer then copies a single piece per request.
      frame = [Buffer.concat(this.framing.encode(payload))];
      this.constantFrames.set(sizeBytes, frame);
    }
    return { payload: undefined, frame };
  }
}
