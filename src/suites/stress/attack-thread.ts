// Runs one attack in a worker thread (attack-worker.ts) and stops it on demand, with its counts.

import { Worker } from "node:worker_threads";
import { builtModulePath } from "../../built-module.js";
import { rebuildError, type SerializedError } from "../../errors.js";
import type { FramingSpec } from "../../framing/framing.js";
import type { HostileCounts } from "../../results/stress-result.js";

export interface AttackThreadData {
  attack: string;
  host: string;
  port: number;
  sourceAddresses: string[];
  framing: FramingSpec;
  /** How the server's replies are cut, when not as its requests are. */
  replyFraming?: FramingSpec;
  maxFrameBytes: number;
  connections: number;
  app: string;
}

export type AttackThreadMessage = { started: true } | { counts: HostileCounts } | { failed: SerializedError };

/** An attack gets this long after being told to stop to report, then its thread is terminated. */
const STOP_GRACE_MS = 5000;

export class AttackThread {
  private readonly worker: Worker;
  private readonly failed: Promise<Error>;
  /** Settles once the attack has begun (rejects when the thread fails first). */
  readonly started: Promise<void>;

  constructor(data: AttackThreadData) {
    this.worker = new Worker(builtModulePath(import.meta.url, "./attack-worker.js"), { workerData: data });
    // The worker posts an error it caught (as its own class); one it could not catch is an "error" event.
    this.failed = new Promise<Error>((resolve) => {
      this.worker.once("error", resolve);
      this.worker.on("message", (message: AttackThreadMessage) => {
        if ("failed" in message) resolve(rebuildError(message.failed));
      });
    });
    this.started = new Promise<void>((resolve, reject) => {
      this.worker.on("message", (message: AttackThreadMessage) => {
        if ("started" in message) resolve();
      });
      void this.failed.then(reject);
    });
    this.started.catch(() => {});
  }

  /** Stops the attack; resolves with its counts (undefined when the thread failed or hung). */
  async stop(): Promise<HostileCounts | undefined> {
    const reported = new Promise<HostileCounts>((resolve) => {
      const onMessage = (message: AttackThreadMessage) => {
        if (!("counts" in message)) return;
        this.worker.off("message", onMessage);
        resolve(message.counts);
      };
      this.worker.on("message", onMessage);
    });
    this.worker.postMessage("stop");
    let timer: NodeJS.Timeout | undefined;
    const counts = await Promise.race([
      reported,
      this.failed.then(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), STOP_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
    await this.worker.terminate();
    return counts;
  }
}
