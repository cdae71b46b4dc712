// `serve()` for programs and tests: one of sockbench's server variants on a free loopback port by
// default, with the command line's defaults; `sockbench serve` calls it with its options.

import type { AppName } from "../apps/app.js";
import { getApp } from "../apps/registry.js";
import { registerErrorClass, SockbenchError } from "../errors.js";
import { DEFAULT_MAX_FRAME_BYTES } from "../framing/frame-decoder.js";
import type { Framing, FramingChoice } from "../framing/framing.js";
import { framingOf } from "../framing/registry.js";
import type { Transport } from "../results/transport.js";
import { defaultClusterWorkerCount } from "../servers/cluster-server.js";
import {
  DEFAULT_HOST,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  type ListenOptions,
  type RunningServer,
  type ServerVariant,
} from "../servers/server-options.js";
import { startServer, unsupportedCombination } from "../servers/start-server.js";

export interface ServeOptions extends Partial<Omit<ListenOptions, "log">> {
  /** Default concurrent. */
  variant?: ServerVariant;
  /** Default tcp. */
  transport?: Transport;
  /** tcp: a framing by name (`"length"`), by name with options (`{ name: "eof", token: "\n" }`) or built; default eof. Not with http. */
  framing?: FramingChoice | Framing;
  /** Default echo. */
  app?: AppName;
  /** http: the largest request body; udp: the largest request datagram (default 16 MiB; tcp takes the framing's `maxFrameBytes`). */
  maxRequestBytes?: number;
  /** cluster: processes (default one per core). */
  workers?: number;
  /** Where the server's log lines go (default: nowhere). */
  log?: (line: string) => void;
}

/** Options that do not go together; the message names them and what is allowed. */
export class ServeOptionsError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_SERVE_OPTIONS";
}
registerErrorClass(ServeOptionsError);

/**
 * Why the options cannot run together, or undefined. An option is named by its field (`workers`;
 * `maxFrameBytes` is framingOptions') unless `name` words it otherwise (serve-command passes its flags).
 */
export function serveOptionsProblem(
  options: ServeOptions,
  name: (field: keyof ServeOptions | "maxFrameBytes") => string = (field) => field,
): string | undefined {
  const variant = options.variant ?? "concurrent";
  const transport = options.transport ?? "tcp";
  if (transport !== "tcp" && options.framing !== undefined) {
    return `--framing, --token and --record-size apply to --transport tcp: over ${transport} each ${transport === "http" ? "POST body" : "datagram"} is one message (--max-frame still limits it)`;
  }
  if (transport === "udp" && (options.idleTimeoutMs !== undefined || options.maxConnections !== undefined)) {
    return `${name("idleTimeoutMs")} and ${name("maxConnections")} apply to ${name("transport")} tcp and http: UDP has no connections`;
  }
  if (options.workers !== undefined && variant !== "cluster")
    return `${name("workers")} applies to ${name("variant")} cluster only`;
  if (
    (options.tls !== undefined || options.unixPath !== undefined) &&
    (transport !== "tcp" || variant === "cluster")
  ) {
    return `${name("tls")} and ${name("unixPath")} apply to ${name("transport")} tcp with ${name("variant")} single-shot, sequential or concurrent`;
  }
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const perAddress = options.maxConnectionsPerAddress;
  if (perAddress !== undefined && perAddress > maxConnections) {
    return `${name("maxConnectionsPerAddress")} ${perAddress} is above ${name("maxConnections")} ${maxConnections}: one address cannot hold more than the server`;
  }
  const maxFrameBytes =
    transport !== "tcp"
      ? (options.maxRequestBytes ?? DEFAULT_MAX_FRAME_BYTES)
      : (framingOf(options.framing ?? "eof").spec.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  if (options.maxBufferedBytes !== undefined && options.maxBufferedBytes < maxFrameBytes) {
    const frameField = transport !== "tcp" ? "maxRequestBytes" : "maxFrameBytes";
    return `${name("maxBufferedBytes")} ${options.maxBufferedBytes} is below ${name(frameField)} ${maxFrameBytes}: a frame of the largest size allowed must fit in the budget`;
  }
  return unsupportedCombination(variant, transport);
}

/** Starts the server; resolves once it listens. Throws ServeOptionsError on options that do not go together. */
export function serve(options: ServeOptions = {}): Promise<RunningServer> {
  const problem = serveOptionsProblem(options);
  if (problem !== undefined) throw new ServeOptionsError(problem);
  const { variant, transport, framing, app, maxRequestBytes, workers, ...limits } = options;
  const listen: ListenOptions = {
    ...limits,
    host: options.host ?? DEFAULT_HOST,
    port: options.port ?? 0,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    log: options.log ?? (() => {}),
  };
  const served = getApp(app ?? "echo");
  if (transport === "udp") {
    return startServer("concurrent", {
      host: listen.host,
      port: listen.port,
      log: listen.log,
      transport: "udp",
      app: served,
      maxRequestBytes: maxRequestBytes ?? DEFAULT_MAX_FRAME_BYTES,
    });
  }
  return startServer(
    variant ?? "concurrent",
    transport === "http"
      ? {
          ...listen,
          transport: "http",
          app: served,
          maxBodyBytes: maxRequestBytes ?? DEFAULT_MAX_FRAME_BYTES,
        }
      : {
          ...listen,
          transport: "tcp",
          app: served,
          framing: framingOf(framing ?? "eof"),
        },
    workers ?? defaultClusterWorkerCount(),
  );
}
