// Starts the fault-injecting proxy: accepts clients, connects each to the target and joins the two
// through the faults. Several proxies can run in one process; close() leaves no socket or timer behind.

import { randomInt } from "node:crypto";
import { createServer } from "node:net";
import { RateLimitedLog } from "../rate-limited-log.js";
import { SeededRandom } from "../seeded-random.js";
import { assertValidFaults, type FaultOptions, type ProxyDirection } from "./fault-options.js";
import { ProxiedConnection } from "./proxied-connection.js";

export const DEFAULT_PROXY_HOST = "127.0.0.1";
export const DEFAULT_PROXY_PORT = 65433;
export const DEFAULT_PROXY_IDLE_TIMEOUT_MS = 120_000;
export const DEFAULT_PROXY_MAX_CONNECTIONS = 1024;

export interface ProxyOptions {
  listenHost: string;
  /** 0 picks a free port. */
  listenPort: number;
  targetHost: string;
  targetPort: number;
  faults: FaultOptions;
  /** Which direction the faults apply to (default both). */
  direction?: ProxyDirection;
  /** Seeds every random choice, so a run can be repeated (default: a random seed). */
  seed?: number;
  /** A proxied connection silent both ways this long is reset; 0: never. Default 120 s. */
  idleTimeoutMs?: number;
  /** Clients beyond this many at once are closed at accept. Default 1024. */
  maxConnections?: number;
  /** One line per connection that ends abnormally (target unreachable, reset), at most one per reason a second. */
  log?: (line: string) => void;
}

export interface RunningProxy {
  readonly host: string;
  readonly port: number;
  /** The seed in use, given or drawn. */
  readonly seed: number;
  /**
   * Stops accepting, resets every proxied connection and waits until all sockets are closed. With
   * `graceMs` (Ctrl-C on `proxy`, the end of a check cell), connections keep relaying, so that replies in flight arrive, until they
   * close by themselves or `graceMs` has passed; then what is left is reset. A user's
   * server then sees its clients leave as clients do, not a reset it may not survive.
   */
  close(graceMs?: number): Promise<void>;
}

/** Throws FaultOptionsError when the faults make no sense. */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  assertValidFaults(options.faults);
  const seed = options.seed ?? randomInt(2 ** 32);
  const random = new SeededRandom(seed);
  const connections = new Set<ProxiedConnection>();
  const log = new RateLimitedLog(options.log ?? (() => {}));
  const maxConnections = options.maxConnections ?? DEFAULT_PROXY_MAX_CONNECTIONS;
  // Half-open allowed: a client that ends its sending side may still be owed replies.
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });

  server.on("connection", (client) => {
    if (connections.size >= maxConnections) {
      log.note(
        "max-connections",
        `${client.remoteAddress ?? "a client"}:${client.remotePort ?? ""} refused: max connections ${maxConnections} reached`,
      );
      client.destroy();
      return;
    }
    const connection = new ProxiedConnection(client, {
      targetHost: options.targetHost,
      targetPort: options.targetPort,
      faults: options.faults,
      direction: options.direction ?? "both",
      random: random.fork(),
      idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_PROXY_IDLE_TIMEOUT_MS,
      log,
    });
    connections.add(connection);
    void connection.closed.then(() => connections.delete(connection));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.listenPort, options.listenHost, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");

  const close = async (graceMs = 0): Promise<void> => {
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    if (graceMs > 0 && connections.size > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        graceTimer = setTimeout(resolve, graceMs);
      });
      await Promise.race([graceOver, Promise.all([...connections].map((connection) => connection.closed))]);
      clearTimeout(graceTimer);
    }
    const closing = [...connections].map((connection) => {
      connection.abort();
      return connection.closed;
    });
    await Promise.all([stopped, ...closing]);
    log.flush();
  };
  return { host: address.address, port: address.port, seed, close };
}
