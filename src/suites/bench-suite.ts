// `sockbench bench`: starts each server variant itself, drives every framing at every size through the
// load driver, and gathers one result file. Servers run as child processes, so the driver never shares
// their event loop.

import type { LoadConfig } from "../clients/load/core/load-config.js";
import { runLoad } from "../clients/load/load-driver.js";
import type { BenchResult, BenchRun, BenchScenario } from "../results/bench-result.js";
import { DEFAULT_MAX_CONNECTIONS } from "../servers/server-options.js";
import { SOCKBENCH_VERSION } from "../version.js";
import { runCellRounds } from "./bench-cell-rounds.js";
import { type BenchProfile, benchScenarios } from "./bench-profiles.js";
import { FRAGMENTATIONS } from "./fragmentations.js";
import { withFragmentedTarget } from "./fragmented-target.js";
import { recordSizeFor } from "./record-size.js";
import { describeMachine } from "./run-context.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import {
  probeUserServers,
  runUserServerScenarios,
  type UserBenchServer,
  userServerScenarios,
} from "./user-bench-servers.js";

export interface BenchHooks {
  onScenarioStart?: (index: number, total: number, scenario: BenchScenario) => void;
  /**
   * Aborting it (Ctrl-C) stops the bench: the scenario in progress is dropped, the result holds those
   * that finished every round and is marked `partial`.
   */
  signal?: AbortSignal;
}

/**
 * A bench that failed after some cells finished (a user's server that stopped starting, a reference
 * server that would not start): `result` keeps them, marked partial, for the command to write.
 */
export class BenchFailedError extends Error {
  override readonly name = "BenchFailedError";

  constructor(
    override readonly cause: Error,
    readonly result: BenchResult,
  ) {
    super(cause.message);
  }
}

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
  if (scenario.framing === "fixed") {
    return [...served, "--framing", "fixed", "--record-size", String(recordSizeFor(scenario.size))];
  }
  return [...served, "--framing", scenario.framing];
}

/** How the driver speaks to the scenario's server: a TCP framing, or HTTP. */
function transportConfig(scenario: BenchScenario): Partial<LoadConfig> {
  if (scenario.framing === "http" || scenario.framing === "udp") return { transport: scenario.framing };
  if (scenario.framing === "fixed") return { framing: "fixed", recordSize: recordSizeFor(scenario.size) };
  return { framing: scenario.framing };
}

/** The scenario's rounds on the built-in server; undefined when interrupted before the last one ended. */
async function runScenario(
  scenario: BenchScenario,
  server: ServerProcess,
  profile: BenchProfile,
  signal: AbortSignal | undefined,
): Promise<BenchRun | undefined> {
  const fragmentation = FRAGMENTATIONS[scenario.fragmentation];
  return withFragmentedTarget(server, fragmentation, (target) =>
    runCellRounds(scenario, profile, signal, (warmupMs) =>
      runLoad(
        {
          target,
          ...transportConfig(scenario),
          connections: scenario.connections,
          pipelining: scenario.pipelining,
          sizesBytes: [scenario.size],
          warmupMs,
          durationMs: profile.durationMs,
          timeoutMs: profile.timeoutMs,
          verify: "echo",
          splitPieces: fragmentation.splitPieces ?? 1,
          serverPid: server.pid,
        },
        signal ? { signal } : {},
      ),
    ),
  );
}

/**
 * Runs the profile's scenarios on the built-in servers, then the same sizes on each of the user's
 * servers (`userServers`), all into one result. Each user's server is started once first, so that one
 * that cannot start fails the bench before minutes of built-in cells; a failure after some cells
 * finished rejects with a BenchFailedError that holds them.
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
    },
    runs: [],
  };
  await probeUserServers(userServers);
  const builtIn = benchScenarios(profile);
  const own = userServers.map((userServer) => userServerScenarios(userServer, profile));
  const total = builtIn.length + own.reduce((sum, scenarios) => sum + scenarios.length, 0);
  let started = 0;
  const onStart = (scenario: BenchScenario) => hooks.onScenarioStart?.(started++, total, scenario);
  try {
    await runBuiltInScenarios(builtIn, profile, hooks.signal, onStart, result.runs);
    for (const [index, userServer] of userServers.entries()) {
      if (hooks.signal?.aborted) break;
      await runUserServerScenarios(userServer, own[index] ?? [], profile, onStart, result.runs, hooks.signal);
    }
  } catch (error) {
    if (result.runs.length === 0) throw error;
    throw new BenchFailedError(error as Error, { ...result, partial: true });
  }
  return hooks.signal?.aborted ? { ...result, partial: true } : result;
}

/** The built-in cells, each finished one pushed onto `runs` as it ends (kept should a later one fail). */
async function runBuiltInScenarios(
  scenarios: BenchScenario[],
  profile: BenchProfile,
  signal: AbortSignal | undefined,
  onStart: (scenario: BenchScenario) => void,
  runs: BenchRun[],
): Promise<void> {
  let server: ServerProcess | undefined;
  let serverKey = "";
  try {
    for (const scenario of scenarios) {
      if (signal?.aborted) break;
      onStart(scenario);
      const key = serveArguments(scenario).join(" ");
      if (key !== serverKey) {
        await server?.stop();
        server = await startServerProcess(serveArguments(scenario));
        serverKey = key;
      }
      const run = await runScenario(scenario, server as ServerProcess, profile, signal);
      if (run) runs.push(run);
    }
  } finally {
    await server?.stop();
  }
}
