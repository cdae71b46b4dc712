// Varint framing, protobuf's length-delimited stream (`writeDelimitedTo`): the payload length as an
// unsigned base-128 varint (LEB128: 7 bits a byte, least significant first, the high bit set on every
// byte but the last), then the payload. Binary-safe. Only the shortest encoding of a length is accepted.

import type { FrameCollector } from "./frame-collector.js";
import { FrameDecoder } from "./frame-decoder.js";
import type { FramePool } from "./frame-pool.js";
import type { Framing, FramingSpec } from "./framing.js";
import type { FramingDefinition } from "./framing-definition.js";
import { FramingError } from "./framing-error.js";

/** The bytes the varint of `value` takes. */
function varintBytes(value: number): number {
  let bytes = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
}

/** Writes the varint of `value` at `offset` and returns the offset after it. */
function writeVarint(value: number, target: Buffer, offset: number): number {
  let position = offset;
  let rest = value;
  while (rest >= 0x80) {
    target[position++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  target[position++] = rest;
  return position;
}

export class VarintDecoder extends FrameDecoder {
  private awaitingPayload = false;
  private payloadBytes = 0;
  /** The longest varint a length up to the max frame takes: a longer one is refused before it ends. */
  private readonly maxHeaderBytes: number;

  constructor(
    private readonly maxFrameBytes: number,
    framePool?: FramePool,
  ) {
    super(framePool);
    this.maxHeaderBytes = varintBytes(maxFrameBytes);
  }

  protected override cutsInBulk(): boolean {
    return !this.awaitingPayload;
  }

  /** Cuts every frame that ends inside `source`; a varint to refuse is left to decodeNext. */
  protected override cutFrames(source: Buffer, frames: FrameCollector): number {
    const end = source.length;
    let start = 0;
    frame: while (start < end) {
      let position = start;
      let byte = source[position++] as number;
      let payloadBytes = byte & 0x7f;
      for (let scale = 0x80; byte >= 0x80; scale *= 0x80) {
        if (position >= end || position - start >= this.maxHeaderBytes) break frame;
        byte = source[position++] as number;
        // A last byte of 0 is not the shortest form: decodeNext refuses it.
        if (byte === 0) break frame;
        payloadBytes += (byte & 0x7f) * scale;
      }
      if (payloadBytes > this.maxFrameBytes || position + payloadBytes > end) break;
      frames.add(source, position, position + payloadBytes);
      start = position + payloadBytes;
    }
    return start;
  }

  /** The varint of the frame whose payload is awaited, as it came (the shortest form, the only one taken). */
  protected override readHeader(): Buffer {
    if (!this.awaitingPayload) return super.readHeader();
    const header = Buffer.allocUnsafe(varintBytes(this.payloadBytes));
    writeVarint(this.payloadBytes, header, 0);
    return header;
  }

  protected decodeNext(): Buffer | undefined {
    if (!this.awaitingPayload) {
      const header = this.readQueuedVarint();
      if (header === undefined) return undefined;
      this.queue.skip(header.bytes);
      this.payloadBytes = header.value;
      this.awaitingPayload = true;
    }
    if (this.queue.length < this.payloadBytes) return undefined;
    this.awaitingPayload = false;
    return this.queue.take(this.payloadBytes);
  }

  /**
   * Reads the queued varint (its value and bytes), judged from the header alone: a length above the max
   * frame, a varint longer than that length needs, or one not in its shortest form (a last byte of 0 after
   * others) is refused; undefined when more bytes are needed.
   */
  private readQueuedVarint(): { value: number; bytes: number } | undefined {
    let value = 0;
    let scale = 1;
    for (let offset = 0; offset < this.maxHeaderBytes; offset++) {
      if (offset >= this.queue.length) return undefined;
      const byte = this.queue.byteAt(offset);
      value += (byte & 0x7f) * scale;
      if (value > this.maxFrameBytes) {
        throw new FramingError(
          "frame-too-large",
          `varint length prefix of at least ${value} exceeds max frame ${this.maxFrameBytes}`,
        );
      }
      if (byte < 0x80) {
        if (byte === 0 && offset > 0) {
          throw new FramingError(
            "malformed-frame",
            `varint length prefix of ${offset + 1} bytes ends in a 0 byte: not the shortest form of ${value}`,
          );
        }
        return { value, bytes: offset + 1 };
      }
      scale *= 0x80;
    }
    throw new FramingError(
      "malformed-frame",
      `varint length prefix runs past ${this.maxHeaderBytes} bytes, the most a length up to max frame ${this.maxFrameBytes} takes`,
    );
  }
}

export class VarintFraming implements Framing {
  readonly name = "varint";
  readonly spec: FramingSpec;
  readonly knownBroken = false;
  readonly payloadAvoidsBytes: readonly number[] = [];
  readonly selfDelimiting = true;
  readonly largestPayloadBytes: number;
  readonly largestPayloadWords: string;

  constructor(readonly maxFrameBytes: number) {
    this.spec = { name: "varint", maxFrameBytes };
    this.largestPayloadBytes = maxFrameBytes;
    this.largestPayloadWords = `the max frame of ${maxFrameBytes} bytes (--max-frame)`;
  }

  createDecoder(framePool?: FramePool): VarintDecoder {
    return new VarintDecoder(this.maxFrameBytes, framePool);
  }

  /** Every Buffer's length has a varint (of at most 8 bytes): no payload is refused. */
  encode(payload: Buffer): Buffer[] {
    const header = Buffer.allocUnsafe(varintBytes(payload.length));
    writeVarint(payload.length, header, 0);
    return [header, payload];
  }

  frameBytes(payloadBytes: number): number {
    return varintBytes(payloadBytes) + payloadBytes;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    const payloadStart = writeVarint(payload.length, target, offset);
    return payloadStart + payload.copy(target, payloadStart);
  }

  /** The varint of max frame + 1: refused from the header alone, before any payload. */
  overLimitSample(): Buffer {
    const header = Buffer.allocUnsafe(varintBytes(this.maxFrameBytes + 1));
    writeVarint(this.maxFrameBytes + 1, header, 0);
    return header;
  }
}

export const VARINT_FRAMING: FramingDefinition = {
  name: "varint",
  summary: "the payload length as a protobuf varint (writeDelimitedTo), then the payload",
  // Its cost is its codec's: bench runs it on the concurrent variant alone.
  benchVariants: "concurrent",
  options: [],
  create: (options) => new VarintFraming(options.maxFrameBytes),
  cliWords: () => [],
};
