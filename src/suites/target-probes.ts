// The probes of `check --target|--server`: the matrix asks whether one client's messages survive the
// network; these ask how the server meets clients as they come in practice. A second client after the
// first has closed (a server that exits after one client), clients side by side with their streams cut
// (state shared between clients), and clients that reset mid-request and mid-reply, each followed by a
// fresh client that must be answered (a server whose accept loop dies with its client).

import { EchoPayloadCodec } from "../clients/load/verification/echo-payload.js";
import { runResetClient } from "../clients/reset-client.js";
import type { Framing } from "../framing/framing.js";
import { framingFromSpec } from "../framing/registry.js";
import type { FaultOptions } from "../proxy/fault-options.js";
import { startProxy } from "../proxy/start-proxy.js";
import { countedReplies } from "../results/load-result.js";
import type { ProbeName } from "../results/probe-name.js";
import type { TargetCellFailure, TargetProbe } from "../results/target-check-result.js";
import type { TargetEndpoint } from "../targets/target-session.js";
import { loadExpectationOf } from "../targets/target-spec.js";
import { CELL_TIMEOUT_MS } from "./check-cell.js";
import { reproduceProbeCommand } from "./reproduce-command.js";
import {
  type ClientRunOutcome,
  clientRunFailure,
  clientRunPassed,
  probeSizeBytes,
  runCheckClient,
  runOneClient,
  survivalFailure,
} from "./target-cell.js";
import type { TargetCheckSettings } from "./target-cell-plan.js";

/** Requests each client of the second-client and concurrent probes sends. */
const PROBE_REQUESTS = 8;
/**
 * The concurrent probe's cuts: pieces of 32 to 96 bytes a millisecond apart, so that a 1 KiB request
 * reaches the server over some 16 reads and the clients' reads alternate at the server; without the
 * spacing the kernel hands a reader several pieces at once and a server with one buffer for every client
 * could go unseen.
 */
const INTERLEAVING_SLICES: FaultOptions = { sliceAvgBytes: 64, sliceVariationBytes: 32, sliceDelayMs: 1 };
/** The concurrent probe's clients open their connections within this long, then send together. */
const CLIENTS_START_AFTER_MS = 500;
/** Mid-request: how long the half request sits with the server before the reset. */
const MID_REQUEST_WAIT_MS = 100;
/**
 * Mid-reply: the client sends this much and reads nothing, so an echo's replies fill the socket buffers
 * and the server blocks writing; a server that took everything without blocking is reset this long after.
 * More than the buffers can hold: a receive buffer may grow to tcp_rmem's maximum (32 MiB on Debian) and a
 * send buffer to 4 MiB. At 8 MiB every reply could fit, the server was back in recv() at the reset, and a
 * server that dies on a reset during send passed (CI saw it).
 */
const MID_REPLY_BYTES = 64 * 1024 * 1024;
const MID_REPLY_WAIT_MS = 300;
/**
 * The largest request the mid-reply client sends. Small, so that whole requests wait in the server's
 * receive buffer at the reset, however small it is: a server killed by SIGPIPE dies on its second send
 * after a reset (the first reports ECONNRESET), which needs a whole request left to answer. With 64 KiB
 * requests a receive buffer that had not grown (or was set small) held less than one, the server read
 * part of it, saw the end and closed without sending again, and passed (CI saw it once; the corpus's
 * SIGPIPE server with a 16 KiB buffer passed every time).
 */
const MID_REPLY_FRAME_BYTES = 1024;
/**
 * Mid-reply clients in turn, each followed by a fresh one. Whether a reset finds the server with a whole
 * request left to answer is a matter of timing: the corpus's SIGPIPE server with a 16 KiB receive buffer
 * outlived one such client in 4 of 100 checks, and none of 80 checks that sent three.
 */
const MID_REPLY_ATTEMPTS = 3;
/** Requests of the mid-reply client written as one buffer, over and over (a write per request would cost 64 Ki writes). */
const MID_REPLY_FRAMES_PER_WRITE = 64;
/** How long a reset client waits for a connection or a first reply. */
const RESET_CLIENT_TIMEOUT_MS = 5000;
/** Time the server gets to notice a reset (and crash, if it does) before the fresh client comes. */
const AFTER_RESET_MS = 200;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type ProbeRun = Omit<TargetProbe, "name" | "reproduce" | "durationMs">;

/** Runs one probe against the endpoint (a fresh server under --restart per-cell). */
export async function runProbe(
  name: ProbeName,
  settings: TargetCheckSettings,
  endpoint: TargetEndpoint,
): Promise<TargetProbe> {
  const startedMs = Date.now();
  const run = await PROBES[name](settings, endpoint);
  return {
    name,
    ...run,
    reproduce: reproduceProbeCommand(name, settings),
    durationMs: Date.now() - startedMs,
  };
}

