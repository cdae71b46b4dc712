// The framing options that serve, send and load share, and the framing they build.

import { type Command, Option } from "commander";
import { DEFAULT_RECORD_SIZE } from "../framing/fixed-record-framing.js";
import { DEFAULT_MAX_FRAME_BYTES } from "../framing/frame-decoder.js";
import { FRAMING_NAMES, type Framing } from "../framing/framing.js";
import { createFraming } from "../framing/registry.js";
import { DEFAULT_TOKEN, parseToken } from "../framing/token.js";
import { parseIntegerInRange, parseSizeBytes } from "./option-parsers.js";

export interface FramingCliOptions {
  framing: string;
  token: string;
  recordSize: number;
  maxFrame: number;
}

export function addFramingOptions(command: Command, defaultFraming = "eof"): Command {
  return command
    .addOption(
      new Option("--framing <name>", "how bytes become messages")
        .choices(FRAMING_NAMES)
        .default(defaultFraming),
    )
    .option("--token <text>", "eof: end token; escapes \\r \\n \\t \\0 \\xNN", DEFAULT_TOKEN)
    .option(
      "--record-size <bytes>",
      "fixed: bytes per record",
      parseIntegerInRange(1, DEFAULT_MAX_FRAME_BYTES),
      DEFAULT_RECORD_SIZE,
    )
    .addOption(
      new Option("--max-frame <size>", "largest payload accepted, e.g. 16MiB")
        .argParser(parseSizeBytes)
        .default(DEFAULT_MAX_FRAME_BYTES, "16MiB"),
    );
}

export function framingFromOptions(options: FramingCliOptions): Framing {
  return createFraming(options.framing, {
    token: parseToken(options.token),
    recordSize: options.recordSize,
    maxFrameBytes: options.maxFrame,
  });
}
