// Fault options that make no sense are refused with a message naming the option and what it allows:
// by validateFaults() for the library, and by the built CLI with exit code 2 (never a crash).

import { connect, createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { type FaultOptions, validateFaults } from "../src/proxy/fault-options.js";
import { runCli, startCli } from "./support/cli-process.js";

describe("validateFaults", () => {
  it("accepts every fault set to something sensible, and no faults at all", () => {
    expect(validateFaults({})).toEqual([]);
    expect(
      validateFaults({
        sliceAvgBytes: 10,
        sliceVariationBytes: 9,
        sliceDelayMs: 0,
        coalesceMs: 1,
        latencyMs: 5,
        jitterMs: 5,
        bandwidthBytesPerS: 1,
        resetAfterBytes: 1,
      }),
    ).toEqual([]);
  });

  it.each<[FaultOptions, RegExp]>([
    [{ sliceAvgBytes: 0 }, /sliceAvgBytes must be a whole number of bytes, at least 1, got 0/],
    [{ sliceAvgBytes: 1.5 }, /sliceAvgBytes .* got 1.5/],
    [
      { sliceAvgBytes: 10, sliceVariationBytes: 10 },
      /sliceVariationBytes must be below sliceAvgBytes \(10\).*got 10/,
    ],
    [{ sliceAvgBytes: 10, sliceVariationBytes: 11 }, /sliceVariationBytes must be below sliceAvgBytes/],
    [{ sliceAvgBytes: 10, sliceVariationBytes: -1 }, /sliceVariationBytes .* at least 0, got -1/],
    [
      { sliceAvgBytes: 10, sliceDelayMs: -5 },
      /sliceDelayMs must be a duration of 0 ms or more and at most 2147483647 ms, got -5 ms/,
    ],
    [{ sliceAvgBytes: 10, sliceDelayMs: Number.NaN }, /sliceDelayMs must be a duration/],
    [{ sliceVariationBytes: 3 }, /sliceVariationBytes needs sliceAvgBytes/],
    [{ sliceDelayMs: 3 }, /sliceDelayMs needs sliceAvgBytes/],
    [{ coalesceMs: 0 }, /coalesceMs must be a duration above 0 ms and at most 2147483647 ms, got 0 ms/],
    [{ latencyMs: 2 ** 31 }, /latencyMs must be a duration of 0 ms or more and at most 2147483647 ms/],
    [{ latencyMs: -1 }, /latencyMs must be a duration of 0 ms or more/],
    [{ jitterMs: 5 }, /jitterMs must not exceed latencyMs \(0 ms\)/],
    [{ latencyMs: 5, jitterMs: 6 }, /jitterMs must not exceed latencyMs \(5 ms\).*got 6 ms/],
    [
      { bandwidthBytesPerS: 0 },
      /bandwidthBytesPerS must be a whole number of bytes per second, at least 1, got 0/,
    ],
    [{ resetAfterBytes: 0 }, /resetAfterBytes must be a whole number of bytes, at least 1, got 0/],
  ])("refuses %o", (faults, message) => {
    const problems = validateFaults(faults);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it("lists every problem, not just the first", () => {
    expect(validateFaults({ sliceAvgBytes: 0, bandwidthBytesPerS: 0, coalesceMs: -1 })).toHaveLength(3);
  });
});

// Concurrent: each case is a process start, and they are independent.
describe.concurrent("sockbench proxy refuses options that make no sense", () => {
  it.for<[string[], RegExp]>([
    [["--slice-avg", "0"], /--slice-avg must be a whole number of bytes, at least 1, got 0/],
    [["--slice-avg", "10", "--slice-variation", "10"], /--slice-variation must be below --slice-avg \(10\)/],
    [
      ["--slice-avg", "10", "--slice-variation", "1KiB"],
      /--slice-variation must be below --slice-avg \(10\).*got 1024/,
    ],
    [["--slice-avg", "10", "--slice-delay", "-5ms"], /--slice-delay.*not negative/],
    [["--slice-avg", "10", "--slice-delay=-5ms"], /--slice-delay.*not negative/],
    [["--latency", "5ms", "--jitter", "10ms"], /--jitter must not exceed --latency \(5 ms\)/],
    // A bare duration is seconds: 1 and 2 are 1000 ms and 2000 ms, not 1 ms and 2 ms.
    [["--latency", "1", "--jitter", "2"], /--jitter must not exceed --latency \(1000 ms\).*got 2000 ms/],
    [["--coalesce", "0ms"], /--coalesce must be a duration above 0 ms/],
    [["--latency", "30d"], /--latency must be a duration of 0 ms or more and at most 2147483647 ms/],
    [["--bandwidth", "0"], /--bandwidth must be a whole number of bytes per second, at least 1/],
    [["--bandwidth", "fast"], /--bandwidth.*expected a size in bytes/],
    [["--reset-after", "0"], /--reset-after must be a whole number of bytes, at least 1/],
    [["--direction", "sideways"], /--direction.*up, down, both/],
    [["--target", "nowhere"], /--target.*expected HOST:PORT/],
    [["--seed", "-1"], /--seed.*whole number from 0 to 4294967295/],
  ])("%j: exit 2 with a clear message", async ([args, message], { expect }) => {
    const run = await runCli(["proxy", "--listen", "127.0.0.1:0", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stdout).not.toMatch(/listening on/);
  });
});

describe("sockbench proxy", () => {
  it("prints where it listens, relays through its faults and stops on SIGTERM", async () => {
    const target = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const targetAddress = target.address();
    if (targetAddress === null || typeof targetAddress === "string") throw new Error("no address");
    const proxy = await startCli([
      "proxy",
      "--listen",
      "127.0.0.1:0",
      "--target",
      `127.0.0.1:${targetAddress.port}`,
      "--slice-avg",
      "7",
      "--slice-variation",
      "6",
      "--latency",
      "2ms",
      "--jitter",
      "2ms",
      "--seed",
      "5",
    ]);
    try {
      const message = Buffer.from("a message cut into pieces and put back together in order");
      const reply = await new Promise<Buffer>((resolve) => {
        const socket = connect({ host: proxy.host, port: proxy.port });
        const chunks: Buffer[] = [];
        socket.on("data", (chunk: Buffer) => chunks.push(chunk));
        socket.on("close", () => resolve(Buffer.concat(chunks)));
        socket.end(message);
      });
      expect(reply).toEqual(message);
      proxy.child.kill("SIGTERM");
      expect((await proxy.exited).code).toBe(0);
    } finally {
      proxy.child.kill("SIGKILL");
      target.close();
    }
  });
});
