// Servers that daemonize the classic way (fork, setsid, fork again), leaving their process group with
// the port: one before it listens, keeping the output pipes open; one after, closing its stdio. Each
// takes its port and a file to write the daemon's pid to.

import { existsSync, readFileSync } from "node:fs";
import { isProcessRunning } from "../../src/platform/process-running.js";

/** Forks into the background, then listens; keeps stdout open and prints on it. */
export const DAEMON_KEEPING_STDOUT = `import os, socket, sys, time
port, pid_file = int(sys.argv[1]), sys.argv[2]
print("daemonizing", flush=True)
if os.fork() > 0:
    sys.exit(0)
os.setsid()
if os.fork() > 0:
    os._exit(0)
with open(pid_file, "w") as f:
    f.write(str(os.getpid()))
# Listens once its first parent is surely gone: the server exits before it is ready.
time.sleep(0.3)
s = socket.create_server(("127.0.0.1", port))
print("daemon listening", flush=True)
while True:
    conn, _ = s.accept()
    conn.close()
`;

/** Listens, then forks into the background with its stdio closed, as a well-behaved daemon does. */
export const DAEMON_CLOSING_STDIO = `import os, socket, sys, time
port, pid_file = int(sys.argv[1]), sys.argv[2]
s = socket.create_server(("127.0.0.1", port))
print("listening", flush=True)
time.sleep(0.3)
if os.fork() > 0:
    sys.exit(0)
os.setsid()
if os.fork() > 0:
    os._exit(0)
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
with open(pid_file, "w") as f:
    f.write(str(os.getpid()))
while True:
    conn, _ = s.accept()
    conn.close()
`;

/** The daemon's pid, once it has written it (within `timeoutMs`). */
export async function daemonPid(pidFile: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(pidFile) || readFileSync(pidFile, "utf8") === "") {
    if (Date.now() > deadline) throw new Error(`no daemon pid in ${pidFile} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Number(readFileSync(pidFile, "utf8"));
}

/** Kills what a test's daemon left behind, should sockbench have failed to. */
export function killIfRunning(pid: number | undefined): void {
  if (pid !== undefined && isProcessRunning(pid)) process.kill(pid, "SIGKILL");
}
