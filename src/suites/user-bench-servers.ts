// The user's servers in `sockbench bench`: each is started by its command and driven at the profile's
// sizes through the same driver as the built-in servers, so that its rows land in the same tables.

import type { FramingSpec } from "../framing/framing.js";
import { framingFromSpec, payloadSizeRefusal } from "../framing/registry.js";
import type { BenchScenario } from "../results/bench-result.js";
import { TargetSetupError } from "../targets/target-error.js";
import {
  openTarget,
  startTargetServer,
  type TargetEndpoint,
  type TargetSession,
} from "../targets/target-session.js";
import { type ExpectationSpec, expectationConfig, type ServerCommandSpec } from "../targets/target-spec.js";
import type { RoundCell } from "./bench-cell-rounds.js";
import type { BenchProfile } from "./bench-profiles.js";
import { cellLoad } from "./round-load.js";

export interface UserBenchServer {
  /** Its column in the tables. */
  name: string;
  target: ServerCommandSpec;
  framing: FramingSpec;
  /** How its replies are cut, when not as its requests are. */
  replyFraming?: FramingSpec;
  expect: ExpectationSpec;
  connections: number;
}

/** The scenarios of one user server: the profile's sizes and fragmentations, at its own connection count. */
export function userServerScenarios(server: UserBenchServer, profile: BenchProfile): BenchScenario[] {
  const framing = framingFromSpec(server.framing);
  return profile.fragmentations.flatMap((fragmentation) =>
    profile.sizesBytes
      .filter((size) => fragmentation === "none" || size <= profile.fragmentedMaxSizeBytes)
      .filter((size) => payloadSizeRefusal(framing, size) === undefined)
      .map((size) => ({
        framing: framing.name,
        variant: server.name,
        server: server.target.command,
        size,
        connections: server.connections,
        pipelining: profile.pipelining,
        fragmentation,
      })),
  );
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
      throw new TargetSetupError(error.kind, `your server ${server.name}: ${error.message}`);
    }
    await session.close();
  }
}

/** A user's server's cells, each with the server it loads, and how to stop those servers. */
export interface UserServerCells {
  cells: RoundCell[];
  close(): Promise<void>;
}

/**
 * Starts what the user's server's cells need for interleaved rounds: under --restart per-cell on a free
 * port, a server of its own for each cell, kept for all its rounds (so one cell's leftover state cannot
 * spoil another's); otherwise (never, a fixed port, an address) the one server, shared by every cell.
 */
export async function openUserServerCells(
  server: UserBenchServer,
  scenarios: BenchScenario[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<UserServerCells> {
  const spec = server.target;
  const named = (error: unknown): Error =>
    error instanceof TargetSetupError
      ? new TargetSetupError(error.kind, `your server ${server.name}: ${error.message}`)
      : (error as Error);
  // A cell whose server would not start fails alone (its load rejects): the other cells still run.
  const endpoints: (TargetEndpoint | Error)[] = [];
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    await Promise.all(stops.map((stop) => stop()));
  };
  if (spec.restart === "per-cell" && spec.port === undefined) {
    for (const _ of scenarios) {
      try {
        const running = await startTargetServer(spec);
        stops.push(() => running.stop());
        endpoints.push({ host: running.host, port: running.port, server: running });
      } catch (error) {
        endpoints.push(named(error));
      }
    }
  } else {
    try {
      const session = await openTarget({ ...spec, restart: "never" });
      stops.push(() => session.close());
      const shared = await session.withCell(async (endpoint) => endpoint);
      for (const _ of scenarios) endpoints.push(shared);
    } catch (error) {
      throw named(error);
    }
  }
  const cells = scenarios.map((scenario, index) => {
    const endpoint = endpoints[index] as TargetEndpoint | Error;
    if (endpoint instanceof Error) return { scenario, load: () => Promise.reject(endpoint) };
    return {
      scenario,
      load: cellLoad(
        endpoint,
        scenario,
        {
          framing: framingFromSpec(server.framing),
          ...(server.replyFraming !== undefined ? { replyFraming: server.replyFraming } : {}),
          // The server's side of the cost per message, as for the built-in servers.
          ...(endpoint.server !== undefined ? { serverPid: endpoint.server.pid } : {}),
          ...expectationConfig(server.expect),
        },
        timeoutMs,
        signal,
      ),
    };
  });
  return { cells, close };
}
