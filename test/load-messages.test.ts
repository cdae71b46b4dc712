// Messages that say what happened: a reply whose frame never completes is shown (a u16-prefixed reply
// read as u32, an eof reply without its token) beside the whole frame expected; check gives load's framing
// hint when no cell verified anything; a one-at-a-time server loaded with many connections is named;
// a latency row with nothing verified shows no figures; --bail stops a load; --per-connection shows
// each connection's replies.

import { afterAll, afterEach, describe, expect, it } from "vitest";
import { LoadConfigError } from "../src/clients/load/core/load-config.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { createFraming } from "../src/framing/registry.js";
import { formatExactSize } from "../src/report/exact-size.js";
import { formatLoadReport } from "../src/report/load-report.js";
import { formatTargetCheckReport } from "../src/report/target-check-report.js";
import { excerpt } from "../src/results/byte-excerpt.js";
import type { LoadResult } from "../src/results/load-result.js";
import type { TargetCheckResult } from "../src/results/target-check-result.js";
import { runCli } from "./support/cli-process.js";
import { startScriptedServer, type TestServer } from "./support/misbehaving-server.js";
import { startTestServer } from "./support/servers.js";
import { PYTHON, studentFolder } from "./support/student-servers.js";

/** A length-prefixed echo server whose replies carry a u16 prefix: a u32 reader never finds their end. */
const U16_REPLY_SERVER = `import socket, struct, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
while True:
    c, _ = s.accept()
    buf = b""
    while True:
        d = c.recv(65536)
        if not d:
            break
        buf += d
        while len(buf) >= 4:
            n = struct.unpack(">I", buf[:4])[0]
            if len(buf) < 4 + n:
                break
            body, buf = buf[4:4 + n], buf[4 + n:]
            c.sendall(struct.pack(">H", n) + body)
    c.close()
`;

const folder = studentFolder();
afterAll(() => folder.remove());
const u16Server = folder.write("u16.py", U16_REPLY_SERVER);

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function scripted(framingName: "eof" | "length", script: Parameters<typeof startScriptedServer>[1]) {
  const server: TestServer = await startScriptedServer(createFraming(framingName), script);
  closers.push(() => server.close());
  return server;
}

