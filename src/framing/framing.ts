// What every framing strategy offers: a decoder per connection, a stateless encoder, and the rules the
// suites ask it instead of naming it (what payloads fit, what a server must refuse).

import type { FrameDecoder } from "./frame-decoder.js";
import type { FramePool } from "./frame-pool.js";

/** A registered framing's name (src/framing/registry.ts): eof, length, fixed, naive, varint, line, or one added. */
export type FramingName = string;

/**
 * A framing as plain JSON-safe data (name and options): the registry's framingFromSpec rebuilds it in
 * another thread or process. A framing added later keeps its own options here under their own keys.
 */
export interface FramingSpec {
  readonly name: FramingName;
  /** eof: the end token's bytes, in hex. */
  readonly tokenHex?: string;
  readonly recordSize?: number;
  readonly maxFrameBytes?: number;
  readonly [option: string]: string | number | boolean | undefined;
}

export interface Framing {
  readonly name: FramingName;
  /** What rebuilds this framing where the object cannot go (another process or thread). */
  readonly spec: FramingSpec;
  /** Loses message boundaries by design (naive): its errors are expected, never a finding. */
  readonly knownBroken: boolean;
  /**
   * Bytes that generated payloads leave out, so that the framing can carry any payload made of the
   * others (eof: the token's first byte, so no token can start inside one; fixed: NUL, its padding).
   */
  readonly payloadAvoidsBytes: readonly number[];
  /**
   * Whether messages are found from the bytes alone, however the stream is cut into reads (eof, length,
   * fixed); naive takes each read as a message, so equal byte streams need not carry equal messages.
   */
  readonly selfDelimiting: boolean;
  /** The largest payload it carries (fixed: its record; eof, length: the max frame; naive: no limit). */
  readonly largestPayloadBytes: number;
  /** That limit in words, with the option that sets it: "a fixed record of 1024 bytes (--record-size)". */
  readonly largestPayloadWords: string;
  /**
   * A fresh decoder for one byte stream (one connection direction); with a pool, frames it copies
   * together from several reads are allocated from it (and the caller releases them to it).
   */
  createDecoder(framePool?: FramePool): FrameDecoder;
  /**
   * The buffers that carry one message, to be written in order (corked). Payloads are passed through
   * uncopied. Throws a FramingError when the payload cannot be carried by this framing.
   */
  encode(payload: Buffer): Buffer[];
  /** The bytes encode(payload) puts on the wire for a payload of `payloadBytes` (not checked). */
  frameBytes(payloadBytes: number): number;
  /**
   * Writes the frame encode(payload) would return, joined, into `target` at `offset` (which has room for
   * frameBytes(payload.length) bytes) and returns the offset after it: a batch of small frames is then
   * one buffer, with no buffer made per frame. Throws as encode does.
   */
  encodeInto(payload: Buffer, target: Buffer, offset: number): number;
  /**
   * Bytes a server with this framing must refuse because they claim or hold more than its largest frame
   * (length: a header claiming more; eof: a payload past the max frame with no token), or undefined when
   * no bytes can (fixed, naive). `stress` sends it.
   */
  overLimitSample(): Buffer | undefined;
}

export interface FramingOptions {
  /** eof: the end-of-message token, as bytes or as a string (its UTF-8 bytes: `"\n"`). Default `<EOF>`. */
  token?: Buffer | string;
  /** fixed: bytes per record. Default DEFAULT_RECORD_SIZE. */
  recordSize?: number;
  /** Largest payload a decoder accepts before it fails the stream. Default 16 MiB. */
  maxFrameBytes?: number;
  /** A framing added later reads its own options under their own keys. */
  readonly [option: string]: unknown;
}

/**
 * A framing as a caller asks for it: a registered name (`"eof"`), or a name with its options
 * (`{ name: "eof", token: "\n" }`); the registry's createFraming builds it.
 */
export type FramingChoice = FramingName | ({ name: FramingName } & FramingOptions);
