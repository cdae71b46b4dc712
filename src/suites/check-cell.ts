// One cell of the check matrix: its plan (framing, size, fragmentation), its budget of messages and its
// timeout, and runCheckCell, which runs it against an echo server and proxy of its own and judges it.
// The matrix (src/suites/check-suite.ts) and the worker threads both depend on this module alone.

import { getApp } from "../apps/registry.js";
import { runLoad } from "../clients/load/load-driver.js";
import type { Framing, FramingName, FramingOptions } from "../framing/framing.js";
import { createFraming, framingToCarry } from "../framing/registry.js";
import type { CheckCell, CheckRowName } from "../results/check-result.js";
import type { FragmentationName } from "../results/fragmentation-name.js";
import { isKnownBrokenFraming } from "../results/known-broken.js";
import { totalErrors } from "../results/load-result.js";
import { startServer } from "../servers/start-server.js";
import { FRAGMENTATIONS, type Fragmentation } from "./fragmentations.js";
import { withFragmentedTarget } from "./fragmented-target.js";
import { naiveMustFailReason } from "./naive-expectations.js";
import { DEFAULT_MAX_LOSS, runUdpCheckCell } from "./udp-check-cell.js";

/** Each cell moves about this many payload bytes each way, and at least one message. */
const CELL_BUDGET_BYTES = 2 * 1024 * 1024;
/**
 * Under the proxy's slicing every byte costs a write of its own (1-byte slices: about 17 s per MiB round
 * trip measured on 2 cores), so sliced cells move less: 64 KiB twice, 1 MiB once.
 */
const SLICED_CELL_BUDGET_BYTES = 128 * 1024;
const MAX_CELL_MESSAGES = 32;
/**
 * Per request; a cell whose server never answers (naive at size 0) ends after one such wait. Generous,
 * since cells share a thread and a neighbour's 1-byte slicing holds it for a while.
 */
export const CELL_TIMEOUT_MS = 5000;
/**
 * Sliced cells wait longer for a large reply: this much more per KiB of payload. Generous on purpose: on
 * a loaded machine a tighter allowance let a correct eof cell of 64 KiB time out while 1 MiB cells sliced
 * to 1 byte held the CPU. A correct framing must not fail for being slow; a broken one fails on its first
 * wrong reply anyway.
 */
const SLICED_TIMEOUT_MS_PER_KIB = 300;

function isSliced(fragmentation: Fragmentation): boolean {
  return fragmentation.proxyFaults?.sliceAvgBytes !== undefined;
}

/** How many messages a cell sends: enough to repeat, bounded so that a 1 MiB cell stays quick. */
export function cellMessageCount(sizeBytes: number, fragmentation: Fragmentation): number {
  const budgetBytes = isSliced(fragmentation) ? SLICED_CELL_BUDGET_BYTES : CELL_BUDGET_BYTES;
  const byBudget = Math.floor(budgetBytes / Math.max(1, sizeBytes));
  return Math.min(MAX_CELL_MESSAGES, Math.max(1, byBudget));
}

export function cellTimeoutMs(sizeBytes: number, fragmentation: Fragmentation): number {
  if (!isSliced(fragmentation)) return CELL_TIMEOUT_MS;
  return CELL_TIMEOUT_MS + Math.ceil(sizeBytes / 1024) * SLICED_TIMEOUT_MS_PER_KIB;
}

/** One cell to run: which framing (or udp), size and fragmentation. */
export interface CheckCellPlan {
  framing: CheckRowName;
  size: number;
  fragmentation: FragmentationName;
  /** udp: the share of datagrams that may go unanswered. */
  maxLoss?: number;
}

/** Builds the framing the cell's server decodes with (default: the registry's; a test hands in a broken one). */
export type ServerFramingFactory = (name: FramingName, options: FramingOptions) => Framing;

/** About how long a cell takes, to start the slow ones first: sliced bytes cost a write each. */
export function cellCost(plan: CheckCellPlan): number {
  const fragmentation = FRAGMENTATIONS[plan.fragmentation];
  const bytes = cellMessageCount(plan.size, fragmentation) * Math.max(1, plan.size);
  return isSliced(fragmentation) ? bytes * 100 : bytes;
}

/** Runs one cell with its own server and proxy, and closes both. */
export async function runCheckCell(
  plan: CheckCellPlan,
  serverFramingOf: ServerFramingFactory = createFraming,
): Promise<CheckCell> {
  const { framing, size: sizeBytes, fragmentation: fragmentationName } = plan;
  if (framing === "udp") return runUdpCheckCell(sizeBytes, CELL_TIMEOUT_MS, plan.maxLoss ?? DEFAULT_MAX_LOSS);
  // A fixed record holds the cell's message (as in bench).
  const { name, ...framingOptions } = framingToCarry(framing, sizeBytes);
  const serverFraming = serverFramingOf(name, framingOptions);
  const server = await startServer("concurrent", {
    host: "127.0.0.1",
    port: 0,
    idleTimeoutMs: 0,
    maxConnections: 16,
    // A broken framing's protocol errors are the driver's to count; the server's own lines would be noise.
    log: () => {},
    framing: serverFraming,
    app: getApp("echo"),
  });
  const fragmentation = FRAGMENTATIONS[fragmentationName];
  try {
    const asked = cellMessageCount(sizeBytes, fragmentation);
    const result = await withFragmentedTarget(server, fragmentation, (target) =>
      runLoad({
        target,
        framing: { name, ...framingOptions },
        connections: 1,
        pipelining: fragmentation.pipelining ?? 1,
        sizesBytes: [sizeBytes],
        amount: asked,
        timeoutMs: cellTimeoutMs(sizeBytes, fragmentation),
        verify: "echo",
        splitPieces: fragmentation.splitPieces ?? 1,
      }),
    );
    const errors = totalErrors(result);
    const passed = errors === 0 && result.messages.verified === asked;
    const knownBroken = isKnownBrokenFraming(framing);
    const mustFailBecause = knownBroken ? naiveMustFailReason(sizeBytes, fragmentation) : undefined;
    return {
      framing,
      size: sizeBytes,
      fragmentation: fragmentationName,
      passed,
      messages: result.messages.verified,
      asked,
      errors,
      errorKinds: result.errors,
      samples: result.errorSamples.slice(0, 3),
      ...(mustFailBecause !== undefined ? { mustFailBecause } : {}),
      blocking: knownBroken ? mustFailBecause !== undefined && passed : !passed,
    };
  } finally {
    await server.close();
  }
}
