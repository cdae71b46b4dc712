// A bench's cells measured in interleaved rounds: each cell's server is started once and kept warm, each
// cell is warmed until its rate settles, then round 1 of every cell runs, then round 2, each round's cell
// order shuffled by the seed, so that a drift of the machine lands on every cell alike rather than on the
// cells that happened to run last. bench (built-in and user's servers) and ab run their cells through it.

import { type BenchRun, type BenchScenario, roundFindings } from "../results/bench-result.js";
import { summarizeRounds } from "../results/bench-rounds.js";
import type { LoadResult } from "../results/load-result.js";
import { SeededRandom } from "../seeded-random.js";
import { warmUntilSettled, warmUpSliceMs } from "./warm-up.js";

/** One cell and how to load it: `load(durationMs)` runs one load of that length (round-load.ts). */
export interface RoundCell {
  scenario: BenchScenario;
  load: (durationMs: number) => Promise<LoadResult>;
}

export interface RoundPlan {
  rounds: number;
  roundMs: number;
  /** The most a cell warms before its first round (it stops earlier once its rate settles). */
  warmupMs: number;
  /** Shuffles each round's order of cells; the same seed runs them in the same order. */
  seed: number;
}

export interface RoundProgress {
  /** "warm-up" or the round's number from 1. */
  phase: "warm-up" | number;
  /** Steps done before this one, and of how many (warm-ups and rounds of every cell). */
  step: number;
  steps: number;
  scenario: BenchScenario;
}

/** What became of each cell: its rounds, or the error that stopped it (then it has no result). */
export type CellOutcome = { rounds: LoadResult[]; warmedMs: number } | { error: Error } | undefined;

/** The order of `count` cells in one round: a Fisher-Yates shuffle. */
export function shuffledOrder(count: number, random: SeededRandom): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index--) {
    const other = random.nextIntInclusive(0, index);
    [order[index], order[other]] = [order[other] as number, order[index] as number];
  }
  return order;
}

/**
 * Warms every cell, then runs `plan.rounds` rounds of every cell interleaved. A cell whose load throws
 * or ends partial (a server gone, Ctrl-C) runs no further round; one that threw holds its error. A cell
 * whose round had errors runs no further round either, and keeps the rounds it ran: bench measures speed,
 * which a cell with errors has none of (check is what judges errors), and each further round would wait
 * out the timeout for replies that never come (1.7 s a round for naive at 1 MiB). Once `signal` stops the
 * run, each cell keeps the rounds it finished (none: undefined); otherwise a cell that missed a round has
 * no result.
 */
export async function runInterleavedRounds(
  cells: readonly RoundCell[],
  plan: RoundPlan,
  signal?: AbortSignal,
  onStep?: (progress: RoundProgress) => void,
): Promise<CellOutcome[]> {
  const steps = cells.length * (plan.rounds + 1);
  let step = 0;
  const rounds: LoadResult[][] = cells.map(() => []);
  const warmedMs: number[] = cells.map(() => 0);
  const errors: (Error | undefined)[] = cells.map(() => undefined);
  const stopped: boolean[] = cells.map(() => false);
  const broken: boolean[] = cells.map(() => false);
  const attempt = async (index: number, run: () => Promise<boolean>): Promise<void> => {
    try {
      if (!(await run())) stopped[index] = true;
    } catch (error) {
      errors[index] = error as Error;
      stopped[index] = true;
    }
  };
  for (const [index, cell] of cells.entries()) {
    if (signal?.aborted) break;
    onStep?.({ phase: "warm-up", step: step++, steps, scenario: cell.scenario });
    await attempt(index, async () => {
      warmedMs[index] = await warmUntilSettled(cell.load, warmUpSliceMs(plan.roundMs), plan.warmupMs, signal);
      return true;
    });
  }
  const random = new SeededRandom(plan.seed);
  for (let round = 1; round <= plan.rounds; round++) {
    for (const index of shuffledOrder(cells.length, random)) {
      const cell = cells[index] as RoundCell;
      if (signal?.aborted || stopped[index]) continue;
      onStep?.({ phase: round, step: step++, steps, scenario: cell.scenario });
      await attempt(index, async () => {
        const result = await cell.load(plan.roundMs);
        if (result.partial) return false;
        (rounds[index] as LoadResult[]).push(result);
        broken[index] = roundFindings(result) > 0;
        return !broken[index];
      });
    }
  }
  return cells.map((_, index) => {
    const error = errors[index];
    if (error) return { error };
    const done = rounds[index] as LoadResult[];
    // Stopped by `signal`: a cell keeps the rounds it finished (the result is marked partial), for with
    // interleaving no cell would be whole until the last round.
    const kept =
      done.length === plan.rounds || broken[index] === true || (signal?.aborted === true && done.length > 0);
    return kept ? { rounds: done, warmedMs: warmedMs[index] as number } : undefined;
  });
}

/** A finished cell's result: the median round's full result, every round's figures and the intervals. */
export function benchRunOf(scenario: BenchScenario, rounds: LoadResult[], warmedMs: number): BenchRun {
  const { median, rounds: figures, spread, intervals } = summarizeRounds(rounds);
  return { scenario, ...median, rounds: figures, spread, intervals, warmedMs };
}
