// What each request carries. With --verify none every request of a size is the same bytes, so its frame
// is encoded once and written again and again; otherwise each payload is made for its connection and
// sequence number (by the expectation, or as an echo payload), and what its reply must be is kept.

import { checksReplies, type Expectation } from "../../../apps/expectation.js";
import type { Framing } from "../../../framing/framing.js";
import { SeededRandom } from "../../../seeded-random.js";
import { EchoPayloadCodec } from "../verification/echo-payload.js";
import type { ResolvedLoadConfig } from "./load-config.js";

/** Picks each request's size from a seeded generator: the same seed mixes the sizes in the same order. */
export class SizePicker {
  private readonly random: SeededRandom;

  constructor(
    private readonly sizesBytes: readonly number[],
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
  }

  next(): number {
    if (this.sizesBytes.length === 1) return this.sizesBytes[0] as number;
    return this.sizesBytes[Math.floor(this.random.nextFloat() * this.sizesBytes.length)] as number;
  }
}

/** How a payload goes on the wire (a framing's frame, or over HTTP and UDP the payload as it is) and the bytes payloads avoid. */
export type PayloadEncoder = Pick<Framing, "encode" | "payloadAvoidsBytes">;

/** The payload as it is, any byte allowed: an HTTP request body, a UDP datagram. */
export const UNFRAMED: PayloadEncoder = { encode: (payload: Buffer) => [payload], payloadAvoidsBytes: [] };

export class RequestSource {
  readonly codec: EchoPayloadCodec;
  /** Whether replies are checked: then every request gets its own payload, kept until its reply. */
  readonly checksReplies: boolean;
  /** --verify none: the encoded frame of each size, built on first use. */
  private readonly constantFrames = new Map<number, Buffer[]>();

  constructor(
    private readonly config: ResolvedLoadConfig,
    private readonly framing: PayloadEncoder,
    private readonly expectation: Expectation,
  ) {
    this.checksReplies = checksReplies(expectation);
    this.codec = new EchoPayloadCodec(framing.payloadAvoidsBytes, config.payload);
  }

  sizePicker(connectionId: number): SizePicker {
    return new SizePicker(this.config.sizesBytes, this.config.seed + Math.imul(connectionId, 0x9e3779b9));
  }

  /** Whether payloads are echo payloads made here: their buffers may then be reused (see requestPayload). */
  get makesEchoPayloads(): boolean {
    return this.config.message === undefined && this.expectation.request === undefined;
  }

  /**
   * The payload of one request: --message, or the expectation's request, or an echo payload (written into
   * `reuse` when given: a buffer of that size whose request was verified and that nothing refers to).
   */
  requestPayload(connectionId: number, seq: number, sizeBytes: number, reuse?: Buffer): Buffer {
    return (
      this.config.message ??
      this.expectation.request?.(seq, sizeBytes, connectionId) ??
      this.codec.create(connectionId, seq, sizeBytes, reuse)
    );
  }

  /** What the verifier keeps for a request: the reply expected, or the request itself when a judge decides. */
  replyCheckOf(payload: Buffer, seq: number): Buffer {
    return this.expectation.expectedReply?.(payload, seq) ?? payload;
  }

  /** --verify none: the one frame every request of this size carries, encoded once. */
  constantFrame(sizeBytes: number): Buffer[] {
    let frame = this.constantFrames.get(sizeBytes);
    if (frame === undefined) {
      const payload = this.requestPayload(0, 0, sizeBytes);
      // One buffer per frame: a batch of it is then a view of one repeated buffer.
      frame = [Buffer.concat(this.framing.encode(payload))];
      this.constantFrames.set(sizeBytes, frame);
    }
    return frame;
  }

  /**
   * Checks up front that every request can be framed and its reply worked out: throws a FramingError (a
   * payload holding the eof token), or whatever an expect module's request or reply throws.
   */
  checkFramable(): void {
    for (const size of this.config.sizesBytes) {
      if (!this.checksReplies) {
        this.constantFrame(size);
        continue;
      }
      const payload = this.requestPayload(0, 0, size);
      this.framing.encode(payload);
      this.replyCheckOf(payload, 0);
    }
  }
}