describe("a frame that never completes", () => {
  it("check shows the bytes that came beside the frame expected, and load's framing hint", {
    timeout: 60_000,
  }, async () => {
    const run = await runCli([
      "check",
      "--server",
      `${PYTHON} ${u16Server} {port}`,
      "--framing",
      "length",
      "--sizes",
      "5",
      "--fragmentations",
      "none",
      "--timeout",
      "500ms",
      "--no-shrink",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("5 B none: timeout:");
    expect(run.stdout).toContain("7 bytes came that never completed a frame");
    expect(run.stdout).toContain('expected (9 bytes) 00 00 00 05 21 21 21 21 21 | "....!!!!!"');
    expect(run.stdout).toContain('received (7 bytes) 00 05 21 21 21 21 21 | "..!!!!!"');
    expect(run.stdout).not.toContain("received nothing");
    expect(run.stdout).toContain(
      "hint: no cell verified a single reply; the server's framing may not be length: give the one it speaks with --framing",
    );
  });

  it("load shows an eof reply without its token, and no latency figures where nothing verified", async () => {
    // The payload comes back, its <EOF> never does.
    const server = await scripted("eof", (request) => [request]);
    const result = await runLoad({
      target: server.target,
      framing: "eof",
      connections: 1,
      sizesBytes: [5],
      amount: 1,
      timeoutMs: 300,
    });
    expect(result.messages.verified).toBe(0);
    expect(result.errorSamples[0]).toMatch(
      /no reply within 300 ms \(1 request unanswered\); 5 bytes came that never completed a frame$/,
    );
    const report = formatLoadReport(result);
    expect(report).toMatch(/Latency: no reply verified\s*│\s*-\s*│\s*-/);
    expect(report).not.toContain("0.00 ms");
  });
});

describe("a server that serves one connection at a time", () => {
  it("is named when only some connections got replies, and --per-connection counts each", async () => {
    const server = await startTestServer("sequential");
    closers.push(() => server.close());
    const result = await runLoad({
      target: `127.0.0.1:${server.port}`,
      framing: "length",
      connections: 4,
      durationMs: 800,
      timeoutMs: 300,
      perConnection: true,
    });
    expect(result.warnings).toContain(
      "only 1 of 4 connections got a reply, the others timed out: the server may serve one connection at a time (a sequential server); load it with -c 1, or see each connection with --per-connection",
    );
    const verified = result.repliesPerConnection?.verified ?? [];
    expect(verified).toHaveLength(4);
    expect(verified.filter((count) => count > 0)).toHaveLength(1);
    expect(verified.reduce((sum, count) => sum + count, 0)).toBe(result.messages.verified);
    expect(formatLoadReport(result)).toMatch(/replies per connection: #0 [\d,]+, #1 0, #2 0, #3 0/);
  });

  it("--per-connection is refused over udp", async () => {
    await expect(
      runLoad({ target: "udp://127.0.0.1:9", connections: 1, amount: 1, perConnection: true }),
    ).rejects.toThrow(LoadConfigError);
  });
});

describe("--bail", () => {
  it("stops the load at the count, keeping the result so far, marked partial", async () => {
    const server = await scripted("length", () => []);
    const started = performance.now();
    const result: LoadResult = await runLoad({
      target: server.target,
      framing: "length",
      connections: 4,
      durationMs: 20_000,
      timeoutMs: 200,
      bail: 3,
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result.partial).toBe(true);
    expect(result.errors.timeout).toBeGreaterThanOrEqual(3);
    expect(result.warnings[0]).toMatch(/^bailed at 3 errors \(--bail\): the figures cover the [\d.]+ s/);
  });

  it("the CLI takes --bail and refuses 0", async () => {
    const run = await runCli(["load", "127.0.0.1:9", "--framing", "length", "--bail", "0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--bail <errors>' argument '0' is invalid. expected a whole number from 1");
  });
});

describe("sizes that must match a command line", () => {
  it("are exact: 2 MiB only when it is 2 MiB", () => {
    expect(formatExactSize(2 * 1024 * 1024)).toBe("2 MiB");
    expect(formatExactSize(2 * 1024 * 1024 - 1)).toBe("2,097,151 B");
    expect(formatExactSize(65536)).toBe("64 KiB");
    expect(formatExactSize(100_000)).toBe("100,000 B");
  });

  it("check's report names a shrunk 2 MiB - 1 as its command does, and one byte in the singular", () => {
    const noErrors = { mismatch: 0, timeout: 0, reset: 0, protocol: 0, connect: 0 };
    const reproduce = "sockbench check --server 'x {port}' --sizes 2097151 --fragmentations none --no-shrink";
    const result: TargetCheckResult = {
      target: "x {port}",
      framing: "length",
      expect: "echo",
      connections: 1,
      seed: 1,
      payload: "mixed",
      probes: [],
      passed: false,
      durationMs: 1000,
      cellsPerSecond: 1,
      cells: [
        {
          size: 1,
          fragmentation: "none",
          verdict: "fail",
          messages: 0,
          asked: 1,
          errors: 1,
          errorKinds: { ...noErrors, mismatch: 1 },
          mismatches: { lost: 0, merged: 0, split: 0, corrupted: 1, duplicated: 0, reordered: 0, status: 0 },
          failure: {
            kind: "corrupted",
            detail: "a changed byte",
            differsAt: 0,
            expected: excerpt(Buffer.from("a"), 0),
            received: excerpt(Buffer.from("b"), 0),
            serverOutput: [],
          },
          reproduce,
          durationMs: 10,
        },
      ],
      shrunk: {
        from: { size: 4 * 1024 * 1024, fragmentation: "none" },
        size: 2 * 1024 * 1024 - 1,
        fragmentation: "none",
        kind: "corrupted",
        reproduce,
        attempts: 5,
      },
    };
    const report = formatTargetCheckReport(result);
    expect(report).toContain('expected (1 byte) 61 | "a"');
    expect(report).toContain("smallest failing case: 2,097,151 B under none (corrupted), shrunk from 4 MiB");
  });
});
