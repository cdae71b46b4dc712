// The load driver's entry point for every caller (the load command, the check and bench suites):
// runLoad(config) resolves to one LoadResult, in this thread or merged from worker_threads.

import {
  countOpenFds,
  FdLimitError,
  fdLimitAdvice,
  fdsNeeded,
  readFdLimit,
} from "../../platform/fd-limit.js";
import type { LoadResult } from "../../results/load-result.js";
import {
  type LoadConfig,
  processSliceOf,
  type ResolvedLoadConfig,
  resolveLoadConfig,
} from "./core/load-config.js";
import { type LoadHooks, LoadRun } from "./core/load-run.js";
import { amountShare } from "./core/load-share.js";
import { targetForTransport } from "./core/target.js";
import "./load-transports.js";
import { loadExpectation } from "./verification/expectation-module.js";
import { loadFramingModules } from "./verification/framing-module.js";
import { runLoadInWorkers } from "./workers/run-in-workers.js";

/**
 * Runs one load and resolves to its result (errors the server caused are counted in it). Rejects with
 * LoadConfigError, ExpectModuleError, FramingModuleError, TargetError, FramingError or FdLimitError for bad usage, an
 * unreachable target or too low a file-descriptor limit, before any load. Every socket and timer is
 * closed when it settles, so it can be called many times in one process.
 */
export async function runLoad(config: LoadConfig, hooks: LoadHooks = {}): Promise<LoadResult> {
  // Imported before the config is resolved, which builds the framings (synchronously) to check them.
  await loadFramingModules(config);
  const resolved = resolveLoadConfig(config);
  targetForTransport(resolved.target, resolved.transport);
  checkFdLimit(resolved);
  const result = await runResolvedLoad(resolved, hooks);
  return resolved.shard === undefined ? result : { ...result, shard: shardOf(resolved) };
}

async function runResolvedLoad(config: ResolvedLoadConfig, hooks: LoadHooks): Promise<LoadResult> {
  // Imported and checked here, before any connection or worker: a bad expect module is a usage error up front.
  const expectation = await loadExpectation(config);
  if (config.workers > 1) return runLoadInWorkers(config, hooks);
  const run = new LoadRun(config, expectation, hooks);
  await run.open();
  return run.measure();
}

/** Refuses up front a load that the file-descriptor limit would cut short half-way through opening. */
function checkFdLimit(config: ResolvedLoadConfig): void {
  const limit = readFdLimit();
  const connections = processSliceOf(config).count;
  if (limit === undefined || (countOpenFds() ?? 0) + connections < limit.soft) return;
  throw new FdLimitError(
    `${connections} connections need more file descriptors than this process may open: ${fdLimitAdvice(fdsNeeded(connections), limit)}`,
  );
}

function shardOf(config: ResolvedLoadConfig): LoadResult["shard"] {
  const slice = processSliceOf(config);
  const { index, count } = config.shard ?? { index: 0, count: 1 };
  return {
    index,
    count,
    firstConnection: slice.first,
    connections: slice.count,
    ...(config.amount !== undefined && config.rate === undefined
      ? { amount: amountShare(config.amount, slice) }
      : {}),
  };
}
