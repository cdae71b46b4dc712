// The shared parsers and formatters every command uses: a bare duration is seconds, a bare percent is
// percent, and what --help and the reports print reads back to the same value.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDurationMs, parsePercent, parseSizeBytes } from "../src/cli/option-parsers.js";
import { formatCount, formatDurationMs, formatPercent, plural } from "../src/report/format-number.js";
import { formatBytesPerSecond, formatSizeBytes } from "../src/report/format-size.js";

describe("durations", () => {
  it("reads a bare number as seconds, as autocannon's and wrk's -d 10", () => {
    expect(parseDurationMs("10")).toBe(10_000);
    expect(parseDurationMs("0.5")).toBe(500);
    expect(parseDurationMs("0")).toBe(0);
  });

  it("reads units as they say", () => {
    expect(parseDurationMs("500ms")).toBe(500);
    expect(parseDurationMs("10s")).toBe(10_000);
    expect(parseDurationMs("1.5s")).toBe(1500);
    expect(parseDurationMs("2m")).toBe(120_000);
    expect(parseDurationMs(" 3s ")).toBe(3000);
  });

  it.each(["-1", "-1s", "soon", "", "10 parsecs", "s"])("refuses %j, naming what is allowed", (text) => {
    expect(() => parseDurationMs(text)).toThrow(
      /expected a duration such as 10 \(seconds\), 500ms, 10s or 2m/,
    );
  });

  it("prints every whole-millisecond duration so that it parses back to itself", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_400_000 }), (durationMs) => {
        expect(parseDurationMs(formatDurationMs(durationMs))).toBe(durationMs);
      }),
    );
    expect(formatDurationMs(5000)).toBe("5s");
    expect(formatDurationMs(0)).toBe("0s");
    expect(formatDurationMs(250)).toBe("250ms");
    expect(formatDurationMs(120_000)).toBe("2m");
  });
});

describe("percentages", () => {
  it("reads 10% and a bare 10 alike as ten percent", () => {
    expect(parsePercent("10%")).toBe(0.1);
    expect(parsePercent("10")).toBe(0.1);
    expect(parsePercent("0.5")).toBe(0.005);
    expect(() => parsePercent("ten")).toThrow(/expected a percentage such as 10% or 10 \(ten percent\)/);
  });

  it("prints a fraction as the percent it parses back from", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (tenths) => {
        const fraction = tenths / 1000;
        expect(parsePercent(formatPercent(fraction))).toBeCloseTo(fraction, 9);
      }),
    );
    expect(formatPercent(0.1)).toBe("10%");
    expect(formatPercent(0.1234)).toBe("12.3%");
  });
});

describe("numbers and units", () => {
  it("separates thousands and says 1 connection, 2 connections", () => {
    expect(formatCount(1234567.4)).toBe("1,234,567");
    expect(plural(1, "connection")).toBe("1 connection");
    expect(plural(0, "connection")).toBe("0 connections");
    expect(plural(12_000, "reply", "replies")).toBe("12,000 replies");
  });

  it("prints sizes and rates in binary units that parse back", () => {
    expect(formatSizeBytes(1536)).toBe("1.5 KiB");
    expect(formatBytesPerSecond(3 * 1024 * 1024)).toBe("3 MiB/s");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (sizeBytes) => {
        const printed = formatSizeBytes(sizeBytes, 6).replace(" ", "");
        // Six decimals of a binary unit: within one byte per 2^20 of the size.
        expect(Math.abs(parseSizeBytes(printed) - sizeBytes)).toBeLessThanOrEqual(
          Math.ceil(sizeBytes / 2 ** 19),
        );
      }),
    );
  });
});