/** A skipped probe, with why: a single-client server has no second client to meet. */
export function skippedProbe(name: ProbeName, why: string, settings: TargetCheckSettings): TargetProbe {
  return {
    name,
    verdict: "skipped",
    detail: why,
    reproduce: reproduceProbeCommand(name, settings),
    durationMs: 0,
  };
}

const PROBES: Record<
  ProbeName,
  (settings: TargetCheckSettings, endpoint: TargetEndpoint) => Promise<ProbeRun>
> = {
  "second-client": secondClient,
  "concurrent-clients": concurrentClients,
  "reset-mid-request": (settings, endpoint) => resetThenFreshClient(settings, endpoint, "mid-request"),
  "reset-mid-reply": (settings, endpoint) => resetThenFreshClient(settings, endpoint, "mid-reply"),
};

function failed(detail: string, failure: TargetCellFailure): ProbeRun {
  return { verdict: "fail", detail, failure };
}

async function secondClient(settings: TargetCheckSettings, endpoint: TargetEndpoint): Promise<ProbeRun> {
  let startedMs = Date.now();
  const first = await runOneClient(endpoint, settings, PROBE_REQUESTS);
  if (!clientRunPassed(first, PROBE_REQUESTS)) {
    const failure = await clientRunFailure(first, endpoint.server, startedMs);
    return failed(`the first client was not served: ${failure.detail}`, failure);
  }
  startedMs = Date.now();
  const second = await runOneClient(endpoint, settings, PROBE_REQUESTS);
  if (clientRunPassed(second, PROBE_REQUESTS)) {
    return {
      verdict: "pass",
      detail: `two clients one after the other, ${PROBE_REQUESTS} replies each verified`,
    };
  }
  const failure = await clientRunFailure(second, endpoint.server, startedMs);
  const exited = failure.serverExit !== undefined ? ` (the server ${failure.serverExit})` : "";
  return failed(
    `the first client was served, the second, after it closed, was not${exited}: ${failure.detail}. A server meant to serve one client and exit passes with --single-client`,
    failure,
  );
}

async function concurrentClients(settings: TargetCheckSettings, endpoint: TargetEndpoint): Promise<ProbeRun> {
  const clients = settings.concurrentClients;
  // The lab's one-read-is-one-message framing cannot survive cut streams: its clients go straight in.
  const sliced = !framingOf(settings).knownBroken;
  const proxy = sliced
    ? await startProxy({
        listenHost: "127.0.0.1",
        listenPort: 0,
        targetHost: endpoint.host,
        targetPort: endpoint.port,
        faults: { ...INTERLEAVING_SLICES, ...settings.faults },
        direction: "both",
        seed: settings.seed,
      })
    : undefined;
  const startedMs = Date.now();
  // Every client opens its connection first, then all send from one instant, so that their streams
  // reach the server interleaved however slowly each client starts.
  const startAtMs = startedMs + CLIENTS_START_AFTER_MS;
  try {
    const address = proxy ?? endpoint;
    const outcomes = await Promise.all(
      Array.from({ length: clients }, (_, index) => {
        return runCheckClient(address, settings, {
          sizesBytes: [probeSizeBytes(settings)],
          amount: PROBE_REQUESTS * clients,
          connections: clients,
          pipelining: 1,
          splitPieces: 1,
          timeoutMs: settings.timeoutMs ?? CELL_TIMEOUT_MS,
          shard: { index, count: clients },
          startAtMs,
        });
      }),
    );
    const failing = outcomes.findIndex((outcome) => !clientRunPassed(outcome, PROBE_REQUESTS));
    const how = `${clients} clients at once${sliced ? " through the slicing proxy" : ""}`;
    if (failing >= 0) {
      const failure = await clientRunFailure(
        outcomes[failing] as ClientRunOutcome,
        endpoint.server,
        startedMs,
      );
      return failed(`client ${failing + 1} of ${how} got a wrong or no reply: ${failure.detail}`, failure);
    }
    const note = oneAtATimeNote(
      outcomes.map((outcome) => {
        const latency = outcome.result?.latencyUs;
        const replies = outcome.result !== undefined ? countedReplies(outcome.result) : 0;
        const totalMs = ((latency?.mean ?? 0) * replies) / 1000;
        const longestWaitMs = (latency?.max ?? 0) / 1000;
        return { longestWaitMs, busyMs: Math.max(0, totalMs - longestWaitMs) };
      }),
    );
    return {
      verdict: "pass",
      detail: `${how}, ${PROBE_REQUESTS} replies each verified`,
      ...(note !== undefined ? { note } : {}),
    };
  } finally {
    await proxy?.close(1000);
  }
}

/**
 * A client of the concurrent probe: its longest wait for a reply, and the time it was being served (its
 * replies' latencies added up, less that wait).
 */
export interface ClientTiming {
  longestWaitMs: number;
  busyMs: number;
}

