// `check` against servers that answer badly or not at all: each cell ends within its time limit, the
// user hears on stderr what check is waiting for while nothing else is printed, and a target where
// nothing listens is a usage error (exit 2), not a failing protocol.

import { afterAll, describe, expect, it } from "vitest";
import type { TargetCheckResult } from "../src/results/target-check-result.js";
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
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as TargetCheckResult;
    for (const cell of result.cells) {
      expect(cell.failure?.kind, `${cell.size} ${cell.fragmentation}`).toBe("protocol");
      // Before, each reconnect's half reply counted as a sign of life: about 20 s a cell.
      expect(cell.durationMs, `${cell.size} ${cell.fragmentation}`).toBeLessThan(1000 + 3000);
    }
  });
});
