// The target layer against real programs: Python servers started by command line, ready when their port
// listens (seen without connecting: a single-shot server keeps its one client), stopped as a whole
// process group; the option validation; expect modules; the output ring.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BUILT_IN_EXPECTATIONS } from "../src/apps/expectation.js";
import { sumNumbers } from "../src/apps/sum-app.js";
import { sumRequest } from "../src/apps/sum-request.js";
import {
  ExpectModuleError,
  loadExpectationModule,
} from "../src/clients/load/verification/expectation-module.js";
import { groupPids } from "../src/platform/process-group.js";
import { findFreePort } from "../src/targets/free-port.js";
import { isPortListening, procTableListensOn } from "../src/targets/listening-port.js";
import { OutputRing } from "../src/targets/output-ring.js";
import { type RunningServerCommand, startServerCommand } from "../src/targets/server-command.js";
import { TargetSetupError } from "../src/targets/target-error.js";
import { openTarget } from "../src/targets/target-session.js";
import { LIBRARY_OPTION_NAMES, resolveTargetChoice, targetArguments } from "../src/targets/target-spec.js";
import { waitFor } from "./support/servers.js";
import { LAB_HELLO_SERVER, PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
const helloServer = folder.write("hello_server.py", LAB_HELLO_SERVER);
afterAll(() => folder.remove());

const started: RunningServerCommand[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.stop()));
});

async function start(command: string, options: Partial<Parameters<typeof startServerCommand>[0]> = {}) {
  const server = await startServerCommand({
    command,
    host: "127.0.0.1",
    port: await findFreePort("127.0.0.1"),
    readyTimeoutMs: 10_000,
    ...options,
  });
  started.push(server);
  return server;
}

/** Sends `text` on a fresh connection and resolves with the first bytes back. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    socket.once("data", (reply) => {
      socket.end();
      resolve(reply.toString());
    });
    socket.once("error", reject);
  });
}

/** Pids whose command line (its words joined by spaces) is exactly `commandLine`. */
function processesRunning(commandLine: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim() === commandLine;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function setupError(promise: Promise<unknown>): Promise<TargetSetupError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TargetSetupError);
  return error as TargetSetupError;
}

