// One cell of `sockbench check` against the user's server: one size under one fragmentation, through
// the fault proxy in front of the target (every cell, so that --latency, --bandwidth and --reset-after
// apply to all), with replies judged by the chosen expectation. A cell that fails keeps what a person
// needs to act: the first error's kind and bytes, the server's output around it, and a command line
// that runs exactly this cell again.

import type { LoadConfig } from "../clients/load/core/load-config.js";
import type { LoadErrorEvent } from "../clients/load/core/load-stats.js";
import { runLoad } from "../clients/load/load-driver.js";
import { startProxy } from "../proxy/start-proxy.js";
import { excerpt, excerptPair } from "../results/byte-excerpt.js";
import { totalErrors } from "../results/load-result.js";
import type { ServerOutputLine, TargetCell, TargetCellFailure } from "../results/target-check-result.js";
import type { OutputLine } from "../targets/output-ring.js";
import { describeExit, type RunningServerCommand } from "../targets/server-command.js";
import type { TargetEndpoint, TargetSession } from "../targets/target-session.js";
import type { TargetChoice } from "../targets/target-spec.js";
import { cellMessageCount, cellTimeoutMs } from "./check-cell.js";
import { FRAGMENTATIONS } from "./fragmentations.js";
import { reproduceCommand } from "./reproduce-command.js";
import type { TargetCellPlan, TargetCheckSettings } from "./target-cell-plan.js";

/**
 * The server's lines quoted under a failing cell: from the cell's start (a timeout is noticed long after
 * the request that caused it) to a little after the error, at most this many, the nearest to the error.
 */
const OUTPUT_AFTER_MS = 500;
const OUTPUT_LINES = 12;
/** How long the server has to close its side after the driver closed its connections. */
const PROXY_DRAIN_MS = 1000;

function expectationConfig(choice: TargetChoice): Pick<LoadConfig, "verify" | "expectModule"> {
  return choice.expect.kind === "module"
    ? { expectModule: choice.expect.path }
    : { verify: choice.expect.name };
}

function serverLines(server: RunningServerCommand, lines: OutputLine[]): ServerOutputLine[] {
  return lines.map((line) => ({
    atS: Math.round(line.atMs - server.startedAtMs) / 1000,
    stream: line.stream,
    text: line.text,
  }));
}

function failureOf(
  event: LoadErrorEvent | undefined,
  server: RunningServerCommand | undefined,
  cellStartedMs: number,
): TargetCellFailure {
  const output =
    server === undefined
      ? []
      : serverLines(
          server,
          event === undefined
            ? server.output.last(OUTPUT_LINES)
            : server.output.around(event.atMs, event.atMs - cellStartedMs, OUTPUT_AFTER_MS, OUTPUT_LINES),
        );
  const status = server?.exitStatus();
  const exit = status !== undefined ? { serverExit: describeExit(status) } : {};
  if (event === undefined) {
    return {
      kind: "timeout",
      detail: "fewer replies verified than requests sent",
      serverOutput: output,
      ...exit,
    };
  }
  const bytes =
    event.expected !== undefined && event.received !== undefined
      ? excerptPair(event.expected, event.received)
      : {
          ...(event.expected !== undefined ? { expected: excerpt(event.expected, 0) } : {}),
          ...(event.received !== undefined ? { received: excerpt(event.received, 0) } : {}),
        };
  return {
    kind: event.mismatch ?? (event.kind as Exclude<typeof event.kind, "mismatch">),
    detail: event.detail,
    ...bytes,
    ...(event.request !== undefined ? { request: excerpt(event.request, 0) } : {}),
    serverOutput: output,
    ...exit,
  };
}

async function runThroughProxy(
  plan: TargetCellPlan,
  settings: TargetCheckSettings,
  endpoint: TargetEndpoint,
): Promise<TargetCell> {
  const startedMs = Date.now();
  const fragmentation = FRAGMENTATIONS[plan.fragmentation];
  const proxy = await startProxy({
    listenHost: "127.0.0.1",
    listenPort: 0,
    targetHost: endpoint.host,
    targetPort: endpoint.port,
    faults: { ...fragmentation.proxyFaults, ...settings.faults },
    direction: "both",
    seed: settings.seed,
  });
  const asked = cellMessageCount(plan.size, fragmentation);
  let firstError: LoadErrorEvent | undefined;
  const refusable = settings.maxFrameBytes !== undefined && plan.size > settings.maxFrameBytes;
  try {
    const result = await runLoad(
      {
        target: `${proxy.host}:${proxy.port}`,
        framing: settings.framing,
        token: settings.token,
        recordSize: settings.recordSize,
        // The driver takes the server's answer to a refusable size, whatever the server's own limit.
        maxFrameBytes: Math.max(settings.maxFrameBytes ?? 0, plan.size, 16 * 1024 * 1024),
        connections: settings.connections,
        pipelining: fragmentation.pipelining ?? 1,
        sizesBytes: [plan.size],
        amount: asked,
        timeoutMs: settings.timeoutMs ?? cellTimeoutMs(plan.size, fragmentation),
        splitPieces: fragmentation.splitPieces ?? 1,
        seed: settings.seed,
        ...expectationConfig(settings.choice),
      },
      {
        onError: (event) => {
          firstError ??= event;
        },
      },
    );
    const errors = totalErrors(result);
    const passed = errors === 0 && result.messages.verified === asked;
    return {
      size: plan.size,
      fragmentation: plan.fragmentation,
      verdict: passed ? "pass" : refusable ? "refused" : "fail",
      messages: result.messages.verified,
      asked,
      errors,
      errorKinds: result.errors,
      mismatches: result.mismatches,
      ...(passed ? {} : { failure: failureOf(firstError, endpoint.server, startedMs) }),
      reproduce: reproduceCommand(plan, settings),
      durationMs: Date.now() - startedMs,
    };
  } finally {
    // Gracefully: a student's server that gets a reset where it expects a closed connection crashes,
    // which would fail the next cell of a server that is not restarted.
    await proxy.close(PROXY_DRAIN_MS);
  }
}

/** Runs one cell against the session's target (a fresh server under --restart per-cell). */
export function runTargetCell(
  plan: TargetCellPlan,
  settings: TargetCheckSettings,
  session: TargetSession,
): Promise<TargetCell> {
  return session.withCell((endpoint) => runThroughProxy(plan, settings, endpoint));
}