/**
 * Clients each of whom waited, once, for the one before to be served were served one at a time: a
 * sequential server, which passes (the lab's servers are such), said so. With one request in flight, a
 * waiting client's longest wait is its first reply's, which comes after the client before it was done:
 * each wait exceeds the one before by at least half that client's busy time. Beside a concurrent
 * server every client waits about one reply's latency.
 */
export function oneAtATimeNote(clients: readonly ClientTiming[]): string | undefined {
  const sorted = [...clients].sort((a, b) => a.longestWaitMs - b.longestWaitMs);
  if (sorted.length < 2) return undefined;
  const waitedTheirTurn = sorted.every((client, index) => {
    const before = sorted[index - 1];
    return before === undefined || client.longestWaitMs - before.longestWaitMs >= 0.5 * before.busyMs;
  });
  if (!waitedTheirTurn) return undefined;
  const waits = sorted.map((client) => `${Math.round(client.longestWaitMs)} ms`).join(", ");
  return `served one client at a time (their longest waits: ${waits}): a sequential server`;
}

/** Requests as the check's expectation builds them (sum's numbers, a module's), else echo payloads. */
async function requestPayloads(
  settings: TargetCheckSettings,
  sizeBytes: number,
  count: number,
): Promise<Buffer[]> {
  const expectation = await loadExpectationOf(settings.choice.expect);
  const framing = framingOf(settings);
  const codec = new EchoPayloadCodec(framing.payloadAvoidsBytes, settings.payload);
  return Array.from(
    { length: count },
    (_, seq) => expectation.request?.(seq, sizeBytes, 0) ?? codec.create(0, seq, sizeBytes),
  );
}

function framingOf(settings: TargetCheckSettings): Framing {
  return framingFromSpec(settings.framing);
}

async function resetThenFreshClient(
  settings: TargetCheckSettings,
  endpoint: TargetEndpoint,
  when: "mid-request" | "mid-reply",
): Promise<ProbeRun> {
  const framing = framingOf(settings);
  let bytes: Buffer;
  let copies = 1;
  let what: string;
  if (when === "mid-request") {
    const [payload] = await requestPayloads(settings, probeSizeBytes(settings), 1);
    const frame = Buffer.concat(framing.encode(payload as Buffer));
    bytes = frame.subarray(0, Math.max(1, Math.floor(frame.length / 2)));
    what = `a client sent ${bytes.length} bytes of a ${frame.length}-byte request and reset`;
  } else {
    const payloadBytes = Math.min(
      MID_REPLY_FRAME_BYTES,
      settings.maxFrameBytes ?? Number.POSITIVE_INFINITY,
      framing.largestPayloadBytes,
    );
    // One request sent over and over: no reply is read, so none has to differ from the others.
    const [payload] = await requestPayloads(settings, payloadBytes, 1);
    const frame = framing.encode(payload as Buffer);
    bytes = Buffer.concat(Array.from({ length: MID_REPLY_FRAMES_PER_WRITE }, () => frame).flat());
    copies = Math.ceil(MID_REPLY_BYTES / bytes.length);
    what = `a client sent ${copies * MID_REPLY_FRAMES_PER_WRITE} requests of ${payloadBytes} bytes, read no reply`;
  }
  const attempts = when === "mid-request" ? 1 : MID_REPLY_ATTEMPTS;
  let caveat = "";
  let described = what;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const outcome = await runResetClient({
      host: endpoint.host,
      port: endpoint.port,
      bytes,
      copies,
      resetAfterMs: when === "mid-request" ? MID_REQUEST_WAIT_MS : MID_REPLY_WAIT_MS,
      whileServerWrites: when === "mid-reply",
      timeoutMs: RESET_CLIENT_TIMEOUT_MS,
    });
    if (!outcome.connected) {
      // Nothing to reset: the server was gone before this probe (on a shared server, an earlier probe's doing).
      const failure = await survivalFailure(endpoint, settings, "before any reset");
      const why =
        failure?.detail ?? `the reset client could not connect: ${outcome.problem ?? "no connection"}`;
      return failed(
        `the server did not take a connection for this probe: ${why}`,
        failure ?? { kind: "connect", detail: why, serverOutput: [] },
      );
    }
    const reset =
      when === "mid-request"
        ? what
        : `${what} and reset${outcome.serverBlocked ? " once the server was blocked writing replies" : " (the server took every request without blocking: its replies are small)"}`;
    const ordinal = attempts > 1 ? ` (client ${attempt} of ${attempts})` : "";
    await delay(AFTER_RESET_MS);
    const failure = await survivalFailure(endpoint, settings, `after ${reset}${ordinal}`);
    if (failure !== undefined) return failed(failure.detail, failure);
    if (outcome.problem !== undefined) caveat = ` (the reset client: ${outcome.problem})`;
    described = reset;
  }
  const each = attempts > 1 ? `${attempts} times, ` : "";
  return {
    verdict: "pass",
    detail: `${each}${described}; a fresh client was answered${each ? " after each" : ""}${caveat}`,
  };
}
