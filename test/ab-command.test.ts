// `sockbench ab`: two real servers (Python, length framing, one spending extra CPU per message) in
// interleaved rounds; B far slower is called slower with its interval and p-value and exits 3, B faster
// is called faster and exits 0; the result file validates as a bench result; bad sides exit 2.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchResult } from "../src/results/bench-result.js";
import { resultSchemaViolations } from "../src/results/result-schemas.js";
import { CLI_PATH, runCli } from "./support/cli-process.js";
import { PYTHON } from "./support/student-servers.js";

/** A length-framed echo server that spins `argv[2]` µs per message before it replies. */
const EXTRA_WORK_SERVER = `import socket, sys, threading, time
work_s = float(sys.argv[2]) / 1e6
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", int(sys.argv[1])))
listener.listen(64)
print("listening on 127.0.0.1:%d" % listener.getsockname()[1], flush=True)
def serve(conn):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    pending = b""
    while True:
        data = conn.recv(65536)
        if not data:
            return conn.close()
        pending += data
        out = []
        while len(pending) >= 4:
            size = 4 + int.from_bytes(pending[:4], "big")
            if len(pending) < size:
                break
            until = time.perf_counter() + work_s
            while time.perf_counter() < until:
                pass
            out.append(pending[:size])
            pending = pending[size:]
        if out:
            conn.sendall(b"".join(out))
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
`;

let directory: string;
const server = (workUs: number) => `${PYTHON} ${join(directory, "extra-work.py")} {port} ${workUs}`;
const TINY = [
  "--framing",
  "length",
  "--sizes",
  "64",
  "--connections",
  "2",
  "--rounds",
  "6",
  "--round",
  "150ms",
];

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "sockbench-ab-"));
  writeFileSync(join(directory, "extra-work.py"), EXTRA_WORK_SERVER);
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe("sockbench ab", { timeout: 120_000 }, () => {
  it("calls a B that spends 2 ms more per message slower, with interval and p, and exits 3", async () => {
    const out = join(directory, "ab.json");
    const run = await runCli(["ab", server(0), server(2000), ...TINY, "--warmup", "200ms", "--out", out]);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(
      /B is [\d.]+ \([\d.]+ to [\d.]+\) times slower than A in msg\/s, p=(0\.00\d|\de-\d)/,
    );
    expect(run.stdout).toContain("B is significantly slower than A beyond 5% in 1 cell of 1");
    expect(run.stderr).toMatch(/\[\d+\/14\] round 6 of 6: [AB], 64 B/);
    const result = JSON.parse(readFileSync(out, "utf8")) as BenchResult;
    expect(resultSchemaViolations(result, "bench")).toEqual([]);
    expect(result.profile).toBe("ab");
    expect(result.settings).toMatchObject({ rounds: 6, roundMs: 150, order: "interleaved", seed: 1 });
    expect(result.runs.map((cell) => [cell.scenario.variant, cell.rounds?.length])).toEqual([
      ["A", 6],
      ["B", 6],
    ]);
    expect(result.runs[1]?.intervals?.serverUsPerMessage?.median).toBeGreaterThan(1500);
  });

  it("judges a command side's replies by --expect: a hello server holds hello, not the default echo", async () => {
    const hello = `${process.execPath} ${CLI_PATH} serve --port {port} --framing length --app hello`;
    const args = ["ab", "concurrent", hello, ...TINY, "--rounds", "2", "--warmup", "0ms"];
    const judged = await runCli([...args, "--expect", "hello"]);
    // The built-in side still echoes and is judged so; only the command side takes --expect.
    expect(judged.code, judged.stdout).toBe(0);
    expect(judged.stdout).not.toContain("errors in");
    // Two rounds a side can never decide, and ab says so before it runs, and again beside the interval.
    expect(judged.stderr).toContain(
      "with 2 rounds a side no p goes below 0.333, above the 0.050 a cell must reach: no cell can be called different (--rounds 4 or more can)",
    );
    expect(judged.stdout).toMatch(/a 67% interval: too few rounds for more\), p=(0\.333|0\.667|1\.000)/);
    const echoed = await runCli(args);
    expect(echoed.code).toBe(1);
    expect(echoed.stdout).toMatch(/errors in B at 64 B: mismatch: corrupted/);
  });

  it("calls a faster B faster and exits 0", async () => {
    const run = await runCli(["ab", server(2000), server(0), ...TINY, "--warmup", "0ms"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /B is [\d.]+ \([\d.]+ to [\d.]+\) times faster than A in msg\/s, p=(0\.00\d|\de-\d)/,
    );
    expect(run.stdout).toContain("B is not significantly slower than A beyond 5% in any of 1 cell");
  });

  it.each([
    [
      ["ab", "threaded", "concurrent"],
      "A must be a built-in variant (sequential, concurrent, cluster) or a command",
    ],
    [
      ["ab", "concurrent", "python3 s.py {port}", "--framing", "http"],
      "B is a command, and a command's server is driven over a TCP framing",
    ],
    [["ab", "sequential", "concurrent", "--framing", "http"], "http has no sequential variant"],
    [["ab", "concurrent", "concurrent", "--rounds", "1"], "expected a whole number from 2 to 100"],
    [
      ["ab", "concurrent", "cluster", "--expect", "hello"],
      "--expect and --expect-module judge a side given as a command; the built-in variants echo",
    ],
    [
      ["ab", "concurrent", "python3 s.py {port}", "--expect-module", "missing.mjs"],
      "missing.mjs: no such file",
    ],
    [
      ["ab", "concurrent", "python3 s.py {port}", "--framing-module", "netstring.mjs"],
      "--framing-module and --reply-framing-module frame a side given as a command, and A is a built-in variant",
    ],
    [
      ["ab", "python3 a.py {port}", "python3 b.py {port}", "--framing", "line", "--framing-module", "n.mjs"],
      "give --framing or --framing-module, not both",
    ],
    [["ab", "python3 a.py {port}", "python3 b.py {port}", "--framing-module", "missing.mjs"], "missing.mjs"],
  ])("%j: exit 2 with a clear message", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
