// A target for the length of one run (a check matrix, a bench, a stress run): hands each cell the
// address to load, starting the user's server for it when --restart per-cell asks, and stops every
// server it started when the run ends. A server that cannot start, or a running one on this machine
// that does not listen, fails the run before any cell (TargetSetupError: exit 2).

import { findFreePort } from "./free-port.js";
import { isPortListening } from "./listening-port.js";
import { type RunningServerCommand, startServerCommand } from "./server-command.js";
import { assertTargetListening } from "./target-listening.js";
import type { TargetSpec } from "./target-spec.js";

export interface TargetEndpoint {
  host: string;
  port: number;
  /** The server started for this cell (per-cell) or for the run (never); absent with --target alone. */
  server?: RunningServerCommand;
}

export interface TargetSession {
  readonly spec: TargetSpec;
  /**
   * Whether cells may run at the same time: only when each gets a server of its own on its own port.
   * A shared server (already running, or never restarted) might serve one client at a time.
   */
  readonly cellsMayOverlap: boolean;
  /** Runs one cell against the target; a server started for the cell is stopped when it settles. */
  withCell<T>(run: (endpoint: TargetEndpoint) => Promise<T>): Promise<T>;
  /** The servers running now (for their pids). */
  runningServers(): RunningServerCommand[];
  /** Stops every server still running. */
  close(): Promise<void>;
}

/** Free ports tried for one start before a server's failure to bind is its own. */
const FREE_PORT_ATTEMPTS = 3;

/** Starts the server of a command target, on its fixed port or a free one. */
export async function startTargetServer(
  spec: Extract<TargetSpec, { kind: "command" }>,
): Promise<RunningServerCommand> {
  const start = async (port: number) =>
    startServerCommand({
      command: spec.command,
      host: spec.host,
      port,
      ...(spec.readyPattern !== undefined ? { readyPattern: spec.readyPattern } : {}),
      readyTimeoutMs: spec.readyTimeoutMs,
    });
  if (spec.port !== undefined) return start(spec.port);
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort(spec.host);
    try {
      return await start(port);
    } catch (error) {
      // A free port is only free until someone binds it: another cell's proxy or a client's ephemeral
      // port may take it before the server does. Then the server exits with "address in use" while
      // something else listens there, and another free port is tried.
      const taken = (await isPortListening(port)) === true;
      if (!taken || attempt >= FREE_PORT_ATTEMPTS) throw error;
    }
  }
}

/**
 * Opens the target: starts the server now (to fail early when it cannot start) unless it is already
 * running; one already running on this machine must be listening.
 */
export async function openTarget(spec: TargetSpec): Promise<TargetSession> {
  const running = new Set<RunningServerCommand>();
  const start = async (): Promise<RunningServerCommand> => {
    const server = await startTargetServer(spec as Extract<TargetSpec, { kind: "command" }>);
    running.add(server);
    return server;
  };
  const stop = async (server: RunningServerCommand): Promise<void> => {
    try {
      await server.stop();
    } finally {
      running.delete(server);
    }
  };
  if (spec.kind === "address") {
    await assertTargetListening(spec.host, spec.port);
    return {
      spec,
      cellsMayOverlap: false,
      withCell: (run) => run({ host: spec.host, port: spec.port }),
      runningServers: () => [],
      close: async () => {},
    };
  }
  // The first server proves the command starts; under per-cell it serves the first cell.
  let spare: RunningServerCommand | undefined = await start();
  if (spec.restart === "never") {
    const server = spare;
    return {
      spec,
      cellsMayOverlap: false,
      withCell: (run) => run({ host: server.host, port: server.port, server }),
      runningServers: () => [...running],
      close: () => stop(server),
    };
  }
  // Once closed, no cell starts a server: cells still running when a run fails must not outlive it.
  let closed = false;
  return {
    spec,
    cellsMayOverlap: spec.port === undefined,
    async withCell(run) {
      const ended = () => new Error("the target session is closed: no cell starts after the run ended");
      if (closed) throw ended();
      const server = spare ?? (await start());
      spare = undefined;
      if (closed) {
        await stop(server);
        throw ended();
      }
      try {
        return await run({ host: server.host, port: server.port, server });
      } finally {
        await stop(server);
      }
    },
    runningServers: () => [...running],
    close: async () => {
      closed = true;
      await Promise.all([...running].map(stop));
    },
  };
}
