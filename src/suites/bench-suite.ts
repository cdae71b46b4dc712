// `sockbench bench`: starts each server variant itself, drives every framing at every size through the
// load driver, and gathers one result file. Servers run as child processes, so the driver never shares
// their event loop.

import type { LoadConfig } from "../clients/load/core/load-config.js";
import { runLoad } from "../clients/load/load-driver.js";
import type { BenchResult, BenchRun, BenchScenario } from "../results/bench-result.js";
import { SOCKBENCH_VERSION } from "../version.js";
import { type BenchProfile, benchScenarios } from "./bench-profiles.js";
import { FRAGMENTATIONS } from "./fragmentations.js";
import { withFragmentedTarget } from "./fragmented-target.js";
import { recordSizeFor } from "./record-size.js";
import { describeMachine } from "./run-context.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";
import { runUserServerScenarios, type UserBenchServer, userServerScenarios } from "./user-bench-servers.js";

export interface BenchHooks {
  onScenarioStart?: (index: number, total: number, scenario: BenchScenario) => void;
}

function serveArguments(scenario: BenchScenario): string[] {
  const served = ["--variant", scenario.variant, "--app", "echo"];
  if (scenario.framing === "http") return [...served, "--transport", "http"];
  if (scenario.framing === "fixed") {
    return [...served, "--framing", "fixed", "--record-size", String(recordSizeFor(scenario.size))];
  }
  return [...served, "--framing", scenario.framing];
}

/** How the driver speaks to the scenario's server: a TCP framing, or HTTP. */
function transportConfig(scenario: BenchScenario): Partial<LoadConfig> {
  if (scenario.framing === "http") return { transport: "http" };
  if (scenario.framing === "fixed") return { framing: "fixed", recordSize: recordSizeFor(scenario.size) };
  return { framing: scenario.framing };
}

async function runScenario(
  scenario: BenchScenario,
  server: ServerProcess,
  profile: BenchProfile,
): Promise<BenchRun> {
  const fragmentation = FRAGMENTATIONS[scenario.fragmentation];
  const result = await withFragmentedTarget(server, fragmentation, (target) =>
    runLoad({
      target,
      ...transportConfig(scenario),
      connections: scenario.connections,
      pipelining: scenario.pipelining,
      sizesBytes: [scenario.size],
      warmupMs: profile.warmupMs,
      durationMs: profile.durationMs,
      timeoutMs: profile.timeoutMs,
      verify: "echo",
      splitPieces: fragmentation.splitPieces ?? 1,
      serverPid: server.pid,
    }),
  );
  return { scenario, ...result };
}

/**
 * Runs the profile's scenarios on the built-in servers, then the same sizes on each of the user's
 * servers (`userServers`), all into one result.
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
    runs: [],
  };
  const builtIn = benchScenarios(profile);
  const own = userServers.map((userServer) => userServerScenarios(userServer, profile));
  const total = builtIn.length + own.reduce((sum, scenarios) => sum + scenarios.length, 0);
  let started = 0;
  const onStart = (scenario: BenchScenario) => hooks.onScenarioStart?.(started++, total, scenario);
  let server: ServerProcess | undefined;
  let serverKey = "";
  try {
    for (const scenario of builtIn) {
      onStart(scenario);
      const key = serveArguments(scenario).join(" ");
      if (key !== serverKey) {
        await server?.stop();
        server = await startServerProcess(serveArguments(scenario));
        serverKey = key;
      }
      result.runs.push(await runScenario(scenario, server as ServerProcess, profile));
    }
  } finally {
    await server?.stop();
  }
  for (const [index, userServer] of userServers.entries()) {
    result.runs.push(...(await runUserServerScenarios(userServer, own[index] ?? [], profile, onStart)));
  }
  return result;
}
