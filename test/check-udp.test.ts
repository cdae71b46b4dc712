// The udp row of `sockbench check`: every size one datagram carries passes against the UDP echo server,
// with its loss reported; a cell fails on any wrong, repeated or overtaken reply, and on loss only
// beyond --max-loss.

import { describe, expect, it } from "vitest";
import { cellVerdict, checkResultJson, formatCheckReport } from "../src/report/check-report.js";
import type { LoadResult } from "../src/results/load-result.js";
import { runCheck } from "../src/suites/check-suite.js";
import { judgeUdpCell, UDP_CELL_MESSAGES } from "../src/suites/udp-check-cell.js";

type Counts = Pick<LoadResult, "errors" | "mismatches" | "messages">;

function counts(verified: number, lost: number, other: Partial<LoadResult["mismatches"]> = {}): Counts {
  const mismatches = {
    lost,
    duplicated: 0,
    reordered: 0,
    merged: 0,
    split: 0,
    corrupted: 0,
    status: 0,
    ...other,
  };
  const mismatch = Object.values(mismatches).reduce((sum, count) => sum + count, 0);
  return {
    errors: { mismatch, timeout: 0, reset: 0, protocol: 0, connect: 0 },
    mismatches,
    messages: { sent: verified + lost, received: verified, verified },
  };
}

describe("check: the udp row", () => {
  it("runs every size one datagram carries, straight to the server, and passes with its loss reported", async () => {
    const result = await runCheck({ framings: ["udp"], threads: 2 });
    // 64 KiB and 1 MiB exceed one IPv4 datagram (65,507 bytes); the proxy's fragmentations cut streams only.
    expect(result.cells.map((cell) => [cell.size, cell.fragmentation])).toEqual([
      [0, "none"],
      [1, "none"],
      [1023, "none"],
      [1024, "none"],
      [1025, "none"],
    ]);
    for (const cell of result.cells) {
      expect(cell, `udp ${cell.size}`).toMatchObject({
        framing: "udp",
        passed: true,
        errors: 0,
        lost: 0,
        messages: UDP_CELL_MESSAGES,
        blocking: false,
      });
    }
    expect(result.passed).toBe(true);
    expect(formatCheckReport(result)).toContain(
      `udp kept every boundary and lost 0 of ${(5 * UDP_CELL_MESSAGES).toLocaleString("en-US")} datagrams`,
    );
    const json = checkResultJson(result, { startedAt: new Date().toISOString() }) as {
      cells: { lost?: number }[];
    };
    expect(json.cells[0]?.lost).toBe(0);
  });

  it("fails a cell on loss only beyond --max-loss, and on any other error at once", () => {
    expect(judgeUdpCell(counts(1000, 0), 1000, 0)).toEqual({ passed: true, lost: 0 });
    expect(judgeUdpCell(counts(999, 1), 1000, 0)).toEqual({ passed: false, lost: 1 });
    expect(judgeUdpCell(counts(999, 1), 1000, 0.001)).toEqual({ passed: true, lost: 1 });
    expect(judgeUdpCell(counts(998, 2), 1000, 0.001)).toEqual({ passed: false, lost: 2 });
    expect(judgeUdpCell(counts(999, 0, { duplicated: 1 }), 999, 0.5).passed).toBe(false);
    expect(judgeUdpCell(counts(999, 0, { reordered: 1 }), 1000, 0.5).passed).toBe(false);
    // Every datagram must be accounted for: verified or lost.
    expect(judgeUdpCell(counts(990, 0), 1000, 0.5).passed).toBe(false);
    const cell = {
      framing: "udp" as const,
      size: 64,
      fragmentation: "none" as const,
      passed: true,
      messages: 999,
      asked: 1000,
      errors: 0,
      lost: 1,
      errorKinds: { mismatch: 1, timeout: 0, reset: 0, protocol: 0, connect: 0 },
      samples: [],
      blocking: false,
    };
    expect(cellVerdict(cell)).toBe("pass, lost 1/1000");
  });
});
