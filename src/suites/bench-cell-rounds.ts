// A bench cell's rounds, one after the other on the same server, summarised as the median round and its
// spread; the built-in variants and the user's servers both run their cells through it.

import type { BenchRun, BenchScenario } from "../results/bench-result.js";
import { summarizeRounds } from "../results/bench-rounds.js";
import type { LoadResult } from "../results/load-result.js";
import type { BenchProfile } from "./bench-profiles.js";

/**
 * Runs `runRound` `profile.rounds` times (the first with the profile's warm-up, later ones find the
 * server warm). Undefined when `signal` stopped it before the last round ended: a cell is whole or absent.
 */
export async function runCellRounds(
  scenario: BenchScenario,
  profile: BenchProfile,
  signal: AbortSignal | undefined,
  runRound: (warmupMs: number) => Promise<LoadResult>,
): Promise<BenchRun | undefined> {
  const rounds: LoadResult[] = [];
  for (let round = 0; round < profile.rounds && !signal?.aborted; round++) {
    const result = await runRound(round === 0 ? profile.warmupMs : 0);
    if (result.partial) break;
    rounds.push(result);
  }
  if (rounds.length < profile.rounds) return undefined;
  const { median, rounds: figures, spread } = summarizeRounds(rounds);
  return { scenario, ...median, rounds: figures, spread };
}
