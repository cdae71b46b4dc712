// Chains the faults of one direction in a fixed order. Coalescing comes first so that slicing
// re-cuts the merged bytes (the other way round, coalescing would undo the slicing); latency then
// bandwidth model propagation then the link; reset-after is last so it counts bytes actually delivered.

import type { SeededRandom } from "../seeded-random.js";
import { BandwidthStage } from "./bandwidth-stage.js";
import { CoalescerStage } from "./coalescer-stage.js";
import type { FaultOptions } from "./fault-options.js";
import type { ChunkSink, FaultStage } from "./fault-stage.js";
import { LatencyStage } from "./latency-stage.js";
import { ResetAfterStage } from "./reset-after-stage.js";
import { SlicerStage } from "./slicer-stage.js";

export interface FaultPipeline {
  /** Where the source's chunks go in. */
  readonly head: ChunkSink;
  destroy(): void;
}

/** `faults` must have passed validateFaults(). */
export function buildFaultPipeline(
  faults: FaultOptions,
  destination: ChunkSink,
  random: SeededRandom,
  onResetLimitReached: () => void,
): FaultPipeline {
  const stages: FaultStage[] = [];
  let head = destination;
  const add = (stage: FaultStage) => {
    stages.push(stage);
    head = stage;
  };
  if (faults.resetAfterBytes !== undefined) {
    add(new ResetAfterStage(head, faults.resetAfterBytes, onResetLimitReached));
  }
  if (faults.bandwidthBytesPerS !== undefined) add(new BandwidthStage(head, faults.bandwidthBytesPerS));
  if (faults.latencyMs !== undefined || faults.jitterMs !== undefined) {
    add(new LatencyStage(head, faults.latencyMs ?? 0, faults.jitterMs ?? 0, random.fork()));
  }
  if (faults.sliceAvgBytes !== undefined) {
    const settings = {
      averageBytes: faults.sliceAvgBytes,
      variationBytes: faults.sliceVariationBytes ?? 0,
      delayMs: faults.sliceDelayMs ?? 0,
    };
    add(new SlicerStage(head, settings, random.fork()));
  }
  if (faults.coalesceMs !== undefined) add(new CoalescerStage(head, faults.coalesceMs));
  return {
    head,
    destroy: () => {
      for (const stage of stages) stage.destroy();
    },
  };
}
