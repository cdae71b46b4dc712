// The options that narrow a `sockbench bench` run to what its user came for: only their own servers,
// chosen framings, variants and sizes, and shorter or fewer rounds. They reshape the profile; the
// scenarios follow from it.

import { type Command, InvalidArgumentError, Option } from "commander";
import {
  BENCH_FRAMINGS,
  BENCH_VARIANTS,
  type BenchFraming,
  type BenchVariant,
} from "../results/bench-result.js";
import { type BenchProfile, benchScenarios } from "../suites/bench-profiles.js";
import { type UserBenchServer, userServerScenarios } from "../suites/user-bench-servers.js";
import { CommandFailure, EXIT_USAGE } from "./exit-codes.js";
import { parseDurationMs, parseIntegerInRange, parseSizeList } from "./option-parsers.js";

export interface BenchNarrowingOptions {
  ownOnly: boolean;
  framings?: BenchFraming[];
  variants?: BenchVariant[];
  sizes?: number[];
  round?: number;
  rounds?: number;
  seed?: number;
}

/** A comma-separated list of `allowed` names, each once. */
function nameListParser<Name extends string>(
  what: string,
  allowed: readonly Name[],
): (text: string) => Name[] {
  return (text) => {
    const names = text.split(",").map((part) => part.trim());
    const unknown = names.filter((name) => !(allowed as readonly string[]).includes(name));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(
        `expected ${what} from ${allowed.join(", ")} separated by commas, got ${JSON.stringify(text)}`,
      );
    }
    return [...new Set(names)] as Name[];
  };
}

/** A round's length: at least a millisecond, for a round of none measures nothing. */
function parseRoundMs(text: string): number {
  const value = parseDurationMs(text);
  if (value < 1) {
    throw new InvalidArgumentError(
      `expected a round of at least 1ms, such as 500ms or 2s, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

export function addBenchNarrowingOptions(command: Command): Command {
  return command
    .option("--own-only", "bench only your servers (--server, --config), none of the built-in ones", false)
    .addOption(
      new Option(
        "--framings <list>",
        `the built-in servers' framings: ${BENCH_FRAMINGS.join(",")}`,
      ).argParser(nameListParser("framings", BENCH_FRAMINGS)),
    )
    .addOption(
      new Option("--variants <list>", `the built-in server variants: ${BENCH_VARIANTS.join(",")}`).argParser(
        nameListParser("variants", BENCH_VARIANTS),
      ),
    )
    .addOption(
      new Option("--sizes <list>", "message sizes instead of the profile's, e.g. 64,1KiB").argParser(
        parseSizeList,
      ),
    )
    .addOption(
      new Option(
        "--round <duration>",
        "measured time of each round instead of the profile's; 2s or more draws the per-second charts",
      ).argParser(parseRoundMs),
    )
    .option(
      "--rounds <count>",
      "rounds per cell instead of the profile's (6 or more for a 95% interval)",
      parseIntegerInRange(1, 100),
    )
    .option(
      "--seed <number>",
      "seed of each round's order of cells (default 1)",
      parseIntegerInRange(0, 2 ** 32 - 1),
    );
}

/** The profile as the options narrow it; refuses --own-only without a server of the user's (exit 2). */
export function narrowProfile(
  profile: BenchProfile,
  options: BenchNarrowingOptions,
  userServers: readonly UserBenchServer[],
): BenchProfile {
  if (options.ownOnly && userServers.length === 0) {
    throw new CommandFailure(
      `--own-only benches your servers only, and none is named: give --server "NAME=python3 server.py {port}" or --config FILE`,
      EXIT_USAGE,
    );
  }
  if (options.ownOnly && (options.framings !== undefined || options.variants !== undefined)) {
    throw new CommandFailure(
      "--framings and --variants choose built-in servers, and --own-only runs none: give one or the other",
      EXIT_USAGE,
    );
  }
  const narrowed: BenchProfile = {
    ...profile,
    ...(options.ownOnly ? { framings: [], variants: [] } : {}),
    ...(options.framings !== undefined ? { framings: options.framings } : {}),
    ...(options.variants !== undefined ? { variants: options.variants } : {}),
    ...(options.sizes !== undefined ? { sizesBytes: options.sizes } : {}),
    ...(options.round !== undefined ? { durationMs: options.round } : {}),
    ...(options.rounds !== undefined ? { rounds: options.rounds } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  };
  const scenarios =
    benchScenarios(narrowed).length +
    userServers.reduce((sum, server) => sum + userServerScenarios(server, narrowed).length, 0);
  if (scenarios === 0) {
    throw new CommandFailure(
      "these options leave no scenario to run: http has no sequential variant, udp runs on concurrent only and up to 65507 bytes, fixed servers up to their record size",
      EXIT_USAGE,
    );
  }
  return narrowed;
}
