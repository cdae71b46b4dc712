// The correctness matrix: a subset run in-process (every framing, sizes 1 and 1025, no fragmentation and
// 1-byte slices), a deliberately broken decoder that the slicing catches, the naive must-fail rule,
// the proxy's latency showing in the driver's p50, and one run of the whole `sockbench check` CLI.

import { afterEach, describe, expect, it } from "vitest";
import { getApp } from "../src/apps/registry.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { FrameDecoder } from "../src/framing/frame-decoder.js";
import type { Framing, FramingName, FramingOptions } from "../src/framing/framing.js";
import { createFraming } from "../src/framing/registry.js";
import { type RunningProxy, startProxy } from "../src/proxy/start-proxy.js";
import { cellVerdict, checkResultJson, formatCheckReport } from "../src/report/check-report.js";
import type { CheckCell } from "../src/results/check-result.js";
import { totalErrors } from "../src/results/load-result.js";
import type { RunningServer } from "../src/servers/server-options.js";
import { startServer } from "../src/servers/start-server.js";
import { runCheck } from "../src/suites/check-suite.js";
import { FRAGMENTATIONS } from "../src/suites/fragmentations.js";
import { NAIVE_SLICING_BREAKS_FROM_BYTES, naiveMustFailReason } from "../src/suites/naive-expectations.js";
import { runCli } from "./support/cli-process.js";

const LENGTH_HEADER_BYTES = 4;

/** Broken on purpose: takes each read as one whole length-prefixed frame, never waiting for the rest. */
class ReadIsFrameDecoder extends FrameDecoder {
  protected decodeNext(): Buffer | undefined {
    if (this.queue.length === 0) return undefined;
    const read = this.queue.take(this.queue.length);
    return read.subarray(Math.min(LENGTH_HEADER_BYTES, read.length));
  }
}

/** The length framing with the broken decoder: replies are still encoded correctly. */
function brokenServerFraming(name: FramingName, options: FramingOptions): Framing {
  const framing = createFraming(name, options);
  if (name !== "length") return framing;
  return {
    name,
    spec: framing.spec,
    knownBroken: false,
    payloadAvoidsBytes: framing.payloadAvoidsBytes,
    selfDelimiting: false,
    largestPayloadBytes: framing.largestPayloadBytes,
    largestPayloadWords: framing.largestPayloadWords,
    overLimitSample: () => framing.overLimitSample(),
    encode: (payload) => framing.encode(payload),
    frameBytes: (payloadBytes) => framing.frameBytes(payloadBytes),
    encodeInto: (payload, target, offset) => framing.encodeInto(payload, target, offset),
    createDecoder: () => new ReadIsFrameDecoder(),
  };
}

function cellOf(cells: CheckCell[], framing: FramingName, size: number, fragmentation: string): CheckCell {
  const cell = cells.find(
    (candidate) =>
      candidate.framing === framing && candidate.size === size && candidate.fragmentation === fragmentation,
  );
  if (cell === undefined) throw new Error(`no cell ${framing} ${size} ${fragmentation}`);
  return cell;
}

