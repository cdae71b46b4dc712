// A driver thread that stands still (a busy machine, a long synchronous step beside it) must not blame
// the server: replies that came while it stood still sit unread, and timeouts do not count that time.

import { afterAll, expect, it } from "vitest";
import { load as runLoad } from "../src/index.js";
import { findFreePort } from "../src/targets/free-port.js";
import { type RunningServerCommand, startServerCommand } from "../src/targets/server-command.js";
import { EOF_ECHO_SERVER, PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
const echoServer = folder.write("eof_echo.py", EOF_ECHO_SERVER);
let server: RunningServerCommand | undefined;
afterAll(async () => {
  await server?.stop();
  folder.remove();
});

/** Keeps this thread busy, as a long synchronous step or a descheduled process would. */
function standStill(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy on purpose
  }
}

it("a driver that stood still past the timeout counts no timeout for replies that waited unread, and says it stood still", {
  timeout: 30_000,
}, async () => {
  // Another process, so that it answers while this thread stands still.
  server = await startServerCommand({
    command: `${PYTHON} ${echoServer} {port}`,
    host: "127.0.0.1",
    port: await findFreePort("127.0.0.1"),
  });
  // From the check phase (setImmediate), as a step after I/O would: Node's next turn then runs the due
  // timers, the driver's sweep among them, before it reads the replies that came meanwhile. (A timer
  // callback would not show it: the timers due after it are judged by the clock read before it.)
  const standing = setTimeout(() => setImmediate(() => standStill(900)), 800);
  const result = await runLoad({
    target: `127.0.0.1:${server.port}`,
    framing: "eof",
    connections: 1,
    sizesBytes: [64],
    durationMs: 2000,
    timeoutMs: 300,
  });
  clearTimeout(standing);
  expect(result.errors.timeout).toBe(0);
  expect(result.messages.verified).toBeGreaterThan(0);
  expect(result.messages.verified).toBe(result.messages.sent);
  expect(result.warnings.join("\n")).toMatch(/the driver itself did not run for \d+ ms at once/);
});
