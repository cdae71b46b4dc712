// One cell of `sockbench check` against the user's server: one size under one fragmentation, through
// the fault proxy in front of the target (every cell, so that --latency, --bandwidth and --reset-after
// apply to all), with replies judged by the chosen expectation. A cell that fails keeps what a person
// needs to act: the first error's kind and bytes, the server's output around it, and a command line
// that runs exactly this cell again.

import type { LoadErrorEvent } from "../clients/load/core/load-stats.js";
import { TargetError } from "../clients/load/core/target.js";
import { runLoad } from "../clients/load/load-driver.js";
import { describePayloadBytes } from "../clients/load/verification/payload-content.js";
import { framingFromSpec } from "../framing/registry.js";
import { formatHostPort } from "../host-port.js";
import { describeExit } from "../platform/launch-process.js";
import { startProxy } from "../proxy/start-proxy.js";
import { excerpt, excerptPair } from "../results/byte-excerpt.js";
import {
  countedReplies,
  ERROR_KINDS,
  type LoadResult,
  MISMATCH_KINDS,
  totalErrors,
} from "../results/load-result.js";
import type { TargetCell, TargetCellFailure } from "../results/target-check-result.js";
import type { RunningServerCommand } from "../targets/server-command.js";
import type { TargetEndpoint, TargetSession } from "../targets/target-session.js";
import { expectationConfig } from "../targets/target-spec.js";
import { CELL_TIMEOUT_MS, cellMessageCount, cellTimeoutMs } from "./check-cell.js";
import { FRAGMENTATIONS } from "./fragmentations.js";
import { reproduceCommand } from "./reproduce-command.js";
import { serverOutputLines } from "./server-output-lines.js";
import type { TargetCellPlan, TargetCheckSettings } from "./target-cell-plan.js";

/**
 * The server's lines quoted under a failing cell: from the cell's start (a timeout is noticed long after
 * the request that caused it) to a little after the error, at most this many, the nearest to the error.
 */
const OUTPUT_AFTER_MS = 500;
const OUTPUT_LINES = 12;
/** How long the server has to close its side after the driver closed its connections. */
const PROXY_DRAIN_MS = 1000;
/** Failure kinds that mean a reply came and was wrong (the others: none came). */
const WRONG_REPLY_KINDS = new Set<string>(MISMATCH_KINDS.filter((kind) => kind !== "lost"));
/** Requests a fresh client sends to ask whether the server still answers. */
const SURVIVAL_REQUESTS = 4;
/** Probes and survival checks send messages of this size: past one 1 KiB read. */
const PROBE_SIZE_BYTES = 1025;
const ONE_READ_PROBE_BYTES = 100;
const NO_ERRORS = Object.fromEntries(ERROR_KINDS.map((kind) => [kind, 0])) as LoadResult["errors"];
const NO_MISMATCHES = Object.fromEntries(MISMATCH_KINDS.map((kind) => [kind, 0])) as LoadResult["mismatches"];

function failureOf(
  event: LoadErrorEvent | undefined,
  server: RunningServerCommand | undefined,
  cellStartedMs: number,
): TargetCellFailure {
  const output =
    server === undefined
      ? []
      : serverOutputLines(
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
  // What the request held, so that a content bug reads as one ("payload: utf8").
  const sent = event.request ?? event.expected;
  const payload = sent !== undefined ? { payload: describePayloadBytes(sent) } : {};
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
    ...payload,
    ...(event.request !== undefined ? { request: excerpt(event.request, 0) } : {}),
    serverOutput: output,
    ...exit,
  };
}

/** How one client run of a cell or probe talks to the server. */
export interface ClientRunShape {
  sizesBytes: number[];
  /** Requests in all, shared out over the connections (or this shard's share of them). */
  amount: number;
  connections: number;
  pipelining: number;
  splitPieces: number;
  timeoutMs: number;
  /** One client of several run side by side: its own connection ids, so its payloads are its own. */
  shard?: { index: number; count: number };
  /** When the clients run side by side start sending, the same instant for all (ms since the epoch). */
  startAtMs?: number;
}

