// The request payloads of `--verify echo`: each carries its sequence number, its connection id, its
// size and a check over those, then a pattern, all as printable text from a 64-character alphabet that
// omits the bytes the framing asks payloads to avoid (Framing.payloadAvoidsBytes: eof's token's first byte).
// A payload shorter than the header carries the header's first bytes (sequence digits first), so even a
// one-byte payload changes from one request to the next. Under a payload content other than `text`
// (payload-content.ts) a payload long enough is whitespace, the header, a utf8 or binary body, whitespace.

import {
  bodyKindOf,
  LEAD_BYTES,
  type PayloadBodyKind,
  PayloadBodyWriter,
  type PayloadContent,
  TRAIL_BYTES,
} from "./payload-content.js";

const SEQ_DIGITS = 7;
const CONNECTION_DIGITS = 4;
const SIZE_DIGITS = 5;
const CHECK_DIGITS = 2;
export const ECHO_HEADER_BYTES = SEQ_DIGITS + CONNECTION_DIGITS + SIZE_DIGITS + CHECK_DIGITS;
/** Largest payload whose size fits the header: 64^5 - 1 bytes (1 GiB). */
export const MAX_ECHO_PAYLOAD_BYTES = 64 ** SIZE_DIGITS - 1;
export const MAX_ECHO_CONNECTIONS = 64 ** CONNECTION_DIGITS;
const PATTERN_PERIOD = 61;
/** The shortest payload that gets the whitespace lead and trail around its header. */
export const MIN_DECORATED_PAYLOAD_BYTES = LEAD_BYTES + ECHO_HEADER_BYTES + TRAIL_BYTES;

export interface EchoHeader {
  seq: number;
  connectionId: number;
  sizeBytes: number;
}

const WHITESPACE_BYTES = new Set([0x20, 0x09, 0x0d, 0x0a]);

export class EchoPayloadCodec {
  private readonly alphabet: Uint8Array;
  /** Digit value of each byte, or -1 for a byte outside the alphabet. */
  private readonly digitOf = new Int8Array(256).fill(-1);
  /** The body pattern, long enough to slice any body at any phase. */
  private pattern: Buffer = Buffer.alloc(0);
  private readonly bodyWriter: PayloadBodyWriter;

  /**
   * `excludedBytes`: bytes a payload must never contain (its framing's payloadAvoidsBytes); `content`:
   * what bodies are made of (text by default, as a load's payloads always were).
   */
  constructor(
    excludedBytes: readonly number[] = [],
    readonly content: PayloadContent = "text",
  ) {
    this.bodyWriter = new PayloadBodyWriter(excludedBytes);
    const letters: number[] = [];
    for (let byte = 0x21; byte < 0x7f && letters.length < 64; byte++) {
      if (!excludedBytes.includes(byte)) letters.push(byte);
    }
    this.alphabet = Uint8Array.from(letters);
    letters.forEach((byte, digit) => {
      this.digitOf[byte] = digit;
    });
  }

  /**
   * The payload of exactly `sizeBytes` for request `seq` on `connectionId`, written into `reuse` when given
   * (a verified request's buffer of that size) and otherwise into a fresh buffer.
   */
  create(connectionId: number, seq: number, sizeBytes: number, reuse?: Buffer): Buffer {
    const payload = reuse ?? Buffer.allocUnsafe(sizeBytes);
    const kind = bodyKindOf(this.content, seq);
    if (kind !== "text" && this.bodyWriter.decorates && sizeBytes >= MIN_DECORATED_PAYLOAD_BYTES) {
      const { lead, trail } = this.bodyWriter;
      payload.set(lead, 0);
      this.writeHeader(payload.subarray(lead.length), connectionId, seq, sizeBytes);
      const bodyEnd = sizeBytes - trail.length;
      this.bodyWriter.write(kind, payload, lead.length + ECHO_HEADER_BYTES, bodyEnd, seq);
      payload.set(trail, bodyEnd);
    } else if (sizeBytes >= ECHO_HEADER_BYTES) {
      this.writeHeader(payload, connectionId, seq, sizeBytes);
      this.patternSlice(seq, sizeBytes - ECHO_HEADER_BYTES).copy(payload, ECHO_HEADER_BYTES);
    } else if (sizeBytes > 0) {
      const header = Buffer.allocUnsafe(ECHO_HEADER_BYTES);
      this.writeHeader(header, connectionId, seq, sizeBytes);
      header.copy(payload, 0, 0, sizeBytes);
    }
    return payload;
  }

