// `sockbench check --target|--server`: the fragmentation matrix against the user's server, then the
// probes (a second client, clients side by side, resets). Every size under every fragmentation, each cell
// through the fault proxy; cells and probes run side by side only when each has a server of its own, and
// large cells run alone. The first failing cell is then shrunk to the smallest case that still fails.

import type { FragmentationName } from "../results/fragmentation-name.js";
import { framingFields } from "../results/framing-fields.js";
import type { ProbeName } from "../results/probe-name.js";
import type {
  ShrunkFailure,
  TargetCell,
  TargetCheckResult,
  TargetProbe,
} from "../results/target-check-result.js";
import { openTarget, startTargetServer, type TargetSession } from "../targets/target-session.js";
import { reproduceCellsCommand } from "./reproduce-command.js";
import { shrinkFailure } from "./shrink-failure.js";
import { runTargetCell } from "./target-cell.js";
import type { TargetCellPlan, TargetCheckSettings } from "./target-cell-plan.js";
import { runProbe, skippedProbe } from "./target-probes.js";

export interface TargetCheckOptions extends TargetCheckSettings {
  sizesBytes: readonly number[];
  fragmentations: readonly FragmentationName[];
  /** Which probes run after the matrix (none: the matrix alone). */
  probes: readonly ProbeName[];
  /** Look for the smallest failing case after the matrix (default true). */
  shrink?: boolean;
  onCellStart?: (index: number, total: number, plan: TargetCellPlan) => void;
  onCellEnd?: (index: number, total: number, cell: TargetCell) => void;
  onProbeStart?: (name: ProbeName) => void;
  onProbeEnd?: (probe: TargetProbe) => void;
  onShrinkStart?: (from: TargetCell) => void;
}

/**
 * Cells in flight at once when each has its own server: most of a cell's time is spent waiting on the
 * server's start and on sockets, and the machine has few cores to share with the servers.
 */
export const TARGET_CELL_CONCURRENCY = 4;
/**
 * Cells of at least this size run one at a time, after the others: a server starved by its neighbours'
 * large messages times out where it would pass alone.
 */
export const LARGE_CELL_BYTES = 512 * 1024;
/** Probes that reset a connection: last on a shared server, since a server they kill serves nothing after. */
const RESET_PROBES: readonly ProbeName[] = ["reset-mid-request", "reset-mid-reply"];

function targetDescription(options: TargetCheckOptions): string {
  const target = options.choice.target;
  return target.kind === "address" ? `${target.host}:${target.port}` : target.command;
}

/** Runs the jobs, at most `lanes` at a time, each job's result at its index. */
async function inLanes<T>(
  jobs: (() => Promise<T>)[],
  lanes: number,
  results: T[],
  offset = 0,
): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    for (let index = started++; index < jobs.length; index = started++) {
      results[offset + index] = await (jobs[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, jobs.length) }, lane));
}

