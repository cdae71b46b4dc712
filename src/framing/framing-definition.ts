// What a framing registers (src/framing/registry.ts): its name, the command-line options it reads, how
// it is built from them or from its spec, and the words that build it again on a command line.

import type { Framing, FramingName, FramingOptions, FramingSpec } from "./framing.js";

/** One command-line option of a framing; framings that read the same option share its definition. */
export interface FramingOptionDefinition {
  /** Its FramingOptions key, which is also commander's name for the flag's value (`--record-size`: `recordSize`). */
  readonly key: string;
  /** The flag with its argument, as --help shows it: `--token <text>`. */
  readonly flag: string;
  readonly description: string;
  /** The default as it would be typed. */
  readonly defaultText: string;
  /** The typed text as the option's value; a FramingError says what is allowed. */
  parseText(text: string): unknown;
}

export interface FramingDefinition {
  readonly name: FramingName;
  /** A few words for --help: what a message looks like on the wire. */
  readonly summary: string;
  /** The options it reads besides --max-frame (which every framing gets, and http too). */
  readonly options: readonly FramingOptionDefinition[];
  /**
   * Builds it: `maxFrameBytes` already checked, options left out take their defaults, options it does not
   * read are ignored; a bad value is refused with a FramingError.
   */
  create(options: FramingOptions & { maxFrameBytes: number }): Framing;
  /**
   * The options its spec stands for, to build it again (in a cluster worker or a thread); without it a
   * spec's keys are the options themselves.
   */
  optionsOfSpec?(spec: FramingSpec): FramingOptions;
  /**
   * The options a suite gives it so that payloads of up to `sizeBytes` fit (fixed: a record of the default
   * 1024 bytes or the size, whichever is larger); without it, the defaults.
   */
  optionsToCarry?(sizeBytes: number): FramingOptions;
  /**
   * The server variants `bench` runs it on: every one (the default, the lab's framings), or the concurrent
   * one only, for a framing whose cost is its codec's, which the variant does not change.
   */
  readonly benchVariants?: "every" | "concurrent";
  /** The words after `--framing NAME` that build it again (options at their defaults may be left out). */
  cliWords(spec: FramingSpec): string[];
}