  /** What request `seq`'s body is made of. */
  bodyKind(seq: number): PayloadBodyKind {
    return bodyKindOf(this.content, seq);
  }

  /**
   * The header near the start of `reply` (after the whitespace lead, which the header's alphabet never
   * holds), or undefined when it is too short or its check fails.
   */
  parseHeader(reply: Buffer): EchoHeader | undefined {
    const at = WHITESPACE_BYTES.has(reply[0] as number) ? LEAD_BYTES : 0;
    if (reply.length < at + ECHO_HEADER_BYTES) return undefined;
    const seq = this.readDigits(reply, at, SEQ_DIGITS);
    const connectionId = this.readDigits(reply, at + SEQ_DIGITS, CONNECTION_DIGITS);
    const sizeBytes = this.readDigits(reply, at + SEQ_DIGITS + CONNECTION_DIGITS, SIZE_DIGITS);
    const check = this.readDigits(reply, at + ECHO_HEADER_BYTES - CHECK_DIGITS, CHECK_DIGITS);
    if (seq < 0 || connectionId < 0 || sizeBytes < 0 || check !== headerCheck(seq, connectionId, sizeBytes)) {
      return undefined;
    }
    return { seq, connectionId, sizeBytes };
  }

  private writeHeader(target: Buffer, connectionId: number, seq: number, sizeBytes: number): void {
    this.writeDigits(target, 0, SEQ_DIGITS, seq);
    this.writeDigits(target, SEQ_DIGITS, CONNECTION_DIGITS, connectionId);
    this.writeDigits(target, SEQ_DIGITS + CONNECTION_DIGITS, SIZE_DIGITS, sizeBytes);
    this.writeDigits(
      target,
      ECHO_HEADER_BYTES - CHECK_DIGITS,
      CHECK_DIGITS,
      headerCheck(seq, connectionId, sizeBytes),
    );
  }

  /** Least significant digit first: a payload cut short keeps the digits that change most. */
  private writeDigits(target: Buffer, offset: number, count: number, value: number): void {
    // Integer arithmetic below 2^31 (every field but a sequence number past two billion): a division of
    // doubles per digit was a twentieth of the driver's time at 64 B.
    let rest = value;
    let index = 0;
    for (; index < count && rest >= 0x80000000; index++) {
      target[offset + index] = this.alphabet[rest % 64] as number;
      rest = Math.floor(rest / 64);
    }
    for (; index < count; index++) {
      target[offset + index] = this.alphabet[rest & 63] as number;
      rest >>>= 6;
    }
  }

  private readDigits(source: Buffer, offset: number, count: number): number {
    let value = 0;
    for (let index = count - 1; index >= 0; index--) {
      const digit = this.digitOf[source[offset + index] as number] as number;
      if (digit < 0) return -1;
      value = value * 64 + digit;
    }
    return value;
  }

  private patternSlice(seq: number, bodyBytes: number): Buffer {
    if (this.pattern.length < bodyBytes + PATTERN_PERIOD) this.growPattern(bodyBytes + PATTERN_PERIOD);
    const phase = seq % PATTERN_PERIOD;
    return this.pattern.subarray(phase, phase + bodyBytes);
  }

  private growPattern(minimumBytes: number): void {
    const pattern = Buffer.allocUnsafe(Math.max(minimumBytes, this.pattern.length * 2));
    // A period (61) prime to the alphabet size (64): a shifted or spliced body rarely lines up again.
    for (let index = 0; index < pattern.length; index++) {
      pattern[index] = this.alphabet[((index % PATTERN_PERIOD) * 37) % 64] as number;
    }
    this.pattern = pattern;
  }
}

/** 12 bits over the header fields: a reply whose header was damaged is not taken for another request's. */
function headerCheck(seq: number, connectionId: number, sizeBytes: number): number {
  let hash = 0x9e37;
  for (const value of [seq % 0x1000000, Math.floor(seq / 0x1000000), connectionId, sizeBytes]) {
    hash = Math.imul(hash ^ value, 0x85ebca6b) >>> 0;
    hash ^= hash >>> 13;
  }
  return (hash >>> 0) % 4096;
}
