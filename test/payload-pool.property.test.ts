// The pool of verified requests' buffers: a buffer comes back only at the size asked, once per give,
// and the pool never holds more than its capacity, whatever the order of gives and takes.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PayloadPool } from "../src/clients/load/verification/payload-pool.js";

const SIZES = [0, 1, 64, 65_536];

describe("PayloadPool", () => {
  it("takes back only buffers given, of the size asked, each once, and keeps at most its capacity", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ give: fc.boolean(), size: fc.constantFrom(...SIZES) }), { maxLength: 200 }),
        (capacity, steps) => {
          const pool = new PayloadPool(capacity);
          // What the pool may hand out: given, not yet taken (a full pool may have let some go).
          const held = new Set<Buffer>();
          for (const step of steps) {
            if (step.give) {
              const buffer = Buffer.alloc(step.size);
              pool.give(buffer);
              held.add(buffer);
              continue;
            }
            const taken = pool.take(step.size);
            if (taken === undefined) continue;
            expect(taken.length).toBe(step.size);
            expect(held.has(taken)).toBe(true);
            held.delete(taken);
          }
          let left = 0;
          for (const size of SIZES) while (pool.take(size) !== undefined) left++;
          expect(left).toBeLessThanOrEqual(capacity);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("hands out a buffer of the size asked when one is kept, the most recent first", () => {
    const pool = new PayloadPool(4);
    const small = Buffer.alloc(64);
    const large = Buffer.alloc(65_536);
    const later = Buffer.alloc(64);
    pool.give(small);
    pool.give(large);
    pool.give(later);
    expect(pool.take(65_536)).toBe(large);
    expect(pool.take(64)).toBe(later);
    expect(pool.take(64)).toBe(small);
    expect(pool.take(64)).toBeUndefined();
  });

  it("forgets everything on clear (a dropped socket may still be writing its buffers)", () => {
    const pool = new PayloadPool(2);
    pool.give(Buffer.alloc(8));
    pool.clear();
    expect(pool.take(8)).toBeUndefined();
  });
});
