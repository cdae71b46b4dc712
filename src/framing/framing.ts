// What every framing strategy offers: a decoder per connection and a stateless encoder.

import type { FrameDecoder } from "./frame-decoder.js";

export const FRAMING_NAMES = ["eof", "length", "fixed", "naive"] as const;
export type FramingName = (typeof FRAMING_NAMES)[number];

export interface Framing {
  readonly name: FramingName;
  /**
   * Whether messages are found from the bytes alone, however the stream is cut into reads (eof, length,
   * fixed); naive takes each read as a message, so equal byte streams need not carry equal messages.
   */
  readonly selfDelimiting: boolean;
  /** A fresh decoder for one byte stream (one connection direction). */
  createDecoder(): FrameDecoder;
  /**
   * The buffers that carry one message, to be written in order (corked). Payloads are passed through
   * uncopied. Throws a FramingError when the payload cannot be carried by this framing.
   */
  encode(payload: Buffer): Buffer[];
}

export interface FramingOptions {
  /** eof: the end-of-message token. Default `<EOF>`. */
  token?: Buffer;
  /** fixed: bytes per record. Default 1024. */
  recordSize?: number;
  /** Largest payload a decoder accepts before it fails the stream. Default 16 MiB. */
  maxFrameBytes?: number;
}
