// `check` against servers that answer badly or not at all: each cell ends within its time limit, the
// user hears on stderr what check is waiting for while nothing else is printed, and a target where
// nothing listens is a usage error (exit 2), not a failing protocol.

import { afterAll, describe, expect, it } from "vitest";
import { HEARTBEAT_MS } from "../src/cli/check-heartbeat.js";
import type { TargetCheckResult } from "../src/results/target-check-result.js";
import { findFreePort } from "../src/targets/free-port.js";
import { runCli } from "./support/cli-process.js";
import { PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());

/** Reads a request, sends back half of it and closes: bytes come, a whole reply never does. */
const HALF_REPLY_SERVER = folder.write(
  "half_reply.py",
  `import socket, sys
s = socket.create_server(("127.0.0.1", int(sys.argv[1])))
while True:
    conn, _ = s.accept()
    data = conn.recv(65536)
    if data:
        conn.sendall(data[: max(1, len(data) // 2)])
    conn.close()
`,
);

/** Accepts and reads, and never answers. */
const SILENT_SERVER = folder.write(
  "silent.py",
  `import socket, sys
s = socket.create_server(("127.0.0.1", int(sys.argv[1])))
conns = []
while True:
    conn, _ = s.accept()
    conns.append(conn)
`,
);

describe("check against a silent server", { timeout: 60_000 }, () => {
  it("says on stderr what it waits for while no result is printed", async () => {
    const started = Date.now();
    const run = await runCli([
      "check",
      "--server",
      `${PYTHON} ${SILENT_SERVER} {port}`,
      "--sizes",
      "1",
      "--fragmentations",
      "none",
      "--timeout",
      "12s",
      "--no-shrink",
      "--no-probes",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(1);
    expect(Date.now() - started).toBeGreaterThan(HEARTBEAT_MS);
    expect(run.stderr).toMatch(
      /^check: 0 of 1 cells done; waiting on 1 B none \(\d+ s\) for its server to start and reply \(each reply up to --timeout\)$/m,
    );
    const result = JSON.parse(run.stdout) as TargetCheckResult;
    expect(result.cells[0]?.failure?.kind).toBe("timeout");
  });
});

describe("check's time limits", { timeout: 120_000 }, () => {
  it("a cell whose server closes mid-frame ends one --timeout after the last whole reply", async () => {
    const run = await runCli([
      "check",
      "--server",
      `${PYTHON} ${HALF_REPLY_SERVER} {port}`,
      "--sizes",
      "1,1025",
      "--fragmentations",
      "none,split",
      "--timeout",
      "1s",
      "--no-shrink",
      // The cells' time limits are the point: the probes would only wait out the same broken replies.
      "--no-probes",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as TargetCheckResult;
    for (const cell of result.cells) {
      // The close comes mid-reply, or while a split request is still being written.
      expect(["protocol", "reset"], `${cell.size} ${cell.fragmentation}`).toContain(cell.failure?.kind);
      // Before, each reconnect's half reply counted as a sign of life: about 20 s a cell.
      expect(cell.durationMs, `${cell.size} ${cell.fragmentation}`).toBeLessThan(1000 + 3000);
    }
  });
});

describe("check --target where nothing listens", { timeout: 30_000 }, () => {
  it("exits 2, cannot connect, without running or shrinking a cell", async () => {
    const port = await findFreePort("127.0.0.1");
    const started = Date.now();
    const run = await runCli(["check", "--target", `127.0.0.1:${port}`, "--sizes", "1"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `cannot connect to 127.0.0.1:${port}: nothing listens on port ${port} on this machine`,
    );
    expect(run.stdout).toBe("");
    // Before: exit 1, "FAIL reset" in every cell, then 10 s of shrinking.
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
