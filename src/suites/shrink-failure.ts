// Shrinking, as a property-based test does it: from a failing cell, look for the smallest size and the
// simplest fragmentation that still fail, so that the reproducer is as small as the bug allows. Each
// try is a real cell against the server; the number of tries is bounded.

import type { FragmentationName } from "../results/fragmentation-name.js";
import type { ShrunkFailure, TargetCell } from "../results/target-check-result.js";
import type { TargetCellPlan } from "./target-cell-plan.js";

/**
 * From the least disturbed stream to the most: straight; each frame written in 3 pieces; requests
 * merged by the proxy; random 1..7-byte pieces; every byte on its own.
 */
export const FRAGMENTATION_SIMPLICITY: readonly FragmentationName[] = [
  "none",
  "split",
  "coalesced",
  "slices-1-7",
  "slices-1",
];

/** Cells a shrink may run: a failing cell can cost a whole timeout. */
export const MAX_SHRINK_ATTEMPTS = 12;

/** Smaller sizes to try, smallest first: 0, 1, half, and one less. */
function smallerSizes(size: number): number[] {
  return [...new Set([0, 1, Math.floor(size / 2), size - 1])].filter(
    (candidate) => candidate >= 0 && candidate < size,
  );
}

function simplerFragmentations(fragmentation: FragmentationName): FragmentationName[] {
  return FRAGMENTATION_SIMPLICITY.slice(0, FRAGMENTATION_SIMPLICITY.indexOf(fragmentation));
}

export async function shrinkFailure(
  failing: TargetCell,
  runCell: (plan: TargetCellPlan) => Promise<TargetCell>,
  maxAttempts = MAX_SHRINK_ATTEMPTS,
): Promise<ShrunkFailure> {
  let smallest = failing;
  let attempts = 0;
  /** Runs `plan`; true (and it becomes the smallest) when it fails. */
  const stillFails = async (plan: TargetCellPlan): Promise<boolean> => {
    attempts++;
    const cell = await runCell(plan);
    if (cell.verdict !== "fail") return false;
    smallest = cell;
    return true;
  };
  const simplifyFragmentation = async () => {
    for (const fragmentation of simplerFragmentations(smallest.fragmentation)) {
      if (attempts >= maxAttempts) return;
      if (await stillFails({ size: smallest.size, fragmentation })) return;
    }
  };
  await simplifyFragmentation();
  let shrinking = true;
  while (shrinking && attempts < maxAttempts) {
    shrinking = false;
    for (const size of smallerSizes(smallest.size)) {
      if (attempts >= maxAttempts) break;
      if (await stillFails({ size, fragmentation: smallest.fragmentation })) {
        shrinking = true;
        break;
      }
    }
  }
  // A smaller message may fail under a simpler fragmentation than the larger one needed.
  if (smallest !== failing) await simplifyFragmentation();
  return {
    from: { size: failing.size, fragmentation: failing.fragmentation },
    size: smallest.size,
    fragmentation: smallest.fragmentation,
    kind: smallest.failure?.kind ?? "timeout",
    reproduce: smallest.reproduce,
    attempts,
  };
}
