// What a cluster primary and its workers say over IPC. Server options hold objects and a log function that
// cannot cross a process boundary, so the primary hands each worker plain data it rebuilds them from.

import type { AppName } from "../apps/app.js";
import { getApp } from "../apps/registry.js";
import type { FramingSpec } from "../framing/framing.js";
import { framingFromSpec } from "../framing/registry.js";
import { defaultMaxBufferedBytes } from "./buffer-budget.js";
import type { StreamServerOptions } from "./server-options.js";

interface WorkerLimits {
  app: AppName;
  host: string;
  port: number;
  idleTimeoutMs: number;
  maxConnections: number;
  maxConnectionsPerAddress?: number;
  frameTimeoutMs?: number;
  minReceiveBytesPerS?: number;
  maxBufferedBytes?: number;
}

export type WorkerSpec =
  | (WorkerLimits & { transport: "tcp"; framing: FramingSpec })
  | (WorkerLimits & { transport: "http"; maxBodyBytes: number });

/** close: see RunningServer.close for graceMs. */
export type PrimaryMessage = { kind: "start"; spec: WorkerSpec } | { kind: "close"; graceMs: number };

export type WorkerMessage =
  | { kind: "ready" }
  | { kind: "listening"; host: string; port: number }
  | { kind: "failed"; message: string }
  | { kind: "log"; line: string };

/**
 * The spec of one worker: the same server, with its share of the connection limits and the buffer budget
 * (round-robin spreads one address's connections over the workers too).
 */
export function describeServer(options: StreamServerOptions, workerCount: number): WorkerSpec {
  const share = (total: number | undefined) =>
    total === undefined ? undefined : Math.ceil(total / workerCount);
  const limits: WorkerLimits = {
    app: options.app.name,
    host: options.host,
    port: options.port,
    idleTimeoutMs: options.idleTimeoutMs,
    maxConnections: Math.ceil(options.maxConnections / workerCount),
    maxConnectionsPerAddress: share(options.maxConnectionsPerAddress),
    frameTimeoutMs: options.frameTimeoutMs,
    minReceiveBytesPerS: options.minReceiveBytesPerS,
    maxBufferedBytes: share(options.maxBufferedBytes ?? defaultMaxBufferedBytes()),
  };
  return options.transport === "http"
    ? { ...limits, transport: "http", maxBodyBytes: options.maxBodyBytes }
    : { ...limits, transport: "tcp", framing: options.framing.spec };
}

export function rebuildServerOptions(spec: WorkerSpec, log: (line: string) => void): StreamServerOptions {
  const limits = {
    app: getApp(spec.app),
    host: spec.host,
    port: spec.port,
    idleTimeoutMs: spec.idleTimeoutMs,
    maxConnections: spec.maxConnections,
    maxConnectionsPerAddress: spec.maxConnectionsPerAddress,
    frameTimeoutMs: spec.frameTimeoutMs,
    minReceiveBytesPerS: spec.minReceiveBytesPerS,
    maxBufferedBytes: spec.maxBufferedBytes,
    log,
  };
  if (spec.transport === "http") return { ...limits, transport: "http", maxBodyBytes: spec.maxBodyBytes };
  return { ...limits, transport: "tcp", framing: framingFromSpec(spec.framing) };
}
