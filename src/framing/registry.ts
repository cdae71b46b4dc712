// Builds a framing by name (or from its spec), with the defaults of DESIGN.md and its limits validated
// up front. Adding a framing: its file, and one case here.

import { EofFraming } from "./eof-framing.js";
import { DEFAULT_RECORD_SIZE, FixedRecordFraming } from "./fixed-record-framing.js";
import { DEFAULT_MAX_FRAME_BYTES } from "./frame-decoder.js";
import { FRAMING_NAMES, type Framing, type FramingOptions, type FramingSpec } from "./framing.js";
import { FramingError } from "./framing-error.js";
import { LengthPrefixFraming } from "./length-prefix-framing.js";
import { NaiveFraming } from "./naive-framing.js";
import { DEFAULT_TOKEN, parseToken } from "./token.js";

export function createFraming(name: string, options: FramingOptions = {}): Framing {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1) {
    throw new FramingError(
      "invalid-option",
      `max frame must be a whole number of bytes >= 1, got ${maxFrameBytes}`,
    );
  }
  switch (name) {
    case "eof":
      return new EofFraming(tokenBytes(options.token), maxFrameBytes);
    case "length":
      return new LengthPrefixFraming(maxFrameBytes);
    case "fixed":
      return new FixedRecordFraming(options.recordSize ?? DEFAULT_RECORD_SIZE);
    case "naive":
      return new NaiveFraming();
    default:
      throw new FramingError(
        "invalid-option",
        `unknown framing ${JSON.stringify(name)}: choose one of ${FRAMING_NAMES.join(", ")}`,
      );
  }
}

/** The eof token as bytes: a string is its UTF-8 bytes (a library caller writes `"\n"`), absent the default. */
function tokenBytes(token: unknown): Buffer {
  if (token === undefined) return parseToken(DEFAULT_TOKEN);
  if (typeof token === "string") return Buffer.from(token, "utf8");
  if (token instanceof Uint8Array) return Buffer.from(token.buffer, token.byteOffset, token.byteLength);
  throw new FramingError(
    "invalid-option",
    `token must be a string or bytes (a Buffer), such as "\\n" or "<EOF>", got ${typeof token}`,
  );
}

/** The framing a spec describes (see Framing.spec), e.g. in a cluster worker. */
export function framingFromSpec(spec: FramingSpec): Framing {
  const { name, tokenHex, recordSize, maxFrameBytes } = spec;
  const token = tokenHex === undefined ? undefined : Buffer.from(tokenHex, "hex");
  return createFraming(name, { token, recordSize, maxFrameBytes });
}
