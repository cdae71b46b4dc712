// A user's server that daemonizes (fork, setsid) leaves the process group sockbench stops: whatever it
// does with its stdio, starting and stopping it end in bounded time, and the process still holding its
// port afterwards is named (pid, port) and stopped, through the library and through `check`.

import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { portHolders } from "../src/platform/port-holders.js";
import { isProcessRunning } from "../src/platform/process-running.js";
import { newServerMark, stopEscapedProcesses } from "../src/targets/escaped-processes.js";
import { findFreePort } from "../src/targets/free-port.js";
import { startServerCommand } from "../src/targets/server-command.js";
import { TargetSetupError } from "../src/targets/target-error.js";
import { runCli } from "./support/cli-process.js";
import {
  DAEMON_CLOSING_STDIO,
  DAEMON_KEEPING_STDOUT,
  daemonPid,
  killIfRunning,
} from "./support/daemon-servers.js";
import { PYTHON, studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
const keepingStdout = folder.write("daemon_keeping_stdout.py", DAEMON_KEEPING_STDOUT);
const closingStdio = folder.write("daemon_closing_stdio.py", DAEMON_CLOSING_STDIO);
afterAll(() => folder.remove());

const daemons: number[] = [];
afterEach(() => {
  for (const pid of daemons.splice(0)) killIfRunning(pid);
});

let files = 0;
function pidFile(): string {
  return join(folder.path, `daemon-${files++}.pid`);
}

async function rejection(promise: Promise<unknown>): Promise<TargetSetupError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TargetSetupError);
  return error as TargetSetupError;
}

describe("a server that daemonizes", () => {
  it("before it listens, keeping stdout open: the start fails at once, naming the daemon, which is stopped", async () => {
    const port = await findFreePort("127.0.0.1");
    const file = pidFile();
    const before = Date.now();
    const start = startServerCommand({
      command: `${PYTHON} ${keepingStdout} {port} ${file}`,
      host: "127.0.0.1",
      port,
      readyTimeoutMs: 5000,
    });
    const failed = rejection(start);
    const pid = await daemonPid(file);
    daemons.push(pid);
    const error = await failed;
    // Its first parent exits at once; the stop that follows no longer waits on the daemon's stdout.
    expect(Date.now() - before).toBeLessThan(8000);
    expect(error.kind).toBe("server-exited");
    expect(error.message).toContain("exited with code 0 before it was ready");
    expect(error.message).toContain("stdout| daemonizing");
    expect(error.message).toContain(
      `pid ${pid} (${PYTHON} ${keepingStdout} ${port} ${file}) still held port ${port}`,
    );
    expect(error.message).toContain("sockbench stopped it");
    expect(isProcessRunning(pid)).toBe(false);
    expect(portHolders(port)).toEqual([]);
  });

  it("after it listens, closing its stdio: stop() names the daemon still holding the port and stops it", async () => {
    const port = await findFreePort("127.0.0.1");
    const file = pidFile();
    const server = await startServerCommand({
      command: `${PYTHON} ${closingStdio} {port} ${file}`,
      host: "127.0.0.1",
      port,
      readyPattern: /^listening$/,
    });
    const pid = await daemonPid(file);
    daemons.push(pid);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(portHolders(port)).toEqual([{ pid, command: `${PYTHON} ${closingStdio} ${port} ${file}` }]);
    const error = await rejection(server.stop());
    expect(error.kind).toBe("server-escaped");
    expect(error.message).toContain(
      `pid ${pid} (${PYTHON} ${closingStdio} ${port} ${file}) still held port ${port}`,
    );
    expect(isProcessRunning(pid)).toBe(false);
    expect(portHolders(port)).toEqual([]);
  });
});

describe("check --server with a daemonizing server", { timeout: 60_000 }, () => {
  it("exits 2 within its ready timeout, naming the daemon it stopped", async () => {
    const file = pidFile();
    const before = Date.now();
    const run = await runCli([
      "check",
      "--server",
      `${PYTHON} ${keepingStdout} {port} ${file}`,
      "--ready-timeout",
      "5s",
    ]);
    const pid = await daemonPid(file, 0);
    daemons.push(pid);
    expect(Date.now() - before).toBeLessThan(20_000);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`pid ${pid} \\(.*\\) still held port \\d+ after the server's process group was stopped`),
    );
    expect(isProcessRunning(pid)).toBe(false);
  });
});

describe("a process that took the port after the server's group freed it", () => {
  it("is left alone unless it carries the server's mark: another cell's server, another sockbench's proxy", async () => {
    const port = await findFreePort("127.0.0.1");
    const listener = folder.write(
      "stranger.py",
      `import socket, sys, time\ns = socket.socket()\ns.bind(("127.0.0.1", ${port}))\ns.listen()\nprint("up", flush=True)\ntime.sleep(30)\n`,
    );
    const mark = newServerMark();
    for (const marked of [false, true]) {
      const stranger = spawn(PYTHON, [listener], {
        stdio: ["ignore", "pipe", "ignore"],
        env: { ...process.env, ...(marked ? { [mark.name]: mark.value } : {}) },
      });
      const exited = once(stranger, "exit");
      await once(stranger.stdout as NodeJS.ReadableStream, "data");
      // A group that is long gone: nothing of it holds the port.
      const stopped = await stopEscapedProcesses(2 ** 22 - 1, port, 500, `${mark.name}=${mark.value}`);
      expect(stopped.map((holder) => holder.pid)).toEqual(marked ? [stranger.pid] : []);
      expect(isProcessRunning(stranger.pid as number)).toBe(!marked);
      stranger.kill("SIGKILL");
      await exited;
    }
  });
});
