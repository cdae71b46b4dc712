// The load driver's entry point for every caller (the load command, the check and bench suites):
// runLoad(config) resolves to one LoadResult, in this thread or merged from worker_threads.

import type { LoadResult } from "../../results/load-result.js";
import { type LoadConfig, resolveLoadConfig } from "./core/load-config.js";
import { type LoadHooks, LoadRun } from "./core/load-run.js";
import { targetForTransport } from "./core/target.js";
import { loadExpectation } from "./verification/expectation-module.js";
import { runLoadInWorkers } from "./workers/run-in-workers.js";

/**
 * Runs one load and resolves to its result (errors the server caused are counted in it). Rejects with
 * LoadConfigError, ExpectModuleError, TargetError or FramingError for bad usage or an unreachable
 * target, before any load.
 * Every socket and timer is closed when it settles, so it can be called many times in one process.
 */
export async function runLoad(config: LoadConfig, hooks: LoadHooks = {}): Promise<LoadResult> {
  const resolved = resolveLoadConfig(config);
  targetForTransport(resolved.target, resolved.transport);
  if (resolved.workers > 1) return runLoadInWorkers(resolved, hooks);
  const run = new LoadRun(resolved, await loadExpectation(resolved), hooks);
  await run.open();
  return run.measure();
}
