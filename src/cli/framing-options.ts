// The framing options that serve, send, load, check and stress share: --framing, the options the
// registered framings read (src/framing/registry.ts) and --max-frame, and the framing they build.

import { type Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_MAX_FRAME_BYTES } from "../framing/frame-decoder.js";
import type { Framing, FramingOptions } from "../framing/framing.js";
import type { FramingOptionDefinition } from "../framing/framing-definition.js";
import { framingDefinition, framingNames, framingOf, framingOptionDefinitions } from "../framing/registry.js";
import { parseSizeBytes } from "./option-parsers.js";

export interface FramingCliOptions {
  framing: string;
  maxFrame: number;
  /** Each registered framing option's parsed value, under its key (`token`: bytes, `recordSize`: a number). */
  [option: string]: unknown;
}

/** A framing option's parser as commander wants it: a bad value is a usage error naming the option. */
function argumentParser(option: FramingOptionDefinition): (text: string) => unknown {
  return (text) => {
    try {
      return option.parseText(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

export function addFramingOptions(command: Command, defaultFraming = "eof"): Command {
  const summaries = framingNames().map((name) => `${name}: ${framingDefinition(name).summary}`);
  command.addOption(
    new Option("--framing <name>", `how bytes become messages (${summaries.join("; ")})`)
      .choices(framingNames())
      .default(defaultFraming),
  );
  for (const option of framingOptionDefinitions()) {
    command.addOption(
      new Option(option.flag, option.description)
        .argParser(argumentParser(option))
        .default(option.parseText(option.defaultText), option.defaultText),
    );
  }
  return command.addOption(
    new Option("--max-frame <size>", "largest payload accepted, e.g. 16MiB")
      .argParser(parseSizeBytes)
      .default(DEFAULT_MAX_FRAME_BYTES, "16MiB"),
  );
}

/** The framing --framing names with the options it reads (not --max-frame, which http shares). */
export function framingChoiceFromOptions(options: FramingCliOptions): { name: string } & FramingOptions {
  const framingOptions: Record<string, unknown> = {};
  for (const option of framingDefinition(options.framing).options) {
    framingOptions[option.key] = options[option.key];
  }
  return { name: options.framing, ...framingOptions };
}

/** Whether any framing option was typed, --framing included (over http and udp they are refused). */
export function framingOptionGiven(given: (key: string) => boolean): boolean {
  return given("framing") || framingOptionDefinitions().some((option) => given(option.key));
}

export function framingFromOptions(options: FramingCliOptions): Framing {
  return framingOf({ ...framingChoiceFromOptions(options), maxFrameBytes: options.maxFrame });
}
