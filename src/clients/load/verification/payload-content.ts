// What the body of a generated echo payload is made of. `text` is the printable alphabet the header uses;
// the others carry the bytes that content bugs trip over: whitespace at both ends, CR LF and lone CR and
// LF, multi-byte UTF-8 characters placed across read boundaries, and (binary) every byte value. Pure.

export const PAYLOAD_CONTENTS = ["mixed", "binary", "utf8", "text"] as const;
/** mixed: utf8 and binary bodies by turns; binary: any byte the framing allows; utf8: valid UTF-8 only. */
export type PayloadContent = (typeof PAYLOAD_CONTENTS)[number];
/** What one payload's body is (mixed picks one per request). */
export type PayloadBodyKind = Exclude<PayloadContent, "mixed">;

/** Whitespace a payload starts and ends with: a server that strips or trims its messages shows it. */
const WHITESPACE = [0x20, 0x09, 0x0d, 0x0a];
export const LEAD_BYTES = 2;
export const TRAIL_BYTES = 3;

/**
 * The characters a utf8 body cycles through: 2-, 3- and 4-byte characters, spaces and tabs, CR LF, a
 * lone CR (before ß) and a lone LF (after ж).
 */
const UTF8_PIECES = ["é", " ", "€", "\r\n", "😀", "a", "ж", "\n", "中", "\t", "𝄞", "\r", "ß", "Z", "ä", "  "];
/** A 4-byte character is placed across every multiple of this many payload bytes, where reads end. */
const READ_BOUNDARY_BYTES = 1024;
/**
 * Two 4-byte characters at [B-6, B+2) around each boundary B: a cut at B, B±1 (no header before the
 * payload: eof, fixed, naive) and at B-3..B-5 (a 4-byte length prefix) falls inside one of them.
 */
const BOUNDARY_SPAN_BEFORE = 6;

/** The body a request carries under `content`: mixed alternates utf8 and binary by sequence number. */
export function bodyKindOf(content: PayloadContent, seq: number): PayloadBodyKind {
  if (content !== "mixed") return content;
  return seq % 2 === 0 ? "utf8" : "binary";
}

function isAllowed(bytes: Uint8Array, avoided: ReadonlySet<number>): boolean {
  return bytes.every((byte) => !avoided.has(byte));
}

/** Writes the bodies of utf8 and binary payloads, leaving out the bytes the framing asks payloads to avoid. */
export class PayloadBodyWriter {
  /** The first and last bytes of a decorated payload; empty when the framing avoids every whitespace byte. */
  readonly lead: Uint8Array;
  readonly trail: Uint8Array;
  private readonly avoided: ReadonlySet<number>;
  private readonly pieces: Uint8Array[];
  private readonly wideCharacter: Uint8Array | undefined;
  private readonly filler: number;

  constructor(avoidedBytes: readonly number[]) {
    this.avoided = new Set(avoidedBytes);
    const whitespace = WHITESPACE.filter((byte) => !this.avoided.has(byte));
    this.lead =
      whitespace.length === 0
        ? new Uint8Array(0)
        : Uint8Array.from(
            { length: LEAD_BYTES },
            (_, index) => whitespace[index % whitespace.length] as number,
          );
    this.trail =
      whitespace.length === 0
        ? new Uint8Array(0)
        : Uint8Array.from(
            { length: TRAIL_BYTES },
            (_, index) => whitespace[(index + 2) % whitespace.length] as number,
          );
    const encoder = new TextEncoder();
    this.pieces = UTF8_PIECES.map((piece) => encoder.encode(piece)).filter((piece) =>
      isAllowed(piece, this.avoided),
    );
    this.wideCharacter = this.pieces.find((piece) => piece.length === 4);
    this.filler = [0x78, 0x79, 0x7a, 0x41].find((byte) => !this.avoided.has(byte)) ?? 0x20;
  }

  /** Whether payloads get the whitespace lead and trail (and so the header after the lead). */
  get decorates(): boolean {
    return this.lead.length > 0;
  }

  /**
   * Writes target[start, end) as a body of `kind`; `phase` (the sequence number) shifts the pattern so
   * that consecutive bodies differ.
   */
  write(
    kind: Exclude<PayloadBodyKind, "text">,
    target: Uint8Array,
    start: number,
    end: number,
    phase: number,
  ): void {
    if (kind === "binary") this.writeBinary(target, start, end, phase);
    else this.writeUtf8(target, start, end, phase);
  }

  /** Every byte value in turn (167 is odd: a permutation of 0..255), an avoided byte replaced by the next. */
  private writeBinary(target: Uint8Array, start: number, end: number, phase: number): void {
    for (let index = start; index < end; index++) {
      let byte = ((index + phase) * 167 + 13) & 0xff;
      while (this.avoided.has(byte)) byte = (byte + 1) & 0xff;
      target[index] = byte;
    }
  }

  /** Whole characters only, so the body is valid UTF-8 whatever the phase; a wide one across each boundary. */
  private writeUtf8(target: Uint8Array, start: number, end: number, phase: number): void {
    const wide = this.wideCharacter;
    let nextWideAt = wide === undefined ? Number.POSITIVE_INFINITY : this.nextWideStart(start);
    let pieceIndex = phase % Math.max(1, this.pieces.length);
    let position = start;
    while (position < end) {
      if (wide !== undefined && position === nextWideAt && position + wide.length <= end) {
        target.set(wide, position);
        position += wide.length;
        // The second of the pair starts where the first ends; then on to the next boundary.
        const boundary = Math.ceil((position + 1) / READ_BOUNDARY_BYTES) * READ_BOUNDARY_BYTES;
        nextWideAt = position === boundary - 2 ? position : this.nextWideStart(position);
        continue;
      }
      const piece = this.pieces[pieceIndex] ?? new Uint8Array(0);
      if (piece.length === 0 || position + piece.length > Math.min(end, nextWideAt)) {
        target[position++] = this.filler;
        continue;
      }
      target.set(piece, position);
      position += piece.length;
      pieceIndex = (pieceIndex + 1) % this.pieces.length;
    }
  }

  /** Where the next pair of wide characters starts at or after `position`: 6 bytes before a boundary. */
  private nextWideStart(position: number): number {
    const boundary = Math.ceil((position + BOUNDARY_SPAN_BEFORE) / READ_BOUNDARY_BYTES) * READ_BOUNDARY_BYTES;
    return boundary - BOUNDARY_SPAN_BEFORE;
  }
}

/** What a payload holds, for a verdict: binary (not valid UTF-8), utf8 (beyond ASCII) or text. */
export function describePayloadBytes(bytes: Uint8Array): PayloadBodyKind {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "binary";
  }
  return bytes.some((byte) => byte > 0x7f || byte < 0x20) ? "utf8" : "text";
}
