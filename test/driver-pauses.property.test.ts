// DriverPauses: the time a driver thread stood still is taken off its timeouts, and only that time.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DriverPauses } from "../src/clients/load/core/driver-pauses.js";

const INTERVAL_US = 100_000;
const TIMEOUT_US = 1_000_000;

describe("DriverPauses", () => {
  it("ticks on time (up to one interval late) lengthen nothing", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: INTERVAL_US }), { maxLength: 200 }), (latenesses) => {
        const pauses = new DriverPauses(INTERVAL_US, 0);
        let now = 0;
        for (const lateUs of latenesses) {
          now += INTERVAL_US + lateUs;
          pauses.tick(now);
        }
        expect(pauses.extendedTimeoutUs(now, TIMEOUT_US)).toBe(TIMEOUT_US);
        expect(pauses.longestPauseUs).toBe(0);
      }),
    );
  });

  it("a request sent before the pauses is overdue exactly when it waited a timeout of running time", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            onTimeTicks: fc.nat(15),
            pauseUs: fc.integer({ min: INTERVAL_US + 1, max: 3_000_000 }),
          }),
          {
            maxLength: 6,
          },
        ),
        fc.nat(40),
        (stretches, ticksAfter) => {
          const pauses = new DriverPauses(INTERVAL_US, 0);
          const sentUs = 0;
          let now = 0;
          let pausedUs = 0;
          const advance = (byUs: number) => {
            now += byUs;
            pauses.tick(now);
          };
          for (const { onTimeTicks, pauseUs } of stretches) {
            for (let tick = 0; tick < onTimeTicks; tick++) advance(INTERVAL_US);
            advance(INTERVAL_US + pauseUs);
            pausedUs += pauseUs;
          }
          for (let tick = 0; tick < ticksAfter; tick++) advance(INTERVAL_US);
          const runningUs = now - sentUs - pausedUs;
          const overdue = now - sentUs >= pauses.extendedTimeoutUs(now, TIMEOUT_US);
          expect(overdue).toBe(runningUs >= TIMEOUT_US);
          expect(pauses.longestPauseUs).toBe(Math.max(0, ...stretches.map((stretch) => stretch.pauseUs)));
        },
      ),
    );
  });

  it("forgets a pause once a timeout of running time has passed after it", () => {
    const pauses = new DriverPauses(INTERVAL_US, 0);
    pauses.tick(INTERVAL_US + 2_000_000);
    expect(pauses.extendedTimeoutUs(INTERVAL_US + 2_000_000, TIMEOUT_US)).toBe(TIMEOUT_US + 2_000_000);
    let now = INTERVAL_US + 2_000_000;
    for (let tick = 0; tick < 11; tick++) {
      now += INTERVAL_US;
      pauses.tick(now);
    }
    expect(pauses.extendedTimeoutUs(now, TIMEOUT_US)).toBe(TIMEOUT_US);
  });
});
