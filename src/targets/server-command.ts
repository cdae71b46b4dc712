// Starts the user's server from a command line (`python3 server.py {port}`): a shell runs it in its own
// process group with its port in `{port}` and $PORT; it is ready when a line of its output matches
// `--ready`, or else when its port shows up listening (seen without connecting). Its output is kept in a
// ring for the report; stop() ends the whole group, SIGTERM first and SIGKILL after a grace, and then
// any process that left the group (a daemon) but still holds the port, which it names.

import { once } from "node:events";
import {
  DEFAULT_STOP_GRACE_MS,
  describeExit,
  type ExitStatus,
  type LaunchedProcess,
  launchProcess,
} from "../platform/launch-process.js";
import type { PortHolder } from "../platform/port-holders.js";
import { escapedMessage, newServerMark, stopEscapedProcesses } from "./escaped-processes.js";
import { isPortListening } from "./listening-port.js";
import { formatOutputLines, OutputRing } from "./output-ring.js";
import { TargetSetupError } from "./target-error.js";

export const DEFAULT_READY_TIMEOUT_MS = 10_000;
/** How often the listening sockets are looked at while a server starts. */
const READY_POLL_MS = 20;
/** Output lines quoted when a server fails to start. */
const QUOTED_LINES = 15;
/**
 * How long a stopped server's output may take to close. A process that left the group keeps the pipes
 * open for as long as it runs; past this the pipes are closed from this side, so stop() always returns.
 */
const OUTPUT_CLOSE_MS = 1000;

export interface ServerCommandOptions {
  /** The command as given: `{port}` is replaced by the port. Run by /bin/sh. */
  command: string;
  /** Where it listens, as the driver will reach it. */
  host: string;
  port: number;
  /** Ready once a line of its output matches; otherwise once its port listens. */
  readyPattern?: RegExp;
  readyTimeoutMs?: number;
  stopGraceMs?: number;
  /** Output lines kept. */
  outputLines?: number;
}

export interface RunningServerCommand {
  readonly host: string;
  readonly port: number;
  /** The command as run, `{port}` replaced. */
  readonly commandLine: string;
  /** The group leader (the shell); also the process group id. */
  readonly pid: number;
  readonly startedAtMs: number;
  readonly readyAtMs: number;
  readonly output: OutputRing;
  /** Every live process of its group: the shell and what it started (for CPU from /proc/PID/stat). */
  pids(): number[];
  /** How it ended, once it has (a single-shot server ends after its client). */
  exitStatus(): ExitStatus | undefined;
  readonly exited: Promise<ExitStatus>;
  /**
   * Stops the whole group (SIGTERM, SIGKILL after the grace) and waits for the leader to exit; then
   * stops any process outside the group still holding the port, and rejects with a TargetSetupError
   * (`server-escaped`) naming it.
   */
  stop(): Promise<void>;
}

export function substitutePort(command: string, port: number): string {
  return command.replaceAll("{port}", String(port));
}

function startFailure(
  kind: "server-exited" | "server-not-ready",
  headline: string,
  output: OutputRing,
  startedAtMs: number,
  escaped: { holders: readonly PortHolder[]; port: number },
): TargetSetupError {
  output.flush();
  const lines = output.last(QUOTED_LINES);
  const quoted =
    lines.length > 0
      ? `\nits last output lines (time since start):\n${formatOutputLines(lines, startedAtMs).join("\n")}`
      : "\nit printed nothing";
  const left = escaped.holders.length > 0 ? `\n${escapedMessage(escaped.holders, escaped.port)}` : "";
  return new TargetSetupError(kind, `${headline}${quoted}${left}`);
}

