// A short, readable view of bytes for a verdict: where an expected and a received reply first differ,
// and a few bytes from there as hex and as text (non-printable bytes as `.`). Pure.

export interface ByteExcerpt {
  /** Length of the whole buffer. */
  length: number;
  /** Where the excerpt starts. */
  offset: number;
  /** The excerpt's bytes as hex pairs separated by spaces. */
  hex: string;
  /** The excerpt as text: printable ASCII as it is, every other byte as `.`. */
  text: string;
}

/** Bytes shown in an excerpt. */
export const EXCERPT_BYTES = 24;
/** Bytes shown before the first difference, for context. */
const CONTEXT_BYTES = 8;

/** Offset of the first byte where `a` and `b` differ (the shorter length when one is a prefix of the other). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const shorter = Math.min(a.length, b.length);
  for (let index = 0; index < shorter; index++) if (a[index] !== b[index]) return index;
  return shorter;
}

export function excerpt(bytes: Uint8Array, offset: number, count = EXCERPT_BYTES): ByteExcerpt {
  const start = Math.max(0, Math.min(offset, bytes.length));
  const view = bytes.subarray(start, start + count);
  return {
    length: bytes.length,
    offset: start,
    hex: Array.from(view, (byte) => byte.toString(16).padStart(2, "0")).join(" "),
    text: Array.from(view, (byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".")).join(
      "",
    ),
  };
}

/** Excerpts of both, from a little before their first difference. */
export function excerptPair(
  expected: Uint8Array,
  received: Uint8Array,
): { expected: ByteExcerpt; received: ByteExcerpt; differsAt: number } {
  const differsAt = firstDifference(expected, received);
  const start = Math.max(0, differsAt - CONTEXT_BYTES);
  return { expected: excerpt(expected, start), received: excerpt(received, start), differsAt };
}
