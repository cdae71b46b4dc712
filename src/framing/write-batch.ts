// The pieces of a batch of encoded frames, made ready for one write: below JOIN_LIMIT_BYTES copying them
// into one buffer costs less than a socket write per piece (a server's replies to a pipelined read, a
// driver's requests of one tick); above it, the pieces go out as they are, corked, without a copy.

/** Batches up to this many bytes are copied into one buffer; larger ones are written piece by piece. */
export const JOIN_LIMIT_BYTES = 64 * 1024;

/** The batch as one buffer, or undefined when it is too large to be worth copying. */
export function joinedForWrite(parts: readonly Buffer[], byteCount: number): Buffer | undefined {
  if (parts.length === 1) return parts[0];
  return byteCount <= JOIN_LIMIT_BYTES ? Buffer.concat(parts, byteCount) : undefined;
}
