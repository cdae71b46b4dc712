// `sockbench ab`: two servers (built-in variants or commands, such as two builds of the same server) on
// the same cells, their rounds interleaved and shuffled so that each round of A sits beside a round of B
// on the same machine at the same time; per cell a test of B against A for msg/s, p99 and CPU/message.

import { maxDatagramBytes } from "../framing/datagram-limits.js";
import { framingNames } from "../framing/registry.js";
import { describeMachine } from "../platform/run-context.js";
import { type AbCell, testAbCell } from "../results/ab-cell.js";
import type {
  BenchFraming,
  BenchResult,
  BenchRun,
  BenchScenario,
  BenchVariant,
} from "../results/bench-result.js";
import { SOCKBENCH_VERSION } from "../version.js";
import { benchRunOf, type RoundCell, type RoundProgress, runInterleavedRounds } from "./bench-cell-rounds.js";
import { builtInLoad, serveArguments, startBuiltInServers } from "./bench-suite.js";
import type { ServerProcess } from "./server-process.js";
import { openUserServerCells, type UserBenchServer, type UserServerCells } from "./user-bench-servers.js";

/** One side: a built-in variant, or the user's server (a command: any program, any build). */
export type AbSide = { name: string; variant: BenchVariant } | { name: string; user: UserBenchServer };

export interface AbPlan {
  framing: BenchFraming;
  sizesBytes: number[];
  connections: number;
  pipelining: number;
  rounds: number;
  roundMs: number;
  warmupMs: number;
  timeoutMs: number;
  seed: number;
}

export interface AbOutcome {
  /** Both sides' cells as one bench result (profile `ab`): compare and report read it. */
  result: BenchResult;
  cells: AbCell[];
}

/** The scenario a side runs at `size`: its name as the variant, what it runs as the server. */
function sideScenario(side: AbSide, plan: AbPlan, size: number): BenchScenario {
  const builtIn = "variant" in side;
  const scenario: BenchScenario = {
    framing: plan.framing,
    variant: builtIn ? side.variant : side.name,
    size,
    // The sequential variant serves one connection at a time by design.
    connections: builtIn && side.variant === "sequential" ? 1 : plan.connections,
    pipelining: plan.pipelining,
    fragmentation: "none",
  };
  const server = builtIn ? `sockbench serve ${serveArguments(scenario).join(" ")}` : side.user.target.command;
  return { ...scenario, variant: side.name, server };
}

/** What the plan cannot run on a side, in words; undefined when it can. */
export function abPlanProblem(sides: readonly AbSide[], plan: AbPlan): string | undefined {
  for (const side of sides) {
    if ("user" in side && (plan.framing === "http" || plan.framing === "udp")) {
      return `${side.name} is a command, and a command's server is driven over a TCP framing (${framingNames().join(", ")}), not ${plan.framing}`;
    }
    if ("variant" in side && side.variant === "sequential" && plan.framing === "http") {
      return "http has no sequential variant: node:http serves every connection at once";
    }
    if ("variant" in side && side.variant !== "concurrent" && plan.framing === "udp") {
      return "udp is served by the concurrent variant only";
    }
  }
  if (plan.framing === "udp" && plan.sizesBytes.some((size) => size > maxDatagramBytes(4))) {
    return `udp carries at most ${maxDatagramBytes(4)} bytes in a datagram over IPv4`;
  }
  return undefined;
}

/** A side's cells, one per size, and what stops its servers. */
async function openSide(
  side: AbSide,
  plan: AbPlan,
  signal: AbortSignal | undefined,
): Promise<{ cells: RoundCell[]; close: () => Promise<void> }> {
  const scenarios = plan.sizesBytes.map((size) => sideScenario(side, plan, size));
  if ("user" in side) {
    const user: UserBenchServer = { ...side.user, name: side.name, connections: plan.connections };
    const own: UserServerCells = await openUserServerCells(user, scenarios, plan.timeoutMs, signal);
    return own;
  }
  // Each side has servers of its own, even when both name the same variant (an A/A run).
  const servers = new Map<string, ServerProcess>();
  const close = async () => {
    await Promise.all([...servers.values()].map((server) => server.stop()));
  };
  try {
    const asServed = scenarios.map((scenario) => ({ ...scenario, variant: side.variant }));
    const started = await startBuiltInServers(asServed, servers);
    const cells = scenarios.map((scenario, index) => ({
      scenario,
      load: builtInLoad(
        asServed[index] as BenchScenario,
        started[index] as ServerProcess,
        plan.timeoutMs,
        signal,
      ),
    }));
    return { cells, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Runs A and B on every size in interleaved rounds (every cell of both sides warmed, then each round
 * of all of them in a seeded shuffle), and tests B against A per size. Every server started is stopped.
 */
export async function runAb(
  a: AbSide,
  b: AbSide,
  plan: AbPlan,
  hooks: { signal?: AbortSignal; onStep?: (progress: RoundProgress) => void } = {},
): Promise<AbOutcome> {
  const result: BenchResult = {
    tool: "sockbench",
    version: SOCKBENCH_VERSION,
    startedAt: new Date().toISOString(),
    machine: describeMachine(),
    profile: "ab",
    settings: {
      rounds: plan.rounds,
      roundMs: plan.roundMs,
      warmupMs: plan.warmupMs,
      pipelining: plan.pipelining,
      timeoutMs: plan.timeoutMs,
      order: "interleaved",
      seed: plan.seed,
    },
    runs: [],
  };
  const sides: { cells: RoundCell[]; close: () => Promise<void> }[] = [];
  let cells: RoundCell[] = [];
  let outcomes: Awaited<ReturnType<typeof runInterleavedRounds>>;
  try {
    for (const side of [a, b]) sides.push(await openSide(side, plan, hooks.signal));
    cells = sides.flatMap((side) => side.cells);
    outcomes = await runInterleavedRounds(cells, plan, hooks.signal, hooks.onStep);
  } finally {
    await Promise.all(sides.map((side) => side.close()));
  }
  const runs: (BenchRun | undefined)[] = outcomes.map((outcome, index) => {
    if (outcome === undefined) return undefined;
    if ("error" in outcome) throw outcome.error;
    return benchRunOf((cells[index] as RoundCell).scenario, outcome.rounds, outcome.warmedMs);
  });
  result.runs = runs.filter((run): run is BenchRun => run !== undefined);
  if (hooks.signal?.aborted) result.partial = true;
  const perSide = plan.sizesBytes.length;
  const pairs = plan.sizesBytes.flatMap((size, index) => {
    const runA = runs[index];
    const runB = runs[perSide + index];
    return runA && runB ? [{ size, runA, runB }] : [];
  });
  const tested = pairs.map(({ size, runA, runB }) => testAbCell(size, runA, runB, pairs.length));
  return { result, cells: tested };
}
