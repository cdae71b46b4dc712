// Length-prefix framing: a 4-byte unsigned big-endian payload length, then the payload. Binary-safe.

import type { FrameCollector } from "./frame-collector.js";
import { FrameDecoder } from "./frame-decoder.js";
import type { FramePool } from "./frame-pool.js";
import type { Framing, FramingSpec } from "./framing.js";
import type { FramingDefinition } from "./framing-definition.js";
import { FramingError } from "./framing-error.js";

export const LENGTH_HEADER_BYTES = 4;
const MAX_ENCODABLE_BYTES = 0xffffffff;

type LengthPrefixState = "header" | "payload";

export class LengthPrefixDecoder extends FrameDecoder {
  private state: LengthPrefixState = "header";
  private payloadBytes = 0;

  constructor(
    private readonly maxFrameBytes: number,
    framePool?: FramePool,
  ) {
    super(framePool);
  }

  /** A frame whose header was already read is decodeNext's to finish. */
  protected override cutsInBulk(): boolean {
    return this.state === "header";
  }

  /** Cuts every frame that ends inside `source`; decodeNext reports an oversized prefix. */
  protected override cutFrames(source: Buffer, frames: FrameCollector): number {
    let start = 0;
    while (start + LENGTH_HEADER_BYTES <= source.length) {
      const payloadStart = start + LENGTH_HEADER_BYTES;
      const payloadBytes = source.readUInt32BE(start);
      if (payloadBytes > this.maxFrameBytes || payloadStart + payloadBytes > source.length) break;
      frames.add(source, payloadStart, payloadStart + payloadBytes);
      start = payloadStart + payloadBytes;
    }
    return start;
  }

  /** The prefix of the frame whose payload is awaited, as it came. */
  protected override readHeader(): Buffer {
    if (this.state === "header") return super.readHeader();
    const header = Buffer.allocUnsafe(LENGTH_HEADER_BYTES);
    header.writeUInt32BE(this.payloadBytes);
    return header;
  }

  protected decodeNext(): Buffer | undefined {
    if (this.state === "header") {
      if (this.queue.length < LENGTH_HEADER_BYTES) return undefined;
      const payloadBytes = this.queue.readUInt32BE(0);
      // Judged from the header alone, before any payload byte is buffered for it.
      if (payloadBytes > this.maxFrameBytes) {
        throw new FramingError(
          "frame-too-large",
          `length prefix ${payloadBytes} exceeds max frame ${this.maxFrameBytes}`,
        );
      }
      this.queue.skip(LENGTH_HEADER_BYTES);
      this.payloadBytes = payloadBytes;
      this.state = "payload";
    }
    if (this.queue.length < this.payloadBytes) return undefined;
    this.state = "header";
    return this.queue.take(this.payloadBytes);
  }
}

function checkEncodable(payload: Buffer): void {
  if (payload.length > MAX_ENCODABLE_BYTES) {
    throw new FramingError(
      "payload-too-large",
      `payload of ${payload.length} bytes exceeds the 4-byte length prefix (${MAX_ENCODABLE_BYTES})`,
    );
  }
}

export class LengthPrefixFraming implements Framing {
  readonly name = "length";
  readonly spec: FramingSpec;
  readonly knownBroken = false;
  readonly payloadAvoidsBytes: readonly number[] = [];
  readonly selfDelimiting = true;
  readonly largestPayloadBytes: number;
  readonly largestPayloadWords: string;

  constructor(readonly maxFrameBytes: number) {
    this.spec = { name: "length", maxFrameBytes };
    this.largestPayloadBytes = Math.min(maxFrameBytes, MAX_ENCODABLE_BYTES);
    this.largestPayloadWords =
      maxFrameBytes < MAX_ENCODABLE_BYTES
        ? `the max frame of ${maxFrameBytes} bytes (--max-frame)`
        : `the 4-byte length prefix (${MAX_ENCODABLE_BYTES} bytes)`;
  }

  createDecoder(framePool?: FramePool): LengthPrefixDecoder {
    return new LengthPrefixDecoder(this.maxFrameBytes, framePool);
  }

  encode(payload: Buffer): Buffer[] {
    checkEncodable(payload);
    const header = Buffer.allocUnsafe(LENGTH_HEADER_BYTES);
    header.writeUInt32BE(payload.length, 0);
    return [header, payload];
  }

  frameBytes(payloadBytes: number): number {
    return LENGTH_HEADER_BYTES + payloadBytes;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    checkEncodable(payload);
    target.writeUInt32BE(payload.length, offset);
    return offset + LENGTH_HEADER_BYTES + payload.copy(target, offset + LENGTH_HEADER_BYTES);
  }

  /** A header claiming 4 GiB - 1 bytes: refused from the header alone, before any payload. */
  overLimitSample(): Buffer | undefined {
    if (this.maxFrameBytes >= MAX_ENCODABLE_BYTES) return undefined;
    return Buffer.from([0xff, 0xff, 0xff, 0xff]);
  }
}

export const LENGTH_FRAMING: FramingDefinition = {
  name: "length",
  summary: "a 4-byte big-endian payload length, then the payload",
  options: [],
  create: (options) => new LengthPrefixFraming(options.maxFrameBytes),
  cliWords: () => [],
};
