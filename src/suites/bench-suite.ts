// `sockbench bench`: starts each server variant itself, drives every framing at every size through the
// load driver, and gathers one result file. Servers run as child processes, so the driver never shares
// their event loop.

import type { LoadConfig } from "../clients/load/core/load-config.js";
import { registerErrorClass, SockbenchError } from "../errors.js";
import { framingCliWords, framingOf, framingToCarry } from "../framing/registry.js";
import { describeMachine } from "../platform/run-context.js";
import type { BenchResult, BenchScenario } from "../results/bench-result.js";
import type { LoadResult } from "../results/load-result.js";
import { DEFAULT_MAX_CONNECTIONS } from "../servers/server-options.js";
import { SOCKBENCH_VERSION } from "../version.js";
import {
  benchRunOf,
  type CellOutcome,
  type RoundCell,
  type RoundProgress,
  runInterleavedRounds,
} from "./bench-cell-rounds.js";
import { type BenchProfile, benchScenarios } from "./bench-profiles.js";
import { cellLoad } from "./round-load.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import {
  openUserServerCells,
  probeUserServers,
  type UserBenchServer,
  type UserServerCells,
  userServerScenarios,
} from "./user-bench-servers.js";

export interface BenchHooks {
  /** Before each cell's warm-up and each of its rounds. */
  onStep?: (progress: RoundProgress) => void;
  /**
   * Aborting it (Ctrl-C) stops the bench: cells that have not run every round are dropped (with
   * interleaved rounds, usually all of them), the result holds the rest and is marked `partial`.
   */
  signal?: AbortSignal;
}

/**
 * A bench that failed after some cells finished (a user's server that stopped starting, a reference
 * server that would not start): `result` keeps them, marked partial, for the command to write.
 */
export class BenchFailedError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_BENCH_FAILED";

  constructor(
    override readonly cause: Error,
    readonly result: BenchResult,
  ) {
    super(cause.message);
  }
}
registerErrorClass(BenchFailedError);

/** The `serve` arguments of a scenario's built-in server. */
export function serveArguments(scenario: BenchScenario): string[] {
  const served = ["--variant", scenario.variant, "--app", "echo"];
  if (scenario.connections > DEFAULT_MAX_CONNECTIONS) {
    // The driver's connections all come from 127.0.0.1: the per-address cap must let them all in too.
    const limit = String(scenario.connections);
    served.push("--max-connections", limit, "--max-connections-per-address", limit);
  }
  if (scenario.framing === "http" || scenario.framing === "udp")
    return [...served, "--transport", scenario.framing];
  return [...served, ...framingCliWords(framingOf(framingToCarry(scenario.framing, scenario.size)).spec)];
}

/** How the driver speaks to the scenario's server: a TCP framing, or HTTP. */
function transportConfig(scenario: BenchScenario): Partial<LoadConfig> {
  if (scenario.framing === "http" || scenario.framing === "udp") return { transport: scenario.framing };
  return { framing: framingToCarry(scenario.framing, scenario.size) };
}

/** How the driver loads a built-in cell: one load of `durationMs` through the cell's fragmentation. */
export function builtInLoad(
  scenario: BenchScenario,
  server: ServerProcess,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): (durationMs: number) => Promise<LoadResult> {
  return cellLoad(
    server,
    scenario,
    { ...transportConfig(scenario), verify: "echo", serverPid: server.pid },
    timeoutMs,
    signal,
  );
}

/**
 * Runs the profile's scenarios on the built-in servers and the same sizes on each of the user's servers
 * (`userServers`), every cell in interleaved rounds (bench-cell-rounds.ts), all into one result. Each
 * user's server is started once first, so that one that cannot start fails the bench before any cell; a
 * cell that fails mid-run (its server gone) rejects with a BenchFailedError that holds the cells that
 * finished.
 */
export async function runBench(
  profile: BenchProfile,
  hooks: BenchHooks = {},
  userServers: readonly UserBenchServer[] = [],
): Promise<BenchResult> {
  const result: BenchResult = {
    tool: "sockbench",
    version: SOCKBENCH_VERSION,
    startedAt: new Date().toISOString(),
    machine: describeMachine(),
    profile: profile.name,
    settings: {
      rounds: profile.rounds,
      roundMs: profile.durationMs,
      warmupMs: profile.warmupMs,
      pipelining: profile.pipelining,
      timeoutMs: profile.timeoutMs,
      order: "interleaved",
      seed: profile.seed,
    },
    runs: [],
  };
  await probeUserServers(userServers);
  const builtIn = benchScenarios(profile);
  const servers = new Map<string, ServerProcess>();
  const userSessions: UserServerCells[] = [];
  const plan = {
    rounds: profile.rounds,
    roundMs: profile.durationMs,
    warmupMs: profile.warmupMs,
    seed: profile.seed,
  };
  let outcomes: CellOutcome[];
  const cells: RoundCell[] = [];
  try {
    const builtInServers = await startBuiltInServers(builtIn, servers);
    for (const [index, scenario] of builtIn.entries()) {
      cells.push({
        scenario,
        load: builtInLoad(scenario, builtInServers[index] as ServerProcess, profile.timeoutMs, hooks.signal),
      });
    }
    for (const userServer of userServers) {
      const own = await openUserServerCells(
        userServer,
        userServerScenarios(userServer, profile),
        profile.timeoutMs,
        hooks.signal,
      );
      userSessions.push(own);
      cells.push(...own.cells);
    }
    outcomes = await runInterleavedRounds(cells, plan, hooks.signal, hooks.onStep);
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await Promise.all(userSessions.map((session) => session.close()));
  }
  let failure: Error | undefined;
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome === undefined) continue;
    if ("error" in outcome) {
      failure ??= outcome.error;
      continue;
    }
    result.runs.push(benchRunOf((cells[index] as RoundCell).scenario, outcome.rounds, outcome.warmedMs));
  }
  if (failure) {
    if (result.runs.length === 0) throw failure;
    throw new BenchFailedError(failure, { ...result, partial: true });
  }
  return hooks.signal?.aborted ? { ...result, partial: true } : result;
}

/**
 * Starts the built-in servers the scenarios need (one per distinct `serve` command line), each kept for
 * the whole bench; `servers` collects them for the caller to stop.
 */
export async function startBuiltInServers(
  scenarios: readonly BenchScenario[],
  servers: Map<string, ServerProcess>,
): Promise<ServerProcess[]> {
  const started: ServerProcess[] = [];
  for (const scenario of scenarios) {
    const key = serveArguments(scenario).join(" ");
    let server = servers.get(key);
    if (!server) {
      server = await startServerProcess(serveArguments(scenario));
      servers.set(key, server);
    }
    started.push(server);
  }
  return started;
}