export interface ClientRunOutcome {
  /** Absent when the run could not start (no connection at all). */
  result?: LoadResult;
  firstError?: LoadErrorEvent;
  /** Why the run could not start. */
  thrown?: Error;
}

/** Runs the driver against `address` with the check's framing, expectation and payloads. */
export async function runCheckClient(
  address: { host: string; port: number },
  settings: TargetCheckSettings,
  shape: ClientRunShape,
): Promise<ClientRunOutcome> {
  let firstError: LoadErrorEvent | undefined;
  try {
    const result = await runLoad(
      {
        target: formatHostPort(address.host, address.port),
        framing: framingFromSpec(settings.framing),
        ...(settings.replyFraming !== undefined ? { replyFraming: settings.replyFraming } : {}),
        // The driver takes the server's answer to a refusable size, whatever the server's own limit.
        maxFrameBytes: Math.max(settings.maxFrameBytes ?? 0, ...shape.sizesBytes, 16 * 1024 * 1024),
        connections: shape.connections,
        pipelining: shape.pipelining,
        sizesBytes: shape.sizesBytes,
        amount: shape.amount,
        timeoutMs: shape.timeoutMs,
        splitPieces: shape.splitPieces,
        seed: settings.seed,
        payload: settings.payload,
        ...(shape.shard !== undefined ? { shard: shape.shard } : {}),
        ...(shape.startAtMs !== undefined ? { startAtMs: shape.startAtMs } : {}),
        ...expectationConfig(settings.choice.expect),
      },
      {
        onError: (event) => {
          firstError ??= event;
        },
      },
    );
    return { result, ...(firstError !== undefined ? { firstError } : {}) };
  } catch (error) {
    if (error instanceof TargetError) return { thrown: error };
    throw error;
  }
}

/** Whether a client run got every reply it asked for, verified (--expect none: received), and nothing else went wrong. */
export function clientRunPassed(outcome: ClientRunOutcome, asked: number): boolean {
  return (
    outcome.result !== undefined &&
    totalErrors(outcome.result) === 0 &&
    countedReplies(outcome.result) === asked
  );
}

/** How long a refused connection waits for the server's exit to be seen, so that the failure can name it. */
const EXIT_NOTICE_MS = 500;

/** The failure of a client run that did not pass, with the server's lines and exit where there is a server. */
export async function clientRunFailure(
  outcome: ClientRunOutcome,
  server: RunningServerCommand | undefined,
  startedMs: number,
): Promise<TargetCellFailure> {
  if (outcome.result === undefined) {
    // Refused: most often the server has exited, which its process may not have reported yet.
    if (server !== undefined && server.exitStatus() === undefined) {
      await Promise.race([server.exited, new Promise((resolve) => setTimeout(resolve, EXIT_NOTICE_MS))]);
    }
    const status = server?.exitStatus();
    return {
      kind: "connect",
      detail: outcome.thrown?.message ?? "no connection",
      serverOutput: server === undefined ? [] : serverOutputLines(server, server.output.last(OUTPUT_LINES)),
      ...(status !== undefined ? { serverExit: describeExit(status) } : {}),
    };
  }
  return failureOf(outcome.firstError, server, startedMs);
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
  const refusable = settings.maxFrameBytes !== undefined && plan.size > settings.maxFrameBytes;
  try {
    const outcome = await runCheckClient(proxy, settings, {
      sizesBytes: [plan.size],
      amount: asked,
      connections: settings.connections,
      pipelining: fragmentation.pipelining ?? 1,
      splitPieces: fragmentation.splitPieces ?? 1,
      timeoutMs: settings.timeoutMs ?? cellTimeoutMs(plan.size, fragmentation),
    });
    const result = outcome.result;
    const errors = result === undefined ? 1 : totalErrors(result);
    let passed = clientRunPassed(outcome, asked);
    let failure: TargetCellFailure | undefined;
    if (!passed && settings.faults.resetAfterBytes !== undefined && result !== undefined) {
      // The proxy resets on purpose: the cell asks that what came back was right and that the server
      // still answers a fresh client afterwards, not that every request got through.
      failure = await judgeSurvival(result, outcome, settings, endpoint, startedMs);
      passed = failure === undefined;
    }
    return {
      size: plan.size,
      fragmentation: plan.fragmentation,
      verdict: passed ? "pass" : refusable ? "refused" : "fail",
      messages: result !== undefined ? countedReplies(result) : 0,
      asked,
      errors,
      errorKinds: result?.errors ?? { ...NO_ERRORS, connect: 1 },
      mismatches: result?.mismatches ?? NO_MISMATCHES,
      ...(passed
        ? {}
        : { failure: failure ?? (await clientRunFailure(outcome, endpoint.server, startedMs)) }),
      reproduce: reproduceCommand(plan, settings),
      durationMs: Date.now() - startedMs,
    };
  } finally {
    // Gracefully: a student's server that gets a reset where it expects a closed connection crashes,
    // which would fail the next cell of a server that is not restarted.
    await proxy.close(PROXY_DRAIN_MS);
  }
}

