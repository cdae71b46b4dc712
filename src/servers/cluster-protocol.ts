// What a cluster primary and its workers say over IPC. Server options hold objects and a log function that
// cannot cross a process boundary, so the primary hands each worker plain data it rebuilds them from.

import type { AppName } from "../apps/app.js";
import { getApp } from "../apps/registry.js";
import type { FramingSpec } from "../framing/framing.js";
import { framingFromSpec } from "../framing/registry.js";
import type { AnyServerOptions } from "./server-options.js";

interface WorkerLimits {
  app: AppName;
  host: string;
  port: number;
  idleTimeoutMs: number;
  maxConnections: number;
}

export type WorkerSpec =
  | (WorkerLimits & { transport: "tcp"; framing: FramingSpec })
  | (WorkerLimits & { transport: "http"; maxBodyBytes: number });

export type PrimaryMessage = { kind: "start"; spec: WorkerSpec } | { kind: "close" };

export type WorkerMessage =
  | { kind: "ready" }
  | { kind: "listening"; host: string; port: number }
  | { kind: "failed"; message: string }
  | { kind: "log"; line: string };

/** The spec of one worker: the same server, with its share of the connection limit. */
export function describeServer(options: AnyServerOptions, maxConnectionsPerWorker: number): WorkerSpec {
  const limits: WorkerLimits = {
    app: options.app.name,
    host: options.host,
    port: options.port,
    idleTimeoutMs: options.idleTimeoutMs,
    maxConnections: maxConnectionsPerWorker,
  };
  return options.transport === "http"
    ? { ...limits, transport: "http", maxBodyBytes: options.maxBodyBytes }
    : { ...limits, transport: "tcp", framing: options.framing.spec };
}

export function rebuildServerOptions(spec: WorkerSpec, log: (line: string) => void): AnyServerOptions {
  const { app, host, port, idleTimeoutMs, maxConnections } = spec;
  const limits = { app: getApp(app), host, port, idleTimeoutMs, maxConnections, log };
  if (spec.transport === "http") return { ...limits, transport: "http", maxBodyBytes: spec.maxBodyBytes };
  return { ...limits, transport: "tcp", framing: framingFromSpec(spec.framing) };
}
