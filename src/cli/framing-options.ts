// The framing options that serve, send, load, check and stress share: --framing, the options the
// registered framings read (src/framing/registry.ts) and --max-frame, and the framing they build; and
// those of every command that sends but serve (addFramingModuleOptions): --framing-module, and the reply
// framing, --reply-framing and --reply-framing-module.

import { type Command, InvalidArgumentError, Option } from "commander";
import { framingModuleChoice, loadFramingModules } from "../clients/load/verification/framing-module.js";
import { DEFAULT_MAX_FRAME_BYTES } from "../framing/frame-decoder.js";
import type { Framing, FramingChoice, FramingOptions } from "../framing/framing.js";
import type { FramingOptionDefinition } from "../framing/framing-definition.js";
import { framingDefinition, framingNames, framingOf, framingOptionDefinitions } from "../framing/registry.js";
import { CommandFailure, EXIT_USAGE } from "./exit-codes.js";
import { parseSizeBytes } from "./option-parsers.js";

export interface FramingCliOptions {
  framing: string;
  maxFrame: number;
  /** --framing-module, --reply-framing, --reply-framing-module (not on serve). */
  framingModule?: string;
  replyFraming?: string;
  replyFramingModule?: string;
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

/**
 * A framing module for requests and a reply framing (by name or module), on every command that sends
 * (serve takes none: its replies are framed as its requests).
 */
export function addFramingModuleOptions(command: Command): Command {
  return command
    .option(
      "--framing-module <file.mjs>",
      "frame requests (and replies) with your module's encode and createDecoder, instead of --framing (docs/framing-module.md)",
    )
    .addOption(
      new Option(
        "--reply-framing <name>",
        "cut replies with this framing (its options as given: --token, ...) instead of the request framing",
      ).choices(framingNames()),
    )
    .option(
      "--reply-framing-module <file.mjs>",
      "cut replies with your module's decoder (a RESP reply to an inline command: docs/framing-module.md)",
    );
}

/** The built-in framing `name` with the framing options as given (not --max-frame, which http shares). */
function builtInChoice(name: string, options: FramingCliOptions): { name: string } & FramingOptions {
  const framingOptions: Record<string, unknown> = {};
  for (const option of framingDefinition(name).options) framingOptions[option.key] = options[option.key];
  return { name, ...framingOptions };
}

/**
 * The request framing the options name: --framing-module's module, else --framing with the options it
 * reads (not --max-frame, which http shares). `given` tells a typed --framing from its default: with
 * --framing-module too, a usage error.
 */
export function framingChoiceFromOptions(
  options: FramingCliOptions,
  given: (key: string) => boolean = () => false,
): FramingChoice {
  refuseUnreadFramingOptions(options, given);
  if (options.framingModule === undefined) return builtInChoice(options.framing, options);
  if (given("framing")) {
    throw new CommandFailure(
      `give --framing or --framing-module, not both: the module frames the requests (got --framing ${options.framing})`,
      EXIT_USAGE,
    );
  }
  return framingModuleChoice(options.framingModule);
}

/**
 * A framing option typed for a framing that does not read it (`--framing varint --length-bytes 2`) is a
 * mistake, not a default to ignore: refused, naming the framings that read it.
 */
export function refuseUnreadFramingOptions(
  options: FramingCliOptions,
  given: (key: string) => boolean,
): void {
  const builtIns = [
    ...(options.framingModule === undefined ? [options.framing] : []),
    ...(options.replyFraming !== undefined ? [options.replyFraming] : []),
  ];
  const read = new Set(
    builtIns.flatMap((name) => framingDefinition(name).options.map((option) => option.key)),
  );
  for (const option of framingOptionDefinitions()) {
    if (!given(option.key) || read.has(option.key)) continue;
    const readers = framingNames().filter((name) =>
      framingDefinition(name).options.some((candidate) => candidate.key === option.key),
    );
    const flag = option.flag.split(" ")[0];
    const inUse = builtIns.length > 0 ? `--framing ${builtIns.join(" / ")}` : "a framing module";
    throw new CommandFailure(
      `${flag} applies to --framing ${readers.join(" or ")}, not to ${inUse}`,
      EXIT_USAGE,
    );
  }
}

/** The reply framing the options name, or undefined when replies are framed as requests. */
export function replyFramingChoiceFromOptions(options: FramingCliOptions): FramingChoice | undefined {
  if (options.replyFraming !== undefined && options.replyFramingModule !== undefined) {
    throw new CommandFailure(
      "give --reply-framing or --reply-framing-module, not both: either cuts the replies",
      EXIT_USAGE,
    );
  }
  if (options.replyFramingModule !== undefined) return framingModuleChoice(options.replyFramingModule);
  return options.replyFraming !== undefined ? builtInChoice(options.replyFraming, options) : undefined;
}

/** Whether any framing option was typed, --framing included (over http and udp they are refused). */
export function framingOptionGiven(given: (key: string) => boolean): boolean {
  return (
    given("framing") ||
    given("framingModule") ||
    framingOptionDefinitions().some((option) => given(option.key))
  );
}

/**
 * The request framing and the reply framing (absent: the same) the options name, built with --max-frame;
 * framing modules are imported first (a FramingModuleError when one cannot be used).
 */
export async function framingsFromOptions(
  options: FramingCliOptions,
  given: (key: string) => boolean = () => false,
): Promise<{ framing: Framing; replyFraming?: Framing }> {
  const framing = framingChoiceFromOptions(options, given);
  const replyFraming = replyFramingChoiceFromOptions(options);
  await loadFramingModules({ framing, replyFraming });
  return {
    framing: framingOf(framing, options.maxFrame),
    ...(replyFraming !== undefined ? { replyFraming: framingOf(replyFraming, options.maxFrame) } : {}),
  };
}

/** The framing --framing names, built with --max-frame (serve's: a built-in one). */
export function framingFromOptions(
  options: FramingCliOptions,
  given: (key: string) => boolean = () => false,
): Framing {
  refuseUnreadFramingOptions(options, given);
  return framingOf({ ...builtInChoice(options.framing, options), maxFrameBytes: options.maxFrame });
}
