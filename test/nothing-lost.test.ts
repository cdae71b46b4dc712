// Issue 24, "nothing lost, nothing hangs", on real processes and files: a result that cannot be written
// leaves the old file whole and still reaches the user; outputs and --server commands are tried before
// the run; merge and report refuse files that ask for too much; check and stress exit 130 on SIGTERM; a
// bench whose stderr closes goes on and leaves no server behind; compare says when a run is partial.

import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverFromOption } from "../src/cli/bench-servers.js";
import { renderBenchDocument, renderBenchTables } from "../src/report/bench-report.js";
import type { BenchResult, BenchRun } from "../src/results/bench-result.js";
import type { LoadResult } from "../src/results/load-result.js";
import { BENCH_PROFILES, type BenchProfile } from "../src/suites/bench-profiles.js";
import { BenchFailedError, runBench } from "../src/suites/bench-suite.js";
import { runCli, spawnCli } from "./support/cli-process.js";
import { startTestServer, type TestServer, waitFor } from "./support/servers.js";
import { EOF_ECHO_SERVER, PYTHON } from "./support/student-servers.js";

let directory: string;
let server: TestServer;
let parts: LoadResult[];

const path = (name: string) => join(directory, name);
const writeJson = (name: string, value: unknown) => {
  writeFileSync(path(name), JSON.stringify(value));
  return path(name);
};
/** The fields of a load result the forgeries below change, loosely typed so that they can be broken. */
interface Forgery {
  shard: { index: number; count: number };
  perSecond: { startMs: number };
  messages: { verified: unknown };
  config: { timeoutMs: number };
  histogram: string;
  durationS: number;
  partial?: boolean;
}

