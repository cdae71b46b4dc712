// What each `sockbench bench` profile runs: the scenario matrix and how long each scenario lasts.

import { maxDatagramBytes } from "../framing/datagram-limits.js";
import { framingDefinition, isFramingName } from "../framing/registry.js";
import {
  BENCH_FRAMINGS,
  BENCH_VARIANTS,
  type BenchFraming,
  type BenchScenario,
  type BenchVariant,
} from "../results/bench-result.js";
import type { FragmentationName } from "../results/fragmentation-name.js";

export const BENCH_PROFILE_NAMES = ["quick", "default", "full"] as const;
export type BenchProfileName = (typeof BENCH_PROFILE_NAMES)[number];

const KiB = 1024;
const MiB = 1024 * KiB;

export interface BenchProfile {
  name: BenchProfileName;
  sizesBytes: number[];
  connectionCounts: number[];
  pipelining: number;
  fragmentations: FragmentationName[];
  /** Fragmented scenarios only at sizes up to this: byte-level slicing of large frames measures the proxy. */
  fragmentedMaxSizeBytes: number;
  /** The most a cell warms before its first round: it stops once two warm-up slices agree (warm-up.ts). */
  warmupMs: number;
  /**
   * Rounds per cell, interleaved across cells: the cell reports the median round and 95 % intervals.
   * At least 6 for a 95 % order-statistic interval of the median, and 4 for the U test to reach p 0.05
   * at all (3 and 3 rounds never go below 0.1).
   */
  rounds: number;
  /** Measured time of each round (rounds x durationMs is a cell's measured time). */
  durationMs: number;
  /** Per request: a broken framing (naive) stalls until it, so it bounds every scenario. */
  timeoutMs: number;
  /** Shuffles each round's order of cells (--seed): the same seed, the same order. */
  seed: number;
  /** Scenarios run after the matrix (say, one server holding many thousands of connections). */
  extraScenarios?: BenchScenario[];
  /** The built-in servers' framings run (default: every one); none runs only the user's servers. */
  framings?: readonly BenchFraming[];
  /** The built-in server variants run (default: every one). */
  variants?: readonly BenchVariant[];
}

/**
 * Whether bench runs `framing` on `variant`: http, udp and the lab's framings on every variant, a framing
 * whose definition says its cost is its codec's (varint, line) on the concurrent one only (the default
 * profile: 66 cells instead of 82).
 */
function benchesOn(framing: BenchFraming, variant: BenchVariant): boolean {
  if (variant === "concurrent" || !isFramingName(framing)) return true;
  return (framingDefinition(framing).benchVariants ?? "every") === "every";
}

/** 10,000 connections held and verified by one concurrent server, small messages, pipelining 1. */
export const MANY_CONNECTIONS_SCENARIO: BenchScenario = {
  framing: "length",
  variant: "concurrent",
  size: 64,
  connections: 10_000,
  pipelining: 1,
  fragmentation: "none",
};

export const BENCH_PROFILES: Record<BenchProfileName, BenchProfile> = {
  quick: {
    name: "quick",
    sizesBytes: [64, 64 * KiB],
    connectionCounts: [10],
    pipelining: 1,
    fragmentations: ["none"],
    fragmentedMaxSizeBytes: 0,
    warmupMs: 300,
    // 7 rounds: the median's interval is the range of the rounds (98.4 %).
    rounds: 7,
    durationMs: 200,
    timeoutMs: 1000,
    seed: 1,
  },
  default: {
    name: "default",
    sizesBytes: [64, KiB, 64 * KiB, MiB],
    connectionCounts: [10],
    pipelining: 1,
    fragmentations: ["none"],
    fragmentedMaxSizeBytes: 0,
    warmupMs: 1000,
    // Many short rounds rather than few long ones, for the same measured time: rounds differ mostly by the
    // luck of each (where the scheduler puts the driver and the server), which more rounds average out. 36
    // of 150 ms: the median's interval runs from the 12th to the 25th round (97.1 %). Measured on the whole
    // default bench (60 cells without errors, 2-core VM): median msg/s half-width 7.0 % at 9 x 450 ms,
    // 5.7 % at 27 x 150 ms, 4.7 % at 36 x 150 ms, in 6 min 48 s once broken cells stopped at their first
    // round with errors (bench-cell-rounds.ts).
    rounds: 36,
    durationMs: 150,
    timeoutMs: 2000,
    seed: 1,
  },
  full: {
    name: "full",
    sizesBytes: [64, KiB, 64 * KiB, MiB],
    connectionCounts: [1, 10, 50],
    pipelining: 1,
    fragmentations: ["none", "slices-1-7", "coalesced"],
    fragmentedMaxSizeBytes: KiB,
    warmupMs: 1000,
    rounds: 9,
    durationMs: 450,
    timeoutMs: 2000,
    seed: 1,
    extraScenarios: [MANY_CONNECTIONS_SCENARIO],
  },
};

/**
 * The profile's scenarios, in the order they run (grouped so one server serves consecutive scenarios).
 * The sequential variant serves one connection at a time by design, so it is always driven with one.
 */
export function benchScenarios(profile: BenchProfile): BenchScenario[] {
  const scenarios: BenchScenario[] = [];
  for (const variant of BENCH_VARIANTS) {
    for (const framing of BENCH_FRAMINGS) {
      for (const fragmentation of profile.fragmentations) {
        for (const size of profile.sizesBytes) {
          if (fragmentation !== "none" && size > profile.fragmentedMaxSizeBytes) continue;
          // node:http serves every connection at once, so it has no sequential variant; the proxy's
          // fragmentation says nothing new about HTTP's own framing.
          if (framing === "http" && (variant === "sequential" || fragmentation !== "none")) continue;
          // UDP is served by the concurrent variant only, no proxy cuts a datagram, and one datagram
          // carries at most 65,507 bytes over IPv4 (so not 64 KiB; bench runs on 127.0.0.1).
          if (!benchesOn(framing, variant)) continue;
          if (
            framing === "udp" &&
            (variant !== "concurrent" || fragmentation !== "none" || size > maxDatagramBytes(4))
          )
            continue;
          const connectionCounts = variant === "sequential" ? [1] : profile.connectionCounts;
          for (const connections of connectionCounts) {
            scenarios.push({
              framing,
              variant,
              size,
              connections,
              pipelining: profile.pipelining,
              fragmentation,
            });
          }
        }
      }
    }
  }
  const framings = profile.framings ?? BENCH_FRAMINGS;
  const variants = profile.variants ?? BENCH_VARIANTS;
  return [...scenarios, ...(profile.extraScenarios ?? [])].filter(
    (scenario) =>
      framings.includes(scenario.framing) && (variants as readonly string[]).includes(scenario.variant),
  );
}
