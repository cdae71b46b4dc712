// The lab's starting point, kept as the known-broken baseline: every read of up to 1024 bytes
// (`conn.recv(1024)`) is taken as one message, so TCP's slicing and coalescing break its boundaries.

import { FrameDecoder } from "./frame-decoder.js";
import type { FramePool } from "./frame-pool.js";
import type { Framing, FramingSpec } from "./framing.js";
import type { FramingDefinition } from "./framing-definition.js";

export const NAIVE_READ_BYTES = 1024;

export class NaiveDecoder extends FrameDecoder {
  /** Each push is one read: it is cut into recv(1024)-sized messages and nothing carries over. */
  protected decodeNext(): Buffer | undefined {
    if (this.queue.length === 0) return undefined;
    return this.queue.take(Math.min(NAIVE_READ_BYTES, this.queue.length));
  }
}

export class NaiveFraming implements Framing {
  readonly name = "naive";
  readonly spec: FramingSpec = { name: "naive" };
  /** Each read is a message: boundaries hold only when reads happen to match them. */
  readonly knownBroken = true;
  readonly payloadAvoidsBytes: readonly number[] = [];
  // One read is one message: where messages end depends on how the bytes were read.
  readonly selfDelimiting = false;
  readonly largestPayloadBytes = Number.POSITIVE_INFINITY;
  readonly largestPayloadWords = "no limit";

  createDecoder(framePool?: FramePool): NaiveDecoder {
    return new NaiveDecoder(framePool);
  }

  encode(payload: Buffer): Buffer[] {
    return [payload];
  }

  frameBytes(payloadBytes: number): number {
    return payloadBytes;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    return offset + payload.copy(target, offset);
  }

  /** Every read is a message of its own: no bytes claim more than a server takes. */
  overLimitSample(): undefined {
    return undefined;
  }
}

export const NAIVE_FRAMING: FramingDefinition = {
  name: "naive",
  summary: "each read is a message (known broken)",
  options: [],
  create: () => new NaiveFraming(),
  cliWords: () => [],
};
