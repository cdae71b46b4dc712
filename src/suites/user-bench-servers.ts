// The user's servers in `sockbench bench`: each is started by its command and driven at the profile's
// sizes through the same driver as the built-in servers, so that its rows land in the same tables.

import type { LoadConfig } from "../clients/load/core/load-config.js";
import { runLoad } from "../clients/load/load-driver.js";
import type { FramingName } from "../framing/framing.js";
import type { BenchRun, BenchScenario } from "../results/bench-result.js";
import { TargetSetupError } from "../targets/target-error.js";
import { openTarget, type TargetSession } from "../targets/target-session.js";
import type { ExpectationSpec, ServerCommandSpec } from "../targets/target-spec.js";
import { runCellRounds } from "./bench-cell-rounds.js";
import type { BenchProfile } from "./bench-profiles.js";
import { FRAGMENTATIONS } from "./fragmentations.js";
import { withFragmentedTarget } from "./fragmented-target.js";

export interface UserBenchServer {
  /** Its column in the tables. */
  name: string;
  target: ServerCommandSpec;
  framing: FramingName;
  token?: Buffer;
  recordSize?: number;
  expect: ExpectationSpec;
  connections: number;
}

/** The scenarios of one user server: the profile's sizes and fragmentations, at its own connection count. */
export function userServerScenarios(server: UserBenchServer, profile: BenchProfile): BenchScenario[] {
  return profile.fragmentations.flatMap((fragmentation) =>
    profile.sizesBytes
      .filter((size) => fragmentation === "none" || size <= profile.fragmentedMaxSizeBytes)
      .filter((size) => server.framing !== "fixed" || size <= (server.recordSize ?? 1024))
      .map((size) => ({
        framing: server.framing,
        variant: server.name,
        server: server.target.command,
        size,
        connections: server.connections,
        pipelining: profile.pipelining,
        fragmentation,
      })),
  );
}

function expectationConfig(expect: ExpectationSpec): Pick<LoadConfig, "verify" | "expectModule"> {
  return expect.kind === "module" ? { expectModule: expect.path } : { verify: expect.name };
}

/**
 * Starts each server once and stops it: a command that cannot start (exits, never gets ready) rejects
 * here, with the server named, before any cell runs.
 */
export async function probeUserServers(servers: readonly UserBenchServer[]): Promise<void> {
  for (const server of servers) {
    let session: TargetSession;
    try {
      session = await openTarget(server.target);
    } catch (error) {
      if (!(error instanceof TargetSetupError)) throw error;
      throw new TargetSetupError(error.code, `your server ${server.name}: ${error.message}`);
    }
    await session.close();
  }
}

/**
 * Runs `scenarios` (all of one server), each for the profile's rounds, the server started as its
 * --restart says, and pushes each finished cell onto `runs` in order (so that a later failure keeps
 * them). A cell `signal` stopped is left out.
 */
export async function runUserServerScenarios(
  server: UserBenchServer,
  scenarios: BenchScenario[],
  profile: BenchProfile,
  onScenarioStart: (scenario: BenchScenario) => void,
  runs: BenchRun[],
  signal?: AbortSignal,
): Promise<void> {
  const session = await openTarget(server.target);
  try {
    for (const scenario of scenarios) {
      if (signal?.aborted) break;
      onScenarioStart(scenario);
      const fragmentation = FRAGMENTATIONS[scenario.fragmentation];
      const run = await session.withCell((endpoint) =>
        withFragmentedTarget(endpoint, fragmentation, (target) =>
          runCellRounds(scenario, profile, signal, (warmupMs) =>
            runLoad(
              {
                target,
                framing: server.framing,
                ...(server.token !== undefined ? { token: server.token } : {}),
                ...(server.recordSize !== undefined ? { recordSize: server.recordSize } : {}),
                connections: scenario.connections,
                pipelining: scenario.pipelining,
                sizesBytes: [scenario.size],
                warmupMs,
                durationMs: profile.durationMs,
                timeoutMs: profile.timeoutMs,
                splitPieces: fragmentation.splitPieces ?? 1,
                // The server's side of the cost per message, as for the built-in servers.
                ...(endpoint.server !== undefined ? { serverPid: endpoint.server.pid } : {}),
                ...expectationConfig(server.expect),
              },
              signal ? { signal } : {},
            ),
          ),
        ),
      );
      if (run) runs.push(run);
    }
  } finally {
    await session.close();
  }
}