export async function runTargetCheck(options: TargetCheckOptions): Promise<TargetCheckResult> {
  const plan: TargetCellPlan[] = options.sizesBytes.flatMap((size) =>
    options.fragmentations.map((fragmentation) => ({ size, fragmentation })),
  );
  const startedMs = Date.now();
  const session = await openTarget(options.choice.target);
  try {
    const cells: TargetCell[] = new Array(plan.length);
    const cellJob = (index: number) => async () => {
      const cellPlan = plan[index] as TargetCellPlan;
      options.onCellStart?.(index, plan.length, cellPlan);
      const cell = await runTargetCell(cellPlan, options, session);
      options.onCellEnd?.(index, plan.length, cell);
      return cell;
    };
    const probes: TargetProbe[] = [];
    /** On a shared server: the probe after which it no longer took connections. */
    let serverGoneAfter: ProbeName | undefined;
    const probeJob = (name: ProbeName) => async () => {
      if (options.singleClient) {
        return skippedProbe(name, "--single-client: the server serves one client and exits", options);
      }
      if (serverGoneAfter !== undefined) {
        return skippedProbe(name, `the server stopped taking connections in ${serverGoneAfter}`, options);
      }
      options.onProbeStart?.(name);
      const probe = await session.withCell((endpoint) => runProbe(name, options, endpoint));
      if (!session.cellsMayOverlap && probe.failure?.kind === "connect") serverGoneAfter = name;
      options.onProbeEnd?.(probe);
      return probe;
    };
    const small = plan.flatMap((cell, index) => (cell.size < LARGE_CELL_BYTES ? [index] : []));
    const large = plan.flatMap((cell, index) => (cell.size >= LARGE_CELL_BYTES ? [index] : []));
    // On a shared server the reset probes come last; with a server per job the order does not matter.
    const probeNames = [
      ...options.probes.filter((name) => !RESET_PROBES.includes(name)),
      ...options.probes.filter((name) => RESET_PROBES.includes(name)),
    ];
    const lanes = session.cellsMayOverlap ? TARGET_CELL_CONCURRENCY : 1;
    const smallCells: TargetCell[] = [];
    await Promise.all([
      inLanes(small.map(cellJob), lanes, smallCells),
      // Probes share the lanes' budget: with a server each they run beside the cells, else after them.
      session.cellsMayOverlap ? inLanes(probeNames.map(probeJob), 1, probes) : Promise.resolve(),
    ]);
    small.forEach((planIndex, order) => {
      cells[planIndex] = smallCells[order] as TargetCell;
    });
    const largeCells: TargetCell[] = [];
    await inLanes(large.map(cellJob), 1, largeCells);
    large.forEach((planIndex, order) => {
      cells[planIndex] = largeCells[order] as TargetCell;
    });
    if (!session.cellsMayOverlap) await inLanes(probeNames.map(probeJob), 1, probes);
    const firstFailing = cells.find((cell) => cell.verdict === "fail");
    let shrunk: ShrunkFailure | undefined;
    if (firstFailing !== undefined && options.shrink !== false) {
      options.onShrinkStart?.(firstFailing);
      shrunk = await shrinkFailure(firstFailing, (cellPlan) => runTargetCell(cellPlan, options, session));
      shrunk = await confirmAlone(shrunk, firstFailing, plan, options, session);
    }
    const target = options.choice.target;
    const durationMs = Date.now() - startedMs;
    return {
      target: targetDescription(options),
      ...(target.kind === "command" ? { restart: target.restart } : {}),
      ...framingFields(options.framing, options.replyFraming),
      expect:
        options.choice.expect.kind === "module" ? options.choice.expect.path : options.choice.expect.name,
      connections: options.connections,
      seed: options.seed,
      payload: options.payload,
      cells,
      probes,
      passed: firstFailing === undefined && probes.every((probe) => probe.verdict !== "fail"),
      ...(shrunk !== undefined ? { shrunk } : {}),
      durationMs,
      cellsPerSecond: Math.round((cells.length / Math.max(1, durationMs)) * 1000 * 100) / 100,
    };
  } finally {
    await session.close();
  }
}

/**
 * On a server that is not restarted between cells, a cell may fail only because of what the cells before
 * it left in the server. The smallest case is run again on a fresh server: when it passes there, the
 * failure depends on that history, and the reproducing command runs the matrix up to the failing cell on
 * one server. Against an already running server (--target) this cannot be told, and the result says so.
 */
async function confirmAlone(
  shrunk: ShrunkFailure,
  firstFailing: TargetCell,
  plan: readonly TargetCellPlan[],
  options: TargetCheckOptions,
  session: TargetSession,
): Promise<ShrunkFailure> {
  const spec = session.spec;
  if (spec.kind === "command" && spec.restart === "per-cell") return shrunk;
  const upTo = plan.findIndex(
    (cell) => cell.size === firstFailing.size && cell.fragmentation === firstFailing.fragmentation,
  );
  const sizes = [...new Set(plan.slice(0, upTo + 1).map((cell) => cell.size))];
  const historyCommand = reproduceCellsCommand(sizes, options.fragmentations, options);
  if (spec.kind === "address" || spec.port !== undefined) {
    return {
      ...shrunk,
      history: "unknown",
      historyReproduce: historyCommand,
    };
  }
  const fresh = await startTargetServer(spec);
  try {
    const alone = await runTargetCell({ size: shrunk.size, fragmentation: shrunk.fragmentation }, options, {
      ...session,
      withCell: (run) => run({ host: fresh.host, port: fresh.port, server: fresh }),
    });
    if (alone.verdict === "fail") return { ...shrunk, history: "none" };
    return { ...shrunk, history: "needed", reproduce: historyCommand };
  } finally {
    await fresh.stop();
  }
}
