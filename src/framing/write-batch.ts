// A batch of frames made ready for one write: below JOIN_LIMIT_BYTES copying them into one buffer costs
// less than a socket write per piece (a server's replies to a pipelined read, a driver's requests of one
// tick); above it, the pieces go out as they are, corked, without a copy.

import type { Framing } from "./framing.js";

/** Batches up to this many bytes are copied into one buffer; larger ones are written piece by piece. */
export const JOIN_LIMIT_BYTES = 64 * 1024;

/** The batch as one buffer, or undefined when it is too large to be worth copying. */
export function joinedForWrite(parts: readonly Buffer[], byteCount: number): Buffer | undefined {
  if (parts.length === 1) return parts[0];
  return byteCount <= JOIN_LIMIT_BYTES ? Buffer.concat(parts, byteCount) : undefined;
}

/**
 * The frames of `payloads` for one write: one frame that is its payload as it is (fixed without padding,
 * naive) uncopied; else encoded straight into one buffer when they come to JOIN_LIMIT_BYTES or less (one
 * buffer for the batch, none per frame), else every frame's buffers, in order, uncopied. Throws a
 * FramingError as encode does.
 */
export function encodeForWrite(framing: Framing, payloads: readonly Buffer[]): Buffer | Buffer[] {
  const only = payloads.length === 1 ? (payloads[0] as Buffer) : undefined;
  // A frame no longer than its payload is the payload itself: encode checks it and passes it through.
  if (only !== undefined && framing.frameBytes(only.length) === only.length) {
    const parts = framing.encode(only);
    if (parts.length === 1) return parts[0] as Buffer;
  }
  let byteCount = 0;
  for (let index = 0; index < payloads.length; index++) {
    byteCount += framing.frameBytes((payloads[index] as Buffer).length);
  }
  if (byteCount <= JOIN_LIMIT_BYTES) {
    const joined = Buffer.allocUnsafe(byteCount);
    let offset = 0;
    for (let index = 0; index < payloads.length; index++) {
      offset = framing.encodeInto(payloads[index] as Buffer, joined, offset);
    }
    return joined;
  }
  const parts: Buffer[] = [];
  for (const payload of payloads) for (const part of framing.encode(payload)) parts.push(part);
  return parts;
}
