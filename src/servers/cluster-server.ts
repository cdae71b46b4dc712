// The cluster variant: the concurrent server (or the HTTP one) in one process per core on one port, with
// node:cluster's default round-robin (the primary accepts and hands each connection to the next worker).
//
// Port 0: once every worker has booted, the primary asks the kernel for a free port (binds :0 and closes
// it) and tells all workers to listen on that port; the first worker's listen makes cluster bind it in
// the primary. Workers never listen(0) themselves: cluster keys its shared handles by the requested
// address, so two cluster servers started with port 0 in one process would silently share one port.
//
// A worker that dies is not restarted. The cluster logs a line, closes the other workers and `finished`
// rejects (the serve command exits 1). This is a benchmarking tool: a silent restart would hide a crash,
// and running on with fewer workers would report figures for a server that is not the one asked for.
// Whoever wants a server that stays up restarts the whole process (systemd, a container runtime).

import cluster, { type Worker } from "node:cluster";
import { type AddressInfo, createServer } from "node:net";
import { availableParallelism } from "node:os";
import { builtModulePath } from "../built-module.js";
import { formatHostPort } from "../host-port.js";
import { describeServer, type PrimaryMessage, type WorkerMessage } from "./cluster-protocol.js";
import type { RunningServer, StreamServerOptions } from "./server-options.js";
import { ServerStartError } from "./server-start-error.js";

/** A worker that has not exited this long after being told to close is killed. */
const CLOSE_GRACE_MS = 5000;

export function defaultClusterWorkerCount(): number {
  return availableParallelism();
}

/**
 * Starts `workerCount` workers serving `options` on one port; resolves once every worker listens.
 * The connection limit is split evenly between workers, since each sees only its own connections.
 */
export async function startClusterServer(
  options: StreamServerOptions,
  workerCount: number,
): Promise<RunningServer> {
  if (!Number.isSafeInteger(workerCount) || workerCount < 1) {
    throw new Error(`a cluster needs a whole number of workers >= 1, got ${workerCount}`);
  }
  // Before forking: a framing that workers cannot rebuild fails here.
  const spec = describeServer(options, workerCount);
  // Settings are global to the process and read at fork time; set them all right before forking.
  cluster.setupPrimary({
    exec: builtModulePath(import.meta.url, "./cluster-worker.js"),
    args: [],
    silent: false,
  });
  const workers = Array.from({ length: workerCount }, () => cluster.fork());
  for (const worker of workers) {
    worker.on("message", (message: WorkerMessage) => {
      if (message.kind === "log") options.log(`worker ${worker.process.pid}: ${message.line}`);
    });
  }
  try {
    await Promise.all(workers.map((worker) => nextMessage(worker, "ready")));
    const port = options.port === 0 ? await findFreePort(options.host) : options.port;
    for (const worker of workers) send(worker, { kind: "start", spec: { ...spec, port } });
    const addresses = await Promise.all(workers.map((worker) => nextMessage(worker, "listening")));
    // One that listened and died while the others were starting has no exit listener left to tell.
    const dead = workers.find(hasExited);
    if (dead) throw new ServerStartError(`worker ${dead.process.pid} stopped while the others were starting`);
    const { host } = addresses[0] as { host: string };
    const pids = workers.map((worker) => worker.process.pid).join(", ");
    options.log(`cluster of ${workerCount} workers (pids ${pids}) on ${formatHostPort(host, port)}`);
    return new ClusterServer(workers, host, port, options.log);
  } catch (error) {
    await Promise.all(workers.map((worker) => killWorker(worker)));
    throw error;
  }
}

class ClusterServer implements RunningServer {
  readonly finished: Promise<void>;
  private readonly live: Set<Worker>;
  private readonly allExited: Promise<void>;
  private closing = false;
  private failure: Error | undefined;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    workers: Worker[],
    readonly host: string,
    readonly port: number,
    private readonly log: (line: string) => void,
  ) {
    this.live = new Set(workers);
    let markExited: () => void = () => {};
    this.allExited = new Promise((resolve) => {
      markExited = resolve;
    });
    for (const worker of workers) {
      worker.once("exit", (code: number | null, signal: string | null) => {
        this.live.delete(worker);
        if (!this.closing) this.onUnexpectedExit(worker, describeExit(code, signal));
        if (this.live.size > 0) return;
        clearTimeout(this.killTimer);
        markExited();
      });
    }
    this.finished = this.allExited.then(() => {
      if (this.failure) throw this.failure;
    });
    // A caller that never awaits `finished` must not crash on a worker's death: the log line reports it.
    this.finished.catch(() => {});
  }

  close(graceMs = 0): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      for (const worker of this.live) send(worker, { kind: "close", graceMs });
      this.killTimer = setTimeout(() => {
        for (const worker of this.live) worker.process.kill("SIGKILL");
      }, CLOSE_GRACE_MS + graceMs);
    }
    return this.allExited;
  }

  private onUnexpectedExit(worker: Worker, how: string): void {
    const reason = `worker ${worker.process.pid} died unexpectedly (${how})`;
    this.log(`${reason}; stopping the other workers rather than serve with fewer`);
    this.failure = new Error(`cluster stopped: ${reason}`);
    void this.close();
  }
}

function send(worker: Worker, message: PrimaryMessage): void {
  if (worker.isConnected()) worker.send(message);
}

function nextMessage<K extends WorkerMessage["kind"]>(
  worker: Worker,
  kind: K,
): Promise<Extract<WorkerMessage, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.kind !== kind && message.kind !== "failed") return;
      stopWaiting();
      if (message.kind === "failed")
        reject(new ServerStartError(`worker ${worker.process.pid}: ${message.message}`));
      else resolve(message as Extract<WorkerMessage, { kind: K }>);
    };
    const onExit = (code: number | null, signal: string | null) => {
      stopWaiting();
      reject(
        new ServerStartError(
          `worker ${worker.process.pid} stopped while starting (${describeExit(code, signal)})`,
        ),
      );
    };
    const stopWaiting = () => {
      worker.off("message", onMessage);
      worker.off("exit", onExit);
    };
    worker.on("message", onMessage);
    worker.on("exit", onExit);
  });
}

function hasExited(worker: Worker): boolean {
  return worker.process.exitCode !== null || worker.process.signalCode !== null;
}

function killWorker(worker: Worker): Promise<void> {
  if (hasExited(worker)) return Promise.resolve();
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  worker.process.kill("SIGKILL");
  return exited;
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

async function findFreePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, host, () => resolve());
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
