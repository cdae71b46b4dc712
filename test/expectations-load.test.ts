// The load driver judging replies by an expectation: the lab's hello and sum apps on the project's own
// servers, and docs/expect-module.md's redis example (the module is read from the document itself) on a
// real redis-server started through the target layer.

import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { getApp } from "../src/apps/registry.js";
import type { LoadErrorEvent } from "../src/clients/load/core/load-stats.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { createFraming } from "../src/framing/registry.js";
import { totalErrors } from "../src/results/load-result.js";
import type { RunningServer } from "../src/servers/server-options.js";
import { startServer } from "../src/servers/start-server.js";
import { findFreePort } from "../src/targets/free-port.js";
import { type RunningServerCommand, startServerCommand } from "../src/targets/server-command.js";
import { studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function appServer(app: "hello" | "sum"): Promise<RunningServer> {
  const server = await startServer("concurrent", {
    framing: createFraming("eof"),
    app: getApp(app),
    host: "127.0.0.1",
    port: 0,
    idleTimeoutMs: 0,
    maxConnections: 64,
    log: () => {},
  });
  running.push(server);
  return server;
}

const base = { framing: "eof", connections: 2, pipelining: 4, amount: 200, timeoutMs: 5000 } as const;

describe("built-in expectations", () => {
  it("hello: every reply is the lab's sentence around its message; echo would call each one corrupted", async () => {
    const server = await appServer("hello");
    const target = `127.0.0.1:${server.port}`;
    const hello = await runLoad({ ...base, target, verify: "hello", sizesBytes: [1, 100, 3000] });
    expect(hello.messages.verified).toBe(200);
    expect(totalErrors(hello)).toBe(0);
    const events: LoadErrorEvent[] = [];
    const echo = await runLoad(
      { ...base, target, verify: "echo", sizesBytes: [30] },
      { onError: (event) => events.push(event) },
    );
    expect(echo.messages.verified).toBe(0);
    expect(echo.mismatches.corrupted).toBe(200);
    // The evidence: the bytes expected (the request) and the sentence that came instead.
    const first = events[0] as LoadErrorEvent;
    expect(first.mismatch).toBe("corrupted");
    expect(first.received?.toString()).toBe(
      `I got "${first.expected?.toString()}" from you and I am sending it back.`,
    );
  });

  it("sum: numbers whose sum is known, judged by the sum app's reply", async () => {
    const server = await appServer("sum");
    const result = await runLoad({
      ...base,
      target: `127.0.0.1:${server.port}`,
      verify: "sum",
      sizesBytes: [0, 1, 64, 4096],
    });
    expect(result.messages.verified).toBe(200);
    expect(totalErrors(result)).toBe(0);
  });
});

/** The module in docs/expect-module.md's worked example, as the document shows it. */
function documentedPingModule(): string {
  const doc = readFileSync(new URL("../docs/expect-module.md", import.meta.url), "utf8");
  const block = /```js\n\/\/ ping\.mjs\n([\s\S]*?)```/.exec(doc);
  if (!block) throw new Error("docs/expect-module.md lost its ping.mjs example");
  return folder.write("ping.mjs", block[1] as string);
}

describe("docs/expect-module.md's redis example", () => {
  let redis: RunningServerCommand;

  it("judges redis-server's +PONG right, and a PING with an argument (a bulk reply) wrong", async () => {
    redis = await startServerCommand({
      command: "redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no",
      host: "127.0.0.1",
      port: await findFreePort("127.0.0.1"),
    });
    running.push({ close: () => redis.stop() });
    const expectModule = documentedPingModule();
    const target = `127.0.0.1:${redis.port}`;
    const pings = await runLoad({
      ...base,
      target,
      framing: { name: "eof", token: Buffer.from("\r\n") },
      expectModule,
      sizesBytes: [4],
    });
    expect(pings.messages.verified).toBe(200);
    expect(totalErrors(pings)).toBe(0);
    expect(pings.config.verify).toBe(expectModule);

    // `PING hello` is answered `$5\r\nhello\r\n`: two lines, neither of them +PONG.
    const echoing = folder.write(
      "ping-with-argument.mjs",
      `export { judge } from ${JSON.stringify(expectModule)};\nexport const request = () => "PING hello";\n`,
    );
    const events: LoadErrorEvent[] = [];
    const wrong = await runLoad(
      {
        ...base,
        target,
        framing: { name: "eof", token: Buffer.from("\r\n") },
        expectModule: echoing,
        sizesBytes: [4],
        amount: 20,
      },
      { onError: (event) => events.push(event) },
    );
    expect(wrong.messages.verified).toBe(0);
    expect(wrong.mismatches.corrupted).toBeGreaterThan(0);
    expect(events[0]?.detail).toContain('judged wrong: expected +PONG, got "$5"');
    expect(events[0]?.request?.toString()).toBe("PING hello");
  });
});
