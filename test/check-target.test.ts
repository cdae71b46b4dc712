// `sockbench check` against servers written the way the lab's students write them (Python), run as a user
// would: through the CLI, each started by --server (the lab's other servers: check-target-lab.test.ts). Sizes and fragmentations are
// kept small so the whole file stays fast; what each test asserts could fail (the buggy server shows it).

import { afterAll, describe, expect, it } from "vitest";
import { CLI_MATRIX, checkJson, verdicts } from "./support/check-json.js";
import { runCli } from "./support/cli-process.js";
import { BUGGY_EOF_ECHO_SERVER, EOF_ECHO_SERVER, PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());

const eofEcho = folder.write("eof_echo.py", EOF_ECHO_SERVER);
const buggyEcho = folder.write("buggy_echo.py", BUGGY_EOF_ECHO_SERVER);

describe("check --server with a student's Python exercise-5 server", CLI_MATRIX, () => {
  it("passes the correct <EOF> echo server in every cell and probe, and says it serves one client at a time", async () => {
    const { code, result } = await checkJson([
      "--server",
      `${PYTHON} ${eofEcho} {port}`,
      "--sizes",
      "0,1,100,2000",
    ]);
    expect(result.cells).toHaveLength(20);
    expect(Object.values(verdicts(result))).toEqual(Array(20).fill("pass"));
    expect(result.probes.map((probe) => [probe.name, probe.verdict])).toEqual([
      ["second-client", "pass"],
      ["concurrent-clients", "pass"],
      ["reset-mid-request", "pass"],
      ["reset-mid-reply", "pass"],
    ]);
    expect(result.probes[1]?.note).toMatch(/served one client at a time/);
    expect(result.payload).toBe("mixed");
    expect(result.passed).toBe(true);
    expect(code).toBe(0);
  });

  it("with --restart never, one server serves every cell: each cell's clients leave gracefully, not with a reset", async () => {
    const { code, result } = await checkJson([
      "--server",
      `${PYTHON} ${eofEcho} {port}`,
      "--restart",
      "never",
      "--sizes",
      "1,100",
      "--fragmentations",
      "none,split,coalesced",
    ]);
    expect(Object.values(verdicts(result))).toEqual(Array(6).fill("pass"));
    expect(code).toBe(0);
  });

  it("fails the buggy one where the token is split between writes, shrinks to the smallest case and reproduces it", async () => {
    const { code, result } = await checkJson([
      "--server",
      `${PYTHON} ${buggyEcho} {port}`,
      "--sizes",
      "0,1,100",
      "--timeout",
      "1s",
    ]);
    expect(code).toBe(1);
    const cells = verdicts(result);
    // Never cut: every token arrives in one recv().
    for (const size of [0, 1, 100]) {
      expect(cells[`${size} none`]).toBe("pass");
      expect(cells[`${size} coalesced`]).toBe("pass");
    }
    // Written in 3 pieces a tick apart: a frame of 5 or 6 bytes has its token cut; 105 bytes keep it whole.
    expect(cells["0 split"]).toBe("fail timeout");
    expect(cells["1 split"]).toBe("fail timeout");
    expect(cells["100 split"]).toBe("pass");
    // Sliced cells fail when a read happens to end inside the token: never for any other reason.
    for (const [where, verdict] of Object.entries(cells)) {
      if (where.includes("slices")) expect(["pass", "fail timeout"]).toContain(verdict);
    }
    const failing = result.cells.find((cell) => cell.size === 0 && cell.fragmentation === "split");
    expect(failing?.failure?.expected).toMatchObject({ length: 0 });
    expect(failing?.failure?.received).toBeUndefined();
    expect(failing?.failure?.serverOutput.map((line) => line.text)).toContainEqual(
      expect.stringMatching(/^Connected by/),
    );
    expect(result.shrunk).toMatchObject({ size: 0, fragmentation: "split", kind: "timeout" });

    // The reproducer is a command line that fails the same way on its own.
    const words = String(result.shrunk?.reproduce).match(/'[^']*'|\S+/g) as string[];
    expect(words.slice(0, 2)).toEqual(["sockbench", "check"]);
    const again = await checkJson(words.slice(2).map((word) => word.replace(/^'(.*)'$/, "$1")));
    expect(again.code).toBe(1);
    expect(verdicts(again.result)).toEqual({ "0 split": "fail timeout" });
  });

  it("shows each failing cell with its bytes, the server's lines and a reproducer in the report", async () => {
    const run = await runCli([
      "check",
      "--server",
      `${PYTHON} ${buggyEcho} {port}`,
      "--sizes",
      "1",
      "--fragmentations",
      "none,split",
      "--timeout",
      "1s",
      "--no-shrink",
      "--no-probes",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL 1 B split: timeout: connection 0 request \d+: no reply within 1000 ms/);
    expect(run.stdout).toMatch(/expected \(1 byte\) [0-9a-f]{2} \| ".*"/);
    expect(run.stdout).toMatch(/received nothing/);
    expect(run.stdout).toMatch(/\d+\.\d{3} stdout\| Connected by/);
    expect(run.stdout).toMatch(
      /reproduce: sockbench check --server '.*buggy_echo\.py \{port\}' --framing eof --timeout 1000ms --sizes 1 --fragmentations split --seed 1 --no-probes --no-shrink/,
    );
    expect(run.stdout).toMatch(/check FAILED: 1 of 2 cells/);
  });
});

describe("check with a server that never becomes ready, and with bad options", CLI_MATRIX, () => {
  it("exits 2 with the server's last output lines", async () => {
    const crash = folder.write(
      "crash.py",
      `import sys\nprint("loading settings")\nsys.exit("no such file: settings.ini")\n`,
    );
    const run = await runCli(["check", "--server", `${PYTHON} ${crash} {port}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exited with code 1 before it was ready/);
    expect(run.stderr).toMatch(/stdout\| loading settings/);
    expect(run.stderr).toMatch(/stderr\| no such file: settings.ini/);
  });

  it.each([
    [["--restart", "never"], "--restart apply to --server"],
    [["--connections", "2"], "--connections apply to a check of your server"],
    [["--server", "true", "--threads", "2"], "--threads applies to the built-in matrix"],
    [["--server", "true", "--max-loss", "1%"], "--max-loss applies to the built-in matrix's udp row"],
    [
      ["--server", "true", "--fragmentations", "none,wobbly"],
      "expected a comma-separated list of none, slices-1",
    ],
    [
      ["--server", "true", "--framing", "fixed", "--sizes", "2000"],
      "does not fit a fixed record of 1024 bytes",
    ],
    [["--server", "true", "--latency", "5ms", "--jitter", "9ms"], "--jitter must not exceed --latency"],
  ])("%j: exit 2 with a clear message", async (args, message) => {
    const run = await runCli(["check", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
