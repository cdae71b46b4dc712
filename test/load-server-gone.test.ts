// A server that dies in the middle of an amount run: the driver counts the reset and the refused
// reconnections, and ends the run one timeout after the last reply instead of reconnecting forever.

import { spawn } from "node:child_process";
import { afterAll, expect, it } from "vitest";
import { load as runLoad } from "../src/index.js";
import { findFreePort } from "../src/targets/free-port.js";
import { isPortListening } from "../src/targets/listening-port.js";
import { waitFor } from "./support/servers.js";
import { PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());

const ANSWERS_ONCE = folder.write(
  "answers_once.py",
  `import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen()
conn, _ = s.accept()
conn.recv(100)
conn.sendall(b"x")
sys.exit(1)
`,
);

it("an amount run whose server died after one reply ends one timeout later", {
  timeout: 30_000,
}, async () => {
  const port = await findFreePort("127.0.0.1");
  const server = spawn(PYTHON, [ANSWERS_ONCE, String(port)], { stdio: "ignore" });
  try {
    // Ready without a connection: the server accepts one client only.
    let listening = false;
    await waitFor(() => {
      void isPortListening(port).then((answer) => {
        listening = answer === true;
      });
      return listening;
    });
    const startedMs = Date.now();
    const result = await runLoad({
      target: `127.0.0.1:${port}`,
      framing: "naive",
      verify: "none",
      amount: 8,
      connections: 1,
      sizesBytes: [100],
      timeoutMs: 1000,
    });
    expect(Date.now() - startedMs).toBeLessThan(5000);
    expect(result.messages).toMatchObject({ received: 1, verified: 0 });
    expect(result.errors.connect).toBeGreaterThan(0);
    expect(result.warnings.join("\n")).toMatch(/no reply for 1000 ms/);
  } finally {
    server.kill();
  }
});
