// `sockbench serve`: runs one server variant until it stops by itself or is interrupted.

import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { APP_NAMES, type AppName } from "../apps/app.js";
import type { FramingName } from "../framing/framing.js";
import { formatHostPort, unbracketHost } from "../host-port.js";
import { type ServeOptions, serve, serveOptionsProblem } from "../library/serve.js";
import { TRANSPORTS, type Transport } from "../results/transport.js";
import { defaultMaxBufferedBytes } from "../servers/buffer-budget.js";
import { defaultClusterWorkerCount } from "../servers/cluster-server.js";
import { DEFAULT_FRAME_TIMEOUT_MS, DEFAULT_MIN_RECEIVE_BYTES_PER_S } from "../servers/connection-guards.js";
import {
  DEFAULT_HOST,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_PORT,
  SERVER_VARIANTS,
  type ServerVariant,
} from "../servers/server-options.js";
import { explainAddressInUse } from "./address-in-use.js";
import { CommandFailure, EXIT_ERRORS_FOUND } from "./exit-codes.js";
import {
  addFramingOptions,
  type FramingCliOptions,
  framingFromOptions,
  framingOptionGiven,
} from "./framing-options.js";
import { durationOption, parseIntegerInRange, parsePort, parseSizeBytes } from "./option-parsers.js";
import { withStopSignals } from "./stop-signals.js";

interface ServeCliOptions extends FramingCliOptions {
  variant: ServerVariant;
  transport: Transport;
  workers: number;
  app: string;
  host: string;
  port: number;
  idleTimeout: number;
  maxConnections: number;
  maxConnectionsPerAddress?: number;
  frameTimeout: number;
  minReceiveRate: number;
  maxBuffered: number;
  tlsCert?: string;
  tlsKey?: string;
  unix?: string;
}

function readPem(option: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CommandFailure(`cannot read ${option} ${path}: ${(error as Error).message}`);
  }
}

/** The flag of each serve option a problem can name (serveOptionsProblem words them as fields). */
const SERVE_FLAGS: Partial<Record<keyof ServeOptions | "maxFrameBytes", string>> = {
  idleTimeoutMs: "--idle-timeout",
  maxConnections: "--max-connections",
  maxConnectionsPerAddress: "--max-connections-per-address",
  maxBufferedBytes: "--max-buffered",
  maxRequestBytes: "--max-frame",
  maxFrameBytes: "--max-frame",
  tls: "--tls-cert/--tls-key",
  unixPath: "--unix",
};