/**
 * Under --reset-after: wrong bytes fail the cell; resets and the requests they cut off do not, as long
 * as a fresh client, straight to the server, is answered afterwards.
 */
async function judgeSurvival(
  result: LoadResult,
  outcome: ClientRunOutcome,
  settings: TargetCheckSettings,
  endpoint: TargetEndpoint,
  startedMs: number,
): Promise<TargetCellFailure | undefined> {
  if (result.errors.mismatch > 0 || result.errors.protocol > 0) {
    return await clientRunFailure(outcome, endpoint.server, startedMs);
  }
  return survivalFailure(endpoint, settings, "after the proxy reset its connections");
}

/** One client straight to the server, `amount` requests of the probes' size, one at a time. */
export function runOneClient(
  endpoint: TargetEndpoint,
  settings: TargetCheckSettings,
  amount: number,
): Promise<ClientRunOutcome> {
  return runCheckClient(endpoint, settings, {
    sizesBytes: [probeSizeBytes(settings)],
    amount,
    connections: 1,
    pipelining: 1,
    splitPieces: 1,
    timeoutMs: settings.timeoutMs ?? CELL_TIMEOUT_MS,
  });
}

/** A fresh client straight to the server, a few small requests: undefined when all were answered. */
export async function survivalFailure(
  endpoint: TargetEndpoint,
  settings: TargetCheckSettings,
  after: string,
): Promise<TargetCellFailure | undefined> {
  const startedMs = Date.now();
  const outcome = await runOneClient(endpoint, settings, SURVIVAL_REQUESTS);
  if (clientRunPassed(outcome, SURVIVAL_REQUESTS)) return undefined;
  const failure = await clientRunFailure(outcome, endpoint.server, startedMs);
  const how = WRONG_REPLY_KINDS.has(failure.kind) ? "got a wrong reply" : "was not answered";
  return { ...failure, detail: `a fresh client ${after} ${how}: ${failure.detail}` };
}

/**
 * A size every server of the check takes: 1 KiB and a byte, within a fixed record and --max-frame; under
 * the lab's one-read-is-one-message framing, a message one read surely holds whole.
 */
export function probeSizeBytes(settings: TargetCheckSettings): number {
  const framing = framingFromSpec(settings.framing);
  const oneReadLimit = framing.knownBroken ? ONE_READ_PROBE_BYTES : Number.POSITIVE_INFINITY;
  return Math.min(
    PROBE_SIZE_BYTES,
    framing.largestPayloadBytes,
    oneReadLimit,
    settings.maxFrameBytes ?? Number.POSITIVE_INFINITY,
  );
}

/** Runs one cell against the session's target (a fresh server under --restart per-cell). */
export function runTargetCell(
  plan: TargetCellPlan,
  settings: TargetCheckSettings,
  session: TargetSession,
): Promise<TargetCell> {
  return session.withCell((endpoint) => runThroughProxy(plan, settings, endpoint));
}