/** A copy of `result` with `change` applied to it. */
const edited = (result: LoadResult, change: (copy: Forgery) => void): LoadResult => {
  const copy = structuredClone(result) as unknown as Forgery;
  change(copy);
  return copy as unknown as LoadResult;
};

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "sockbench-nothing-lost-"));
  server = await startTestServer("concurrent");
  parts = [];
  for (const shard of ["0/2", "1/2"]) {
    const run = await runCli([
      "load",
      `127.0.0.1:${server.port}`,
      "--framing",
      "length",
      "--shard",
      shard,
      "--amount",
      "2000",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    parts.push(JSON.parse(run.stdout));
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

const loadArgs = () => ["load", `127.0.0.1:${server.port}`, "--framing", "length", "--amount", "500"];

describe("result files are written whole or not at all", { timeout: 30_000 }, () => {
  it("a write cut short (file size limit) leaves the old file untouched and prints the result", async () => {
    const good = path("good.json");
    const old = `${JSON.stringify(parts[0], null, 2)}\n`;
    writeFileSync(good, old);
    // RLIMIT_FSIZE of 2 KiB: the ~3 KB result cannot be written, as on a full disk; SIGXFSZ ignored so
    // that the write fails with EFBIG rather than killing node.
    const run = await runCli([...loadArgs(), "--json", "--out", good], {
      prefix: ["sh", "-c", 'trap "" XFSZ; ulimit -f 2; exec "$0" "$@"'],
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot write ${good}: EFBIG`);
    expect(run.stderr).toMatch(/it is on stdout/);
    expect(readFileSync(good, "utf8")).toBe(old);
    expect(JSON.parse(run.stdout).messages.verified).toBe(500);
  });

  it("a full device behind a symlink: the report is printed, the JSON goes to a named fallback, the device stays", async () => {
    const link = path("full.json");
    symlinkSync("/dev/full", link);
    const run = await runCli([...loadArgs(), "--out", link]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/verified of [\d,]+ sent/);
    const fallback = /wrote it to (\S+) instead/.exec(run.stderr)?.[1] as string;
    expect(run.stderr).toContain(`cannot write ${link}: ENOSPC (no space left on the device)`);
    expect(JSON.parse(readFileSync(fallback, "utf8")).messages.verified).toBe(500);
    rmSync(fallback);
    expect(statSync("/dev/full").isCharacterDevice()).toBe(true);
  });

  it("load --out under a regular file is refused before the run (exit 2), not after it", async () => {
    writeFileSync(path("plain"), "");
    const started = Date.now();
    const run = await runCli([...loadArgs().slice(0, 4), "--duration", "30s", "--out", path("plain/x.json")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot write --out ${path("plain/x.json")}: ENOTDIR`);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("bench --out under a regular file is refused before any cell runs", async () => {
    const run = await runCli(["bench", "--profile", "quick", "--out", path("plain/results")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot write to --out ${path("plain/results")}: ENOTDIR`);
    expect(run.stderr).not.toContain("[1/");
  });
});

describe("bench with the user's servers", () => {
  const tinyProfile: BenchProfile = {
    ...BENCH_PROFILES.quick,
    sizesBytes: [64, 128],
    warmupMs: 0,
    durationMs: 200,
    timeoutMs: 1000,
    // One built-in cell per size is enough to show the finished ones are kept; the rest of the matrix
    // would only add time.
    framings: ["length"],
    variants: ["concurrent"],
  };

  it("a --server that cannot start fails before the built-in cells (exit 2 in seconds)", {
    timeout: 30_000,
  }, async () => {
    const started = Date.now();
    const run = await runCli(["bench", "--profile", "quick", "--out", path("bench"), "--server", "x=exit 3"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("your server x:");
    expect(run.stderr).toContain("exited with code 3");
    expect(run.stderr).not.toContain("[1/");
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("keeps the cells that finished when a user's server fails later", { timeout: 180_000 }, async () => {
    // Starts twice (the check before the bench, then its first cell), then exits 3.
    const counter = path("starts");
    writeFileSync(
      path("flaky.py"),
      `import os, sys
n = int(open(${JSON.stringify(counter)}).read()) if os.path.exists(${JSON.stringify(counter)}) else 0
open(${JSON.stringify(counter)}, "w").write(str(n + 1))
if n >= 2:
    sys.exit(3)
${EOF_ECHO_SERVER}`,
    );
    const flaky = serverFromOption(`flaky=${PYTHON} ${path("flaky.py")} {port}`);
    const failure = await runBench(tinyProfile, {}, [flaky]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BenchFailedError);
    const { result, message } = failure as BenchFailedError;
    expect(message).toContain("exited with code 3");
    expect(result.partial).toBe(true);
    expect(result.runs.filter((run) => run.scenario.variant === "flaky")).toHaveLength(1);
    expect(result.runs.filter((run) => run.scenario.variant === "concurrent").length).toBeGreaterThan(0);
  });
});

describe("merge and report refuse what a file cannot honestly ask for (exit 2, naming file and field)", {
  timeout: 30_000,
}, () => {
  const startMs = () => parts[1]?.perSecond.startMs as number;
  it.each([
    [
      "shard 7 of 2",
      (copy: Forgery) => (copy.shard.index = 7),
      "claims shard 7/2: a shard's index counts from 0 to 1",
    ],
    [
      "100,000,000 shards",
      (copy: Forgery) => (copy.shard.count = 100_000_000),
      "at /shard/count: must be <= 10000",
    ],
    [
      "a start a day later",
      (copy: Forgery) => (copy.perSecond.startMs = startMs() + 86_400_000),
      "parts of different runs",
    ],
    [
      "a start 3e9 ms later",
      (copy: Forgery) => (copy.perSecond.startMs = startMs() + 3e9),
      "parts of different runs",
    ],
    [
      'verified "16283lots"',
      (copy: Forgery) => (copy.messages.verified = "16283lots"),
      "at /messages/verified: must be integer",
    ],
    ["timeoutMs -50", (copy: Forgery) => (copy.config.timeoutMs = -50), "at /config/timeoutMs: must be >= 1"],
    [
      "a histogram cut short",
      (copy: Forgery) => (copy.histogram = copy.histogram.slice(0, 40)),
      "at /histogram: the histogram does not decode: cut short",
    ],
  ])("merge: %s", async (_name, change, message) => {
    const started = Date.now();
    const run = await runCli([
      "merge",
      writeJson("part0.json", parts[0]),
      writeJson("forged.json", edited(parts[1] as LoadResult, change)),
      "--out",
      path("merged.json"),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("forged.json");
    expect(run.stderr).toContain(message);
    expect(existsSync(path("merged.json"))).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("report: durationS 1e7 with one second of series is refused at once, not rendered", async () => {
    const forged = writeJson(
      "long.json",
      edited(parts[0] as LoadResult, (copy) => (copy.durationS = 1e7)),
    );
    const started = Date.now();
    const run = await runCli(["report", forged, "--html", path("long.html")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("at /durationS: 10000000 s measured, but /perSecond/messages holds 1 s");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a whole pair still merges", async () => {
    const run = await runCli([
      "merge",
      writeJson("a.json", parts[0]),
      writeJson("b.json", parts[1]),
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).messages.verified).toBe(2000);
  });
});

describe("exit codes and partial results", { timeout: 60_000 }, () => {
  it.each(["check", "stress"])(
    "%s on SIGTERM says so, exits 130 and stops the server it started",
    async (name) => {
      // A server that never listens: the command is waiting for it to be ready when the signal comes.
      const marker = `sleep 60.${process.pid}`;
      const cli = spawnCli([name, "--server", `${marker} # {port}`, "--ready-timeout", "30s"]);
      await waitFor(() => pidsNamed(marker).length > 0, 10_000);
      cli.child.kill("SIGTERM");
      const run = await cli.exited;
      expect(run.code).toBe(130);
      expect(run.stderr).toContain("SIGTERM: quitting without a result");
      await waitFor(() => pidsNamed(marker).length === 0, 5_000);
    },
  );

  it("bench: a stderr that closes does not kill the run: it finishes, writes its result, leaves no server", async () => {
    // Three cells of three rounds: every later warm-up and round writes a progress line into the closed pipe.
    const out = path("bench-epipe");
    const narrow = ["--framings", "length", "--sizes", "64", "--rounds", "3", "--format", "json"];
    const bench = spawnCli(["bench", "--profile", "quick", ...narrow, "--out", out]);
    await waitFor(() => bench.stderr().includes("[1/"), 20_000);
    const serverPids = () => childPids(bench.child.pid as number);
    await waitFor(() => serverPids().length > 0, 10_000);
    const servers = serverPids();
    bench.child.stderr?.destroy();
    const run = await bench.exited;
    expect(run.code).toBe(0);
    const json = readdirSync(out).find((name) => name.endsWith(".json")) as string;
    const result = JSON.parse(readFileSync(join(out, json), "utf8")) as BenchResult;
    expect(result.partial).toBeUndefined();
    expect(result.runs.map((cell) => cell.rounds?.length)).toEqual([3, 3, 3]);
    await waitFor(() => servers.every((pid) => !isRunning(pid)), 5_000);
  });

  it("a bench stopped after only sequential cells still prints and writes their table", () => {
    const run = { ...(parts[0] as LoadResult), scenario: sequentialScenario } as BenchRun;
    const tables = renderBenchTables([run]);
    expect(tables).toMatch(/64 B messages \(sequential: 1\), fragmentation none/);
    expect(tables).toMatch(/│ length +│ (★ )?[\d,]+ msg\/s/);
    const result = {
      tool: "sockbench",
      version: "0",
      startedAt: "",
      machine: parts[0]?.machine,
      profile: "quick",
      runs: [run],
      partial: true,
    } as BenchResult;
    expect(renderBenchDocument(result)).toMatch(/\| length \| (★ )?[\d,]+ msg\/s/);
  });

  it("compare says a partial run is partial instead of a bare fall", async () => {
    const partial = edited(parts[0] as LoadResult, (copy) => {
      copy.partial = true;
    });
    const run = await runCli([
      "compare",
      writeJson("whole.json", parts[0]),
      writeJson("partial.json", partial),
    ]);
    expect(run.stderr).toContain(`${path("partial.json")} is a partial result (interrupted)`);
    expect(run.stdout).toContain(`B: ${path("partial.json")} (PARTIAL: interrupted)`);
    expect(run.stdout).toContain("(B partial: interrupted)");
  });
});

const sequentialScenario = {
  framing: "length",
  variant: "sequential",
  size: 64,
  connections: 1,
  pipelining: 1,
  fragmentation: "none",
} as const;

/** Live (not zombie) processes whose command line starts with `text` (exec -a names them). */
function pidsNamed(text: string): number[] {
  return procEntries()
    .filter((entry) => entry.cmdline.startsWith(text))
    .map((entry) => entry.pid);
}

function childPids(parent: number): number[] {
  return procEntries()
    .filter((entry) => entry.ppid === parent && entry.cmdline.includes(" serve "))
    .map((entry) => entry.pid);
}

function isRunning(pid: number): boolean {
  return procEntries().some((entry) => entry.pid === pid);
}

function procEntries(): { pid: number; ppid: number; cmdline: string }[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "latin1");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (fields[0] === "Z") return [];
        const cmdline = readFileSync(`/proc/${name}/cmdline`, "latin1").replace(/\0/g, " ");
        return [{ pid: Number(name), ppid: Number(fields[1]), cmdline }];
      } catch {
        return [];
      }
    });
}