export function registerServeCommand(program: Command): void {
  const command = program
    .command("serve")
    .description("run a server: a variant, a framing and an app")
    .addOption(
      new Option("--variant <name>", "how connections are accepted")
        .choices(SERVER_VARIANTS)
        .default("concurrent"),
    )
    .addOption(
      new Option(
        "--transport <name>",
        "tcp: messages cut by --framing; http: one message per POST body; udp: one message per datagram",
      )
        .choices(TRANSPORTS)
        .default("tcp"),
    )
    .option(
      "--workers <count>",
      "cluster: worker processes",
      parseIntegerInRange(1, 1024),
      defaultClusterWorkerCount(),
    )
    .addOption(new Option("--app <name>", "what a message gets back").choices(APP_NAMES).default("echo"))
    .option("--host <host>", "address to bind (::1 or [::1] for IPv6)", unbracketHost, DEFAULT_HOST)
    .option("--port <port>", "port to bind; 0 picks a free one", parsePort, DEFAULT_PORT)
    .addOption(
      durationOption(
        "--idle-timeout <duration>",
        "close a connection silent this long (0: never)",
        DEFAULT_IDLE_TIMEOUT_MS,
      ),
    )
    .option(
      "--max-connections <count>",
      "connections served or queued at once (cluster: split between workers)",
      parseIntegerInRange(1, 1_000_000),
      DEFAULT_MAX_CONNECTIONS,
    )
    .option(
      "--max-connections-per-address <count>",
      "connections one client address may hold (default: a quarter of --max-connections)",
      parseIntegerInRange(1, 1_000_000),
    )
    .addOption(
      durationOption(
        "--frame-timeout <duration>",
        "close a peer whose frame is not complete this long after its first byte (0: never)",
        DEFAULT_FRAME_TIMEOUT_MS,
      ),
    )
    .option(
      "--min-receive-rate <bytes-per-s>",
      "close a peer sending slower than this mid-frame, over 5 s windows (0: no minimum)",
      parseSizeBytes,
      DEFAULT_MIN_RECEIVE_BYTES_PER_S,
    )
    .addOption(
      new Option(
        "--max-buffered <size>",
        "bytes held for all connections before the largest holders stop being read",
      )
        .argParser(parseSizeBytes)
        .default(defaultMaxBufferedBytes(), "a quarter of memory"),
    )
    .option("--tls-cert <file>", "serve TLS with this certificate (PEM); needs --tls-key")
    .option("--tls-key <file>", "the TLS certificate's private key (PEM)")
    .option("--unix <path>", "listen on this Unix socket instead of host and port");
  addFramingOptions(command).action(async (options: ServeCliOptions) => {
    const given = (name: string) => command.getOptionValueSource(name) === "cli";
    if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) {
      throw new CommandFailure("--tls-cert and --tls-key go together: give both or neither");
    }
    const tls =
      options.tlsCert !== undefined && options.tlsKey !== undefined
        ? { cert: readPem("--tls-cert", options.tlsCert), key: readPem("--tls-key", options.tlsKey) }
        : undefined;
    // Over http and udp the framing options keep their defaults unless given, and serve() refuses them.
    const framingGiven = framingOptionGiven(given);
    const serveOptions: ServeOptions = {
      variant: options.variant,
      transport: options.transport,
      app: options.app as AppName,
      host: options.host,
      port: options.port,
      // UDP has no connections: their limits go only where they apply, and serve() refuses them if given.
      ...(options.transport !== "udp" || given("idleTimeout") ? { idleTimeoutMs: options.idleTimeout } : {}),
      ...(options.transport !== "udp" || given("maxConnections")
        ? { maxConnections: options.maxConnections }
        : {}),
      frameTimeoutMs: options.frameTimeout,
      minReceiveBytesPerS: options.minReceiveRate,
      maxBufferedBytes: options.maxBuffered,
      log: (line) => process.stderr.write(`${line}\n`),
      ...(options.maxConnectionsPerAddress !== undefined
        ? { maxConnectionsPerAddress: options.maxConnectionsPerAddress }
        : {}),
      ...(options.transport !== "tcp"
        ? {
            maxRequestBytes: options.maxFrame,
            ...(framingGiven ? { framing: options.framing as FramingName } : {}),
          }
        : { framing: framingFromOptions(options, given) }),
      ...(given("workers") ? { workers: options.workers } : {}),
      ...(tls ? { tls } : {}),
      ...(options.unix !== undefined ? { unixPath: options.unix } : {}),
    };
    const problem = serveOptionsProblem(serveOptions, (field) => SERVE_FLAGS[field] ?? `--${field}`);
    if (problem !== undefined) throw new CommandFailure(problem);
    const server = await serve(serveOptions).catch(
      explainAddressInUse(
        options.unix !== undefined ? { unixPath: options.unix } : { host: options.host, port: options.port },
        options.unix !== undefined ? "--unix" : "--port",
      ),
    );
    // The stop handlers are in place before "listening on" is printed: whoever reads it may signal at once.
    await withStopSignals("closing the listener; replies already written still go out", async (signal) => {
      // Plain TCP keeps the lab's `listening on HOST:PORT`; TLS and Unix sockets print their --target form.
      process.stdout.write(`listening on ${server.target ?? formatHostPort(server.host, server.port)}\n`);
      const stop = () => void server.close(SHUTDOWN_GRACE_MS);
      signal.addEventListener("abort", stop, { once: true });
      try {
        await server.finished;
      } catch (error) {
        throw new CommandFailure((error as Error).message, EXIT_ERRORS_FOUND);
      } finally {
        signal.removeEventListener("abort", stop);
      }
    });
  });
}

/** On Ctrl-C, connections get this long to take their last replies before they are destroyed. */
const SHUTDOWN_GRACE_MS = 2000;
