// --workers N: the connections (and the rate and the amount) are shared out over worker_threads, each
// a LoadRun of its own; they open their connections, start together, and their results merge into one.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { builtModulePath } from "../../../built-module.js";
import { rebuildError, type SerializedError } from "../../../errors.js";
import type { LoadProgress } from "../../../results/load-progress.js";
import type { LoadResult } from "../../../results/load-result.js";
import { mergeLoadResults } from "../../../results/load-result-merge.js";
import { CpuMeter } from "../core/cpu-meter.js";
import { checkAmountShare, type ResolvedLoadConfig } from "../core/load-config.js";
import { checkServerPid, type LoadHooks, resultConfigOf } from "../core/load-run.js";
import { subSlice } from "../core/load-share.js";

/** Messages between the driver and its workers. */
export type WorkerReport =
  | { type: "ready" }
  | { type: "progress"; progress: LoadProgress }
  | { type: "result"; result: LoadResult }
  | { type: "error"; error: SerializedError };

/** Messages from the driver to a worker: start the measured run, or end it early (Ctrl-C). */
export type DriverCommand = { type: "start" } | { type: "stop" };

/** Each worker's config: the same load, on its slice of this run's connections. */
export function splitConfig(config: ResolvedLoadConfig): ResolvedLoadConfig[] {
  // The CPU time is the whole process's, measured here: a worker's own figure would count all the others.
  const { serverPid: _measuredHere, ...shared } = config;
  return Array.from({ length: config.workers }, (_, index) => {
    const slice = subSlice(config.slice, index, config.workers);
    checkAmountShare(config, slice, "worker");
    return { ...shared, workers: 1, slice };
  });
}

export async function runLoadInWorkers(config: ResolvedLoadConfig, hooks: LoadHooks): Promise<LoadResult> {
  const slices = splitConfig(config);
  if (config.serverPid !== undefined) checkServerPid(config.serverPid);
  const cpuMeter = new CpuMeter(Math.min(config.workers, availableParallelism()), config.serverPid);
  let warmupTimer: NodeJS.Timeout | undefined;
  const workers = slices.map(
    (slice) =>
      new Worker(builtModulePath(import.meta.url, "./worker-entry.js"), { workerData: { config: slice } }),
  );
  const latest: LoadProgress[] = [];
  const onProgress = (index: number, progress: LoadProgress) => {
    latest[index] = progress;
    if (latest.filter(Boolean).length < workers.length) return;
    hooks.onProgress?.({
      elapsedMs: Math.max(...latest.map((each) => each.elapsedMs)),
      phase: progress.phase,
      sent: latest.reduce((sum, each) => sum + each.sent, 0),
      received: latest.reduce((sum, each) => sum + each.received, 0),
      verified: latest.reduce((sum, each) => sum + each.verified, 0),
      judged: progress.judged,
      errors: latest.reduce((sum, each) => sum + each.errors, 0),
    });
  };
  const ready: Promise<void>[] = [];
  const results = workers.map((worker, index) => {
    let markReady: () => void = () => {};
    ready.push(new Promise<void>((resolve) => (markReady = resolve)));
    return new Promise<LoadResult>((resolve, reject) => {
      worker.on("message", (report: WorkerReport) => {
        if (report.type === "ready") markReady();
        else if (report.type === "progress") onProgress(index, report.progress);
        else if (report.type === "result") resolve(report.result);
        else reject(rebuildError(report.error));
      });
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`load worker ${index} exited with code ${code}`)));
    });
  });
  try {
    // Every worker has its connections open before any starts: a target that refuses fails them all.
    await Promise.race([Promise.all(ready), Promise.all(results)]);
    const command = (message: DriverCommand) => {
      for (const worker of workers) worker.postMessage(message);
    };
    command({ type: "start" });
    const stop = () => command({ type: "stop" });
    if (hooks.signal?.aborted) stop();
    hooks.signal?.addEventListener("abort", stop, { once: true });
    // The workers' measured phases start after their warmup; so does this process's CPU window.
    let measuring = config.warmupMs === 0;
    if (measuring) cpuMeter.start();
    else
      warmupTimer = setTimeout(() => {
        measuring = true;
        cpuMeter.start();
      }, config.warmupMs);
    try {
      const finished = await Promise.all(results);
      const cpu = measuring ? cpuMeter.stop() : undefined;
      const merged = mergeLoadResults(finished, resultConfigOf(config), cpu?.times);
      if (cpu?.warning !== undefined) merged.warnings.push(cpu.warning);
      return merged;
    } finally {
      hooks.signal?.removeEventListener("abort", stop);
    }
  } finally {
    clearTimeout(warmupTimer);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