describe("a server started from a command line", () => {
  it("is ready once its port listens, without a connection: the lab's single-shot server keeps its one client", async () => {
    const server = await start(`${PYTHON} ${helloServer} {port}`);
    expect(await isPortListening(server.port)).toBe(true);
    // Had readiness connected, the server would have spent its one client on it: this exchange would be
    // refused, and the server would print "Connected by" twice.
    expect(server.exitStatus()).toBeUndefined();
    expect(await exchange(server.port, "Hello world")).toBe(
      'I got "Hello world" from you and I am sending it back.',
    );
    await waitFor(() => server.output.all().some((line) => line.text.startsWith("Connected by")));
    // Its one client gone, the lab's server ends by itself.
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const connected = server.output.all().filter((line) => line.text.startsWith("Connected by"));
    expect(connected).toHaveLength(1);
  });

  it("gets its port through $PORT too, and exposes the pids of its process group", async () => {
    const script = folder.write(
      "env_port.py",
      `import os, socket, time\ns = socket.create_server(("127.0.0.1", int(os.environ["PORT"])))\ntime.sleep(60)\n`,
    );
    // The shell stays as the group leader and python is its child: both belong to the server.
    const server = await start(`${PYTHON} ${script}; echo done`);
    const pids = server.pids();
    expect(pids).toContain(server.pid);
    expect(pids.length).toBeGreaterThanOrEqual(2);
    for (const pid of pids) expect(existsSync(`/proc/${pid}/stat`)).toBe(true);
    expect(pids.map((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8"))).toContainEqual(
      expect.stringContaining("env_port.py"),
    );
    await server.stop();
    expect(groupPids(server.pid)).toEqual([]);
    expect(await isPortListening(server.port)).toBe(false);
  });

  it("is ready when --ready matches a line of its output, and keeps the lines with their time", async () => {
    const script = folder.write(
      "announce.py",
      `import socket, sys, time\ntime.sleep(0.3)\nprint("warming up")\ns = socket.create_server(("127.0.0.1", int(sys.argv[1])))\nprint("serving on", sys.argv[1])\ntime.sleep(60)\n`,
    );
    const server = await start(`${PYTHON} ${script} {port}`, { readyPattern: /^serving on \d+$/ });
    const lines = server.output.all();
    expect(lines.map((line) => line.text)).toEqual(["warming up", `serving on ${server.port}`]);
    for (const line of lines) expect(line.atMs).toBeGreaterThanOrEqual(server.startedAtMs);
    expect(lines.every((line) => line.stream === "stdout")).toBe(true);
  });

  it("that exits before it is ready fails with its last output lines", async () => {
    const script = folder.write(
      "crash.py",
      `import sys\nprint("starting")\nraise SystemExit("cannot open config.ini")\n`,
    );
    const error = await setupError(start(`${PYTHON} ${script} {port}`));
    expect(error.kind).toBe("server-exited");
    expect(error.message).toMatch(/exited with code 1 before it was ready/);
    expect(error.message).toContain("stdout| starting");
    expect(error.message).toContain("stderr| cannot open config.ini");
  });

  it("that never listens fails after --ready-timeout, saying what it waited for, and is stopped", async () => {
    const before = Date.now();
    const error = await setupError(start("echo no socket here; exec sleep 61.25", { readyTimeoutMs: 800 }));
    expect(Date.now() - before).toBeLessThan(8000);
    expect(error.kind).toBe("server-not-ready");
    expect(error.message).toMatch(/was not ready within 800 ms: port \d+ never showed up listening/);
    expect(error.message).toContain("stdout| no socket here");
    // Stopped: no process runs its command any more.
    expect(processesRunning("sleep 61.25")).toEqual([]);
  });

  it("that ignores SIGTERM is killed after the grace, with everything it started", async () => {
    const script = folder.write(
      "stubborn.py",
      `import signal, socket, subprocess, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\nsubprocess.Popen(["sleep", "60"])\ns = socket.create_server(("127.0.0.1", int(sys.argv[1])))\ntime.sleep(60)\n`,
    );
    const server = await start(`exec ${PYTHON} ${script} {port}`, { stopGraceMs: 300 });
    await waitFor(() => server.pids().length >= 2);
    const before = Date.now();
    await server.stop();
    expect(Date.now() - before).toBeGreaterThanOrEqual(250);
    expect(await server.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(groupPids(server.pid)).toEqual([]);
  });

  it("refuses a port another program listens on", async () => {
    const script = folder.write(
      "sleeper.py",
      `import socket, sys, time\ns = socket.create_server(("127.0.0.1", int(sys.argv[1])))\ntime.sleep(60)\n`,
    );
    const first = await start(`${PYTHON} ${script} {port}`);
    const error = await setupError(start(`${PYTHON} ${script} {port}`, { port: first.port }));
    expect(error.message).toMatch(`port ${first.port} is in use already`);
  });
});

describe("a target session", () => {
  it("per-cell: a fresh single-shot server for each cell, each on its own port, all stopped", async () => {
    const session = await openTarget(
      resolveTargetChoice({ server: `${PYTHON} ${helloServer} {port}` })?.target as never,
    );
    expect(session.cellsMayOverlap).toBe(true);
    const seen: number[] = [];
    for (const text of ["one", "two"]) {
      const reply = await session.withCell(async (endpoint) => {
        seen.push(endpoint.port);
        return exchange(endpoint.port, text);
      });
      expect(reply).toBe(`I got "${text}" from you and I am sending it back.`);
    }
    expect(new Set(seen).size).toBe(2);
    expect(session.runningServers()).toEqual([]);
    await session.close();
  });

  it("per-cell, once closed: a cell still under way when the run failed starts no server", async () => {
    const session = await openTarget(
      resolveTargetChoice({ server: `${PYTHON} ${helloServer} {port}` })?.target as never,
    );
    // The first cell takes the server that proved the command starts; the next one starts its own.
    await session.withCell(async () => {});
    let ran = false;
    const starting = session.withCell(async () => {
      ran = true;
    });
    await session.close();
    await expect(starting).rejects.toThrow("the target session is closed");
    await expect(session.withCell(async () => {})).rejects.toThrow("the target session is closed");
    expect(ran).toBe(false);
    expect(session.runningServers()).toEqual([]);
  });

  it("never: one server for every cell; a single-shot server is gone after the first", async () => {
    const session = await openTarget(
      resolveTargetChoice({ server: `${PYTHON} ${helloServer} {port}`, restart: "never" })?.target as never,
    );
    expect(session.cellsMayOverlap).toBe(false);
    await session.withCell((endpoint) => exchange(endpoint.port, "first"));
    const status = await session.withCell(async (endpoint) => endpoint.server?.exited);
    expect(status).toEqual({ code: 0, signal: null });
    await session.close();
  });

  it("an address target is handed over as it is, one cell at a time", async () => {
    const server = await start(`${PYTHON} ${helloServer} {port}`);
    const session = await openTarget({ kind: "address", host: "127.0.0.1", port: server.port });
    expect(session.cellsMayOverlap).toBe(false);
    expect(await session.withCell(async (endpoint) => endpoint)).toEqual({
      host: "127.0.0.1",
      port: server.port,
    });
  });

  it("an address target on this machine where nothing listens is refused before any cell", async () => {
    const port = await findFreePort("127.0.0.1");
    const error = await setupError(openTarget({ kind: "address", host: "127.0.0.1", port }));
    expect(error.kind).toBe("target-unreachable");
    expect(error.message).toBe(
      `cannot connect to 127.0.0.1:${port}: nothing listens on port ${port} on this machine; start your server first, or give --server CMD and sockbench starts it`,
    );
  });
});

describe("the target options", () => {
  it.each([
    [{ ready: "x" }, "--ready apply to --server"],
    [{ target: { host: "127.0.0.1", port: 1 }, restart: "never" }, "--restart apply to --server"],
    [{ expect: "sum" }, "--expect and --expect-module need a server"],
    [{ server: "  " }, "--server needs a command"],
    [{ server: "x", restart: "sometimes" }, "--restart must be one of per-cell, never"],
    [{ server: "x", ready: "([" }, '--ready "([" is not a regular expression'],
    [{ server: "x", expect: "sum", expectModule: "a.mjs" }, "give --expect or --expect-module, not both"],
    [{ server: "x", expect: "ping" }, "--expect must be one of echo, hello, sum, none"],
    [{ server: "x", expectModule: "reply.txt" }, "ending in .mjs or .js"],
    [{ server: "x", expectModule: "missing.mjs" }, "no such file"],
    [{ target: { host: "127.0.0.1", port: 0 } }, "--target needs the server's port"],
  ])("rejects %j", (values, message) => {
    expect(() => resolveTargetChoice(values)).toThrow(message);
  });

  it.each([
    [
      { ready: "x" },
      "ready apply to server, which starts your server; target alone reaches one already running",
    ],
    [{ server: "x", readyTimeoutMs: 0 }, "readyTimeoutMs must be above 0 ms, got 0 ms"],
    [{ server: "x", ready: "([" }, 'ready: "([" is not a regular expression'],
    [{ expect: "sum" }, "expect and expectModule need a server: give target: HOST:PORT or server: CMD"],
    [{ server: "  " }, 'server needs a command, such as server: "python3 server.py {port}"'],
  ])("names the library's properties, not flags, when its options give %j", (values, message) => {
    expect(() => resolveTargetChoice(values, LIBRARY_OPTION_NAMES)).toThrow(message);
    expect(() => resolveTargetChoice(values, LIBRARY_OPTION_NAMES)).not.toThrow(/--/);
  });

  it("names no target when neither --target nor --server is given", () => {
    expect(resolveTargetChoice({})).toBeUndefined();
  });

  it("gives back the arguments that choose the same target", () => {
    const choice = resolveTargetChoice({
      server: "python3 s.py {port}",
      ready: "^Listening",
      restart: "never",
      expect: "hello",
    });
    expect(targetArguments(choice as never)).toEqual([
      "--server",
      "python3 s.py {port}",
      "--ready",
      "^Listening",
      "--restart",
      "never",
      "--expect",
      "hello",
    ]);
    expect(resolveTargetChoice({ target: { host: "::1", port: 7 } })).toEqual({
      target: { kind: "address", host: "::1", port: 7 },
      expect: { kind: "built-in", name: "echo" },
    });
  });
});

describe("listening sockets from /proc/net/tcp", () => {
  const table = [
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1",
    "   1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 2 1",
  ].join("\n");

  it("finds a port in state LISTEN (0A) and not one that is only connected", () => {
    expect(procTableListensOn(table, 8080)).toBe(true);
    expect(procTableListensOn(table, 0xd431)).toBe(false);
    expect(procTableListensOn(table, 80)).toBe(false);
  });
});

describe("the output ring", () => {
  it("keeps whole lines per stream, at most its capacity, the newest", () => {
    const ring = new OutputRing(3);
    ring.write("stdout", "a\nb", 1);
    ring.write("stderr", "x\n", 2);
    ring.write("stdout", "c\nd\ne\n", 3);
    expect(ring.all().map((line) => `${line.stream}:${line.text}`)).toEqual([
      "stdout:bc",
      "stdout:d",
      "stdout:e",
    ]);
    expect(ring.dropped).toBe(2);
  });

  it("gives the lines around a moment, nearest first when there are too many", () => {
    const ring = new OutputRing();
    for (let atMs = 0; atMs < 100; atMs++) ring.write("stdout", `line ${atMs}\n`, atMs);
    expect(ring.around(50, 3, 2, 100).map((line) => line.text)).toEqual([
      "line 47",
      "line 48",
      "line 49",
      "line 50",
      "line 51",
      "line 52",
    ]);
    expect(ring.around(50, 50, 50, 4).map((line) => line.text)).toEqual([
      "line 48",
      "line 49",
      "line 50",
      "line 51",
    ]);
  });
});

describe("expectations", () => {
  it("sum: exactly the size asked, numbers between single spaces, and the sum app's reply is their sum", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(2000), fc.nat(8), (index, sizeBytes, connectionId) => {
        const request = sumRequest(index, sizeBytes, connectionId).toString("latin1");
        expect(request.length).toBe(sizeBytes);
        expect(request).toMatch(/^(\d+( \d+)*)?$/);
        const expected = request
          .split(" ")
          .filter((token) => token.length > 0)
          .reduce((sum, token) => sum + BigInt(token), 0n);
        expect(BUILT_IN_EXPECTATIONS.sum.expectedReply?.(Buffer.from(request), index).toString()).toBe(
          expected.toString(),
        );
        expect(sumNumbers(request)).toBe(expected.toString());
      }),
    );
  });

  it("hello: the lab's sentence around the message", () => {
    expect(BUILT_IN_EXPECTATIONS.hello.expectedReply?.(Buffer.from("abc"), 0).toString()).toBe(
      'I got "abc" from you and I am sending it back.',
    );
  });

  it("a module's request, reply and judge are wrapped; only a judge's true passes", async () => {
    const replyModule = await loadExpectationModule(
      folder.write(
        "reply.mjs",
        `export const request = (n, size) => "x".repeat(size) + n;\nexport const reply = (request) => request.toString().toUpperCase();\n`,
      ),
    );
    const request = replyModule.request?.(7, 3, 0) as Buffer;
    expect(request.toString()).toBe("xxx7");
    expect(replyModule.expectedReply?.(request, 7).toString()).toBe("XXX7");
    const judged = await loadExpectationModule(
      folder.write(
        "judge.mjs",
        `export function judge(reply) {\n  if (reply.toString() === "+PONG") return true;\n  if (reply.length === 0) return;\n  return "not PONG";\n}\n`,
      ),
    );
    expect(judged.request).toBeUndefined();
    expect(judged.judge?.(Buffer.from("+PONG"), Buffer.alloc(0), 0)).toBeUndefined();
    expect(judged.judge?.(Buffer.from("-ERR"), Buffer.alloc(0), 0)).toBe("not PONG");
    expect(judged.judge?.(Buffer.alloc(0), Buffer.alloc(0), 0)).toBe("judge() returned undefined");
  });

  it.each([
    ["both.mjs", "export const reply = () => 'a';\nexport const judge = () => true;\n", "not both"],
    ["none.mjs", "export const request = () => 'PING';\n", "exports neither reply nor judge"],
    ["number.mjs", "export const request = 5;\n", "its export request must be a function"],
    ["broken.mjs", "export const request = (;\n", "cannot import it"],
  ])("refuses a module %s", async (name, source, message) => {
    const error = await loadExpectationModule(folder.write(name, source)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExpectModuleError);
    expect((error as ExpectModuleError).code).toBe("SOCKBENCH_ERR_EXPECT_MODULE");
    expect((error as Error).message).toContain(message);
  });
});