describe("check suite", () => {
  it("eof, length, fixed, varint and line pass; naive fails where it must", async () => {
    // On two worker threads (from dist/), as the CLI runs it.
    const result = await runCheck({
      sizesBytes: [1, 1025],
      fragmentations: ["none", "slices-1"],
      threads: 2,
    });
    // Six framings at two sizes under two fragmentations, and udp at both sizes (no proxy cuts a datagram).
    expect(result.cells).toHaveLength(6 * 2 * 2 + 2);
    expect(new Set(result.cells.map((cell) => cell.framing))).toEqual(
      new Set(["eof", "length", "fixed", "naive", "varint", "line", "udp"]),
    );
    for (const cell of result.cells.filter((candidate) => candidate.framing !== "naive")) {
      expect(cell, `${cell.framing} ${cell.size} ${cell.fragmentation}`).toMatchObject({
        passed: true,
        errors: 0,
        messages: cell.asked,
        blocking: false,
      });
    }
    expect(cellVerdict(cellOf(result.cells, "naive", 1, "none"))).toBe("pass");
    expect(cellVerdict(cellOf(result.cells, "naive", 1025, "none"))).toBe("expected fail");
    expect(cellVerdict(cellOf(result.cells, "naive", 1025, "slices-1"))).toBe("expected fail");
    // A 1-byte message cannot be cut: naive passes it under 1-byte slices, and that decides nothing.
    expect(cellOf(result.cells, "naive", 1, "slices-1").mustFailBecause).toBeUndefined();
    expect(result.passed).toBe(true);
    const json = checkResultJson(result, { startedAt: "2026-01-01T00:00:00.000Z" });
    expect(json).toMatchObject({ tool: "sockbench", kind: "check", startedAt: "2026-01-01T00:00:00.000Z" });
    expect(json.cells[0]).toMatchObject({ framing: "eof", size: 1, fragmentation: "none", passed: true });
    expect(Object.keys(json.cells[0] ?? {})).toEqual(
      expect.arrayContaining(["framing", "size", "fragmentation", "passed", "messages", "errors"]),
    );
    expect(formatCheckReport(result)).toContain("expected fail");
  }, 30_000);

  it("refuses a server framing with worker threads: it cannot cross into them", async () => {
    await expect(runCheck({ threads: 2, serverFraming: brokenServerFraming })).rejects.toThrow(
      /this thread only/,
    );
  });

  it("catches a decoder that takes each read as a whole frame: it passes unsliced, fails sliced", async () => {
    const result = await runCheck({
      framings: ["length"],
      sizesBytes: [1, 1023],
      fragmentations: ["none", "slices-1", "split"],
      serverFraming: brokenServerFraming,
    });
    expect(cellOf(result.cells, "length", 1, "none").passed).toBe(true);
    expect(cellOf(result.cells, "length", 1023, "none").passed).toBe(true);
    // A 5-byte frame's 1-byte slices, written in one burst, may merge again: that cell decides nothing here.
    const sliced = [
      cellOf(result.cells, "length", 1023, "slices-1"),
      cellOf(result.cells, "length", 1, "split"),
      cellOf(result.cells, "length", 1023, "split"),
    ];
    for (const cell of sliced) {
      expect(cell.passed, `${cell.size} ${cell.fragmentation}`).toBe(false);
      expect(cell.errors).toBeGreaterThan(0);
      expect(cellVerdict(cell)).toBe("FAIL");
    }
    expect(result.passed).toBe(false);
    expect(formatCheckReport(result)).toContain("check FAILED");
  }, 30_000);

  it("naive's must-fail rule follows its recv(1024) design", () => {
    const { none, coalesced, split } = FRAGMENTATIONS;
    const slices1 = FRAGMENTATIONS["slices-1"];
    const slices17 = FRAGMENTATIONS["slices-1-7"];
    expect(naiveMustFailReason(0, none)).toMatch(/no bytes/);
    expect(naiveMustFailReason(1024, none)).toBeUndefined();
    expect(naiveMustFailReason(1025, none)).toMatch(/recv\(1024\)/);
    // Slices written in one burst may merge again in the receiver's buffer: short messages pass by chance.
    expect(naiveMustFailReason(1, slices1)).toBeUndefined();
    expect(naiveMustFailReason(NAIVE_SLICING_BREAKS_FROM_BYTES - 1, slices17)).toBeUndefined();
    expect(naiveMustFailReason(NAIVE_SLICING_BREAKS_FROM_BYTES, slices1)).toBeDefined();
    expect(naiveMustFailReason(1023, slices17)).toBeDefined();
    expect(naiveMustFailReason(1, coalesced)).toBeDefined();
    expect(naiveMustFailReason(1024, coalesced)).toBeUndefined();
    expect(naiveMustFailReason(1, split)).toBeUndefined();
    expect(naiveMustFailReason(2, split)).toBeDefined();
  });
});

describe("proxy latency in the driver", () => {
  const closing: (RunningServer | RunningProxy)[] = [];
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((running) => running.close()));
  });

  it("--latency 20ms in both directions shows in the p50 round trip", async () => {
    const server = await startServer("concurrent", {
      host: "127.0.0.1",
      port: 0,
      idleTimeoutMs: 0,
      maxConnections: 8,
      log: () => {},
      framing: createFraming("length"),
      app: getApp("echo"),
    });
    closing.push(server);
    const proxy = await startProxy({
      listenHost: "127.0.0.1",
      listenPort: 0,
      targetHost: server.host,
      targetPort: server.port,
      faults: { latencyMs: 20 },
      direction: "both",
    });
    closing.push(proxy);
    const result = await runLoad({
      target: `${proxy.host}:${proxy.port}`,
      framing: "length",
      connections: 1,
      amount: 10,
      sizesBytes: [64],
    });
    expect(totalErrors(result)).toBe(0);
    expect(result.messages.verified).toBe(10);
    expect(result.latencyUs.p50).toBeGreaterThanOrEqual(40_000);
  }, 20_000);
});

describe("sockbench check", () => {
  it("runs the whole matrix: exit 0, naive caught", async () => {
    const result = await runCli(["check"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/│ naive\s+│ 0 B\s+│ expected fail/);
    expect(result.stdout).toMatch(/│ naive\s+│ 1,025 B\s+│ expected fail/);
    expect(result.stdout).not.toMatch(/FAIL|unexpected pass/);
    expect(result.stdout).toMatch(/│ udp\s+│ 1,025 B\s+│ pass/);
    expect(result.stdout).toContain(
      "check passed: 215 cells; eof, length, fixed, varint and line held everywhere, naive failed wherever it must; udp kept every boundary and lost 0 of 5,000 datagrams",
    );
  }, 180_000);
});
