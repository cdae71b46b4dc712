// The framings sockbench knows, by name: each registers one definition (src/framing/framing-definition.ts),
// and everything else (the CLI's --framing choices and options, configs, suites, workers) asks here.
// Adding a framing: its file in src/framing/, and one line in BUILT_IN_FRAMINGS.

import { EOF_FRAMING } from "./eof-framing.js";
import { FIXED_FRAMING } from "./fixed-record-framing.js";
import { DEFAULT_MAX_FRAME_BYTES } from "./frame-decoder.js";
import type { Framing, FramingChoice, FramingName, FramingOptions, FramingSpec } from "./framing.js";
import type { FramingDefinition, FramingOptionDefinition } from "./framing-definition.js";
import { FramingError } from "./framing-error.js";
import { LENGTH_FRAMING } from "./length-prefix-framing.js";
import { LINE_FRAMING } from "./line-framing.js";
import { MODULE_FRAMING } from "./module-framing.js";
import { NAIVE_FRAMING } from "./naive-framing.js";
import { VARINT_FRAMING } from "./varint-framing.js";

const BUILT_IN_FRAMINGS: readonly FramingDefinition[] = [
  EOF_FRAMING,
  LENGTH_FRAMING,
  FIXED_FRAMING,
  NAIVE_FRAMING,
  VARINT_FRAMING,
  LINE_FRAMING,
];

const definitions = new Map<FramingName, FramingDefinition>();

/**
 * Makes a framing known by its name, in this thread only: worker threads and child processes know the
 * built-in ones (a framing in BUILT_IN_FRAMINGS is known everywhere).
 */
export function registerFraming(definition: FramingDefinition): void {
  if (definitions.has(definition.name) || definition.name === MODULE_FRAMING.name) {
    throw new FramingError(
      "invalid-option",
      `a framing named ${JSON.stringify(definition.name)} is already registered`,
    );
  }
  definitions.set(definition.name, definition);
}

for (const definition of BUILT_IN_FRAMINGS) registerFraming(definition);

/** The registered framings' names, built-in ones first. */
export function framingNames(): FramingName[] {
  return [...definitions.keys()];
}

export function isFramingName(name: string): boolean {
  return definitions.has(name);
}

/**
 * A framing's definition; besides the registered ones, `module` (a framing module, module-framing.ts),
 * which a spec or choice names with its path but `--framing` does not offer.
 */
export function framingDefinition(name: FramingName): FramingDefinition {
  const definition = name === MODULE_FRAMING.name ? MODULE_FRAMING : definitions.get(name);
  if (definition === undefined) {
    throw new FramingError(
      "invalid-option",
      `unknown framing ${JSON.stringify(name)}: choose one of ${framingNames().join(", ")}`,
    );
  }
  return definition;
}

/** Every option some registered framing reads, each once (framings may share one), in registration order. */
export function framingOptionDefinitions(): FramingOptionDefinition[] {
  const byFlag = new Map<string, FramingOptionDefinition>();
  for (const definition of definitions.values()) {
    for (const option of definition.options) if (!byFlag.has(option.flag)) byFlag.set(option.flag, option);
  }
  return [...byFlag.values()];
}

export function createFraming(name: FramingName, options: FramingOptions = {}): Framing {
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isInteger(maxFrameBytes) || maxFrameBytes < 1) {
    throw new FramingError(
      "invalid-option",
      `max frame must be a whole number of bytes >= 1, got ${maxFrameBytes}`,
    );
  }
  return framingDefinition(name).create({ ...options, maxFrameBytes });
}

/**
 * The framing a caller chose: by name, by name with options, or already built; with `maxFrameBytes`, that
 * max frame instead of the choice's own (a load's --max-frame).
 */
export function framingOf(choice: FramingChoice | Framing, maxFrameBytes?: number): Framing {
  const override = maxFrameBytes === undefined ? {} : { maxFrameBytes };
  if (typeof choice === "string") return createFraming(choice, override);
  if (isFraming(choice))
    return maxFrameBytes === undefined ? choice : framingFromSpec({ ...choice.spec, ...override });
  const { name, ...options } = choice;
  return createFraming(name, { ...options, ...override });
}

function isFraming(value: object): value is Framing {
  return typeof (value as Partial<Framing>).createDecoder === "function";
}

/** The framing `name` as the suites give it for payloads of up to `sizeBytes` (fixed: a record that holds them). */
export function framingToCarry(name: FramingName, sizeBytes: number): { name: FramingName } & FramingOptions {
  return { name, ...framingDefinition(name).optionsToCarry?.(sizeBytes) };
}

/** The framing a spec describes (see Framing.spec), e.g. in a cluster worker. */
export function framingFromSpec(spec: FramingSpec): Framing {
  const { name, ...options } = spec;
  return createFraming(name, framingDefinition(name).optionsOfSpec?.(spec) ?? options);
}

/**
 * The command-line words that build the framing of this spec again: `--framing eof --token '\n'`, or
 * `--framing-module /path/resp.mjs`; for a reply framing, `--reply-framing ...`.
 */
export function framingCliWords(spec: FramingSpec, side: "request" | "reply" = "request"): string[] {
  const prefix = side === "reply" ? "--reply-framing" : "--framing";
  const words = framingDefinition(spec.name).cliWords(spec);
  return spec.name === MODULE_FRAMING.name ? [`${prefix}-module`, ...words] : [prefix, spec.name, ...words];
}

/** Why a payload of `sizeBytes` cannot be carried by this framing, or undefined when it can. */
export function payloadSizeRefusal(framing: Framing, sizeBytes: number): string | undefined {
  return sizeBytes > framing.largestPayloadBytes
    ? `size ${sizeBytes} does not fit ${framing.largestPayloadWords}`
    : undefined;
}
