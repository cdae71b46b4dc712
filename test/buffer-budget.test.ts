// The servers' shared buffer budget, as pure bookkeeping: over budget the large holders stop being read,
// but never all of them, so that some frame always completes and memory comes back.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUFFER_ALLOWANCE_BYTES, BufferBudget, type BufferHolder } from "../src/servers/buffer-budget.js";

const KIB = 1024;

describe("BufferBudget", () => {
  it("pauses a large holder over budget while another is read, and resumes it when that one lets go", () => {
    const budget = new BufferBudget(400 * KIB);
    const resumed: string[] = [];
    const first = budget.holder(() => resumed.push("first"));
    const second = budget.holder(() => resumed.push("second"));
    expect(first.hold(290 * KIB)).toBe(false);
    expect(second.hold(190 * KIB)).toBe(true);
    // The first is now the only large holder still read: it goes on even over budget.
    expect(first.hold(299 * KIB)).toBe(false);
    first.release();
    expect(resumed).toEqual(["second"]);
    expect(second.waiting).toBe(false);
    expect(budget.totalBytes).toBe(190 * KIB);
  });

  it("never leaves every large holder waiting, and keeps its total true", () => {
    const step = fc.record({
      holder: fc.nat({ max: 5 }),
      bytes: fc.oneof(fc.nat({ max: BUFFER_ALLOWANCE_BYTES }), fc.nat({ max: 512 * KIB })),
      release: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const budget = new BufferBudget(400 * KIB);
        const holders: BufferHolder[] = Array.from({ length: 6 }, () => budget.holder(() => {}));
        for (const { holder, bytes, release } of steps) {
          const chosen = holders[holder] as BufferHolder;
          // A waiting holder is not read: only its replies draining can change what it holds.
          if (release) chosen.release();
          else if (!chosen.waiting) chosen.hold(bytes);
          const large = holders.filter((each) => each.heldBytes > BUFFER_ALLOWANCE_BYTES);
          if (large.length > 0 && large.every((each) => each.waiting)) return false;
          const held = holders.reduce((sum, each) => sum + each.heldBytes, 0);
          if (held !== budget.totalBytes) return false;
        }
        return true;
      }),
      { numRuns: 2000 },
    );
  });
});
