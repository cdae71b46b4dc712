// Builds a framing by name, with the defaults of DESIGN.md and its limits validated up front.

import { EofFraming } from "./eof-framing.js";
import { DEFAULT_RECORD_SIZE, FixedRecordFraming } from "./fixed-record-framing.js";
import { DEFAULT_MAX_FRAME_BYTES } from "./frame-decoder.js";
import { FRAMING_NAMES, type Framing, type FramingOptions } from "./framing.js";
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
      return new EofFraming(options.token ?? parseToken(DEFAULT_TOKEN), maxFrameBytes);
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