export async function startServerCommand(options: ServerCommandOptions): Promise<RunningServerCommand> {
  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const commandLine = substitutePort(options.command, options.port);
  const alreadyListening = await isPortListening(options.port);
  if (alreadyListening === undefined && options.readyPattern === undefined) {
    throw new TargetSetupError(
      "readiness-unknown",
      "this system shows no listening sockets (no /proc/net/tcp, no lsof): give --ready REGEX, a line the server prints once it listens",
    );
  }
  if (alreadyListening) {
    throw new TargetSetupError(
      "invalid-option",
      `port ${options.port} is in use already: another program listens there, so your server could not bind it`,
    );
  }
  const output = new OutputRing(options.outputLines);
  const startedAtMs = Date.now();
  // Inherited by whatever the server forks: how a daemon holding the port is told from a stranger.
  const mark = newServerMark();
  let launched: LaunchedProcess;
  try {
    launched = await launchProcess({
      file: "/bin/sh",
      args: ["-c", commandLine],
      // PYTHONUNBUFFERED: a Python server's print() reaches the ring (and --ready) as it happens.
      // SOCKBENCH_SERVER_ID: this start's mark (escaped-processes.ts).
      env: { PORT: String(options.port), PYTHONUNBUFFERED: "1", [mark.name]: mark.value },
      stopGraceMs,
    });
  } catch (error) {
    throw new TargetSetupError(
      "spawn-failed",
      `cannot run /bin/sh for ${JSON.stringify(commandLine)}: ${(error as Error).message}`,
    );
  }
  const { child, pid } = launched;
  const exited = launched.exited.then((status) => {
    output.flush();
    return status;
  });
  const outputClosed = once(child, "close").then(() => output.flush());
  let onLine: (() => void) | undefined;
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    output.write("stdout", text);
    onLine?.();
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    output.write("stderr", text);
    onLine?.();
  });

  /** Whether the output pipes closed within OUTPUT_CLOSE_MS. */
  const outputClosedWithin = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      outputClosed.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), OUTPUT_CLOSE_MS);
      }),
    ]);
    clearTimeout(timer);
    return closed;
  };

  /** Stops the group, then what left it but holds the port; resolves with the latter. */
  const stopAll = async (): Promise<PortHolder[]> => {
    await launched.stop();
    await exited;
    // Output still open with the group gone: a process outside it holds the pipes, and is given a
    // moment to bind the port it forked to serve, so that it shows up among the port's holders.
    const closedWithGroup = await outputClosedWithin();
    const escaped = await stopEscapedProcesses(pid, options.port, stopGraceMs, `${mark.name}=${mark.value}`);
    if (!closedWithGroup && !(await outputClosedWithin())) {
      child.stdout?.destroy();
      child.stderr?.destroy();
      output.flush();
    }
    return escaped;
  };

  const stop = async (): Promise<void> => {
    const escaped = await stopAll();
    if (escaped.length > 0) {
      throw new TargetSetupError(
        "server-escaped",
        `server ${JSON.stringify(commandLine)}: ${escapedMessage(escaped, options.port)}`,
      );
    }
  };

  try {
    await waitUntilReady(options, readyTimeoutMs, output, exited, (listener) => {
      onLine = listener;
    });
  } catch (error) {
    const escaped = await stopAll();
    if (error instanceof TargetSetupError) {
      throw startFailure(
        error.kind as "server-exited" | "server-not-ready",
        `server ${JSON.stringify(commandLine)} ${error.message}`,
        output,
        startedAtMs,
        { holders: escaped, port: options.port },
      );
    }
    throw error;
  }
  return {
    host: options.host,
    port: options.port,
    commandLine,
    pid,
    startedAtMs,
    readyAtMs: Date.now(),
    output,
    pids: launched.pids,
    exitStatus: launched.exitStatus,
    exited,
    stop,
  };
}

/**
 * Resolves once the server is ready: a fresh output line matches the pattern, or else its port listens.
 * Rejects with a TargetSetupError (message without the command) when it exits first or the time runs out.
 */
function waitUntilReady(
  options: ServerCommandOptions,
  readyTimeoutMs: number,
  output: OutputRing,
  exited: Promise<ExitStatus>,
  onEachOutput: (listener: (() => void) | undefined) => void,
): Promise<void> {
  const pattern = options.readyPattern;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let poll: NodeJS.Timeout | undefined;
    let checkedLines = 0;
    /** Ready when a line that came since the last look matches the pattern. */
    const lookAtOutput = () => {
      const lines = output.all();
      const fresh = lines.slice(Math.max(0, checkedLines - output.dropped));
      checkedLines = lines.length + output.dropped;
      if (pattern !== undefined && fresh.some((line) => pattern.test(line.text))) finish();
    };
    const finish = (error?: TargetSetupError) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(poll);
      onEachOutput(undefined);
      if (error) reject(error);
      else resolve();
    };
    const deadline = setTimeout(() => {
      const notReady = () => {
        const how =
          pattern !== undefined
            ? `no line of its output matched --ready ${pattern}`
            : `port ${options.port} never showed up listening: does it listen on {port} or $PORT (or give --ready REGEX)?`;
        finish(new TargetSetupError("server-not-ready", `was not ready within ${readyTimeoutMs} ms: ${how}`));
      };
      // One last look first: a busy event loop (a neighbouring cell slicing bytes) may have held back
      // the polls while the server became ready, and this timer fires before their answers.
      if (pattern !== undefined) {
        // After one I/O turn, so that output already in the pipe is read before the verdict.
        setImmediate(() => {
          lookAtOutput();
          notReady();
        });
        return;
      }
      void isPortListening(options.port).then((listening) => (listening ? finish() : notReady()));
    }, readyTimeoutMs);
    void exited.then((status) =>
      finish(new TargetSetupError("server-exited", `${describeExit(status)} before it was ready`)),
    );
    if (pattern !== undefined) {
      onEachOutput(lookAtOutput);
      lookAtOutput();
      return;
    }
    const look = () => {
      void isPortListening(options.port).then((listening) => {
        if (settled) return;
        if (listening) finish();
        else poll = setTimeout(look, READY_POLL_MS);
      });
    };
    look();
  });
}
