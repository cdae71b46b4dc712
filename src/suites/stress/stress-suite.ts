// `sockbench stress`: for each scenario, a legitimate client alone (the baseline), then side by side
// with an attack; then whether the server is still up. Each scenario gets the server afresh when
// sockbench starts it, so one attack's leftovers never count against the next.

import { setTimeout as sleep } from "node:timers/promises";
import type { Framing } from "../../framing/framing.js";
import { framingFields } from "../../results/framing-fields.js";
import { createLatencyHistogram } from "../../results/latency-histogram.js";
import type {
  HostileCounts,
  LegitPhase,
  StressResult,
  StressScenarioResult,
} from "../../results/stress-result.js";
import type { ServerOutputLine } from "../../results/target-check-result.js";
import { SOCKBENCH_VERSION } from "../../version.js";
import { AttackThread } from "./attack-thread.js";
import { ATTACKS, type Attack } from "./attacks.js";
import { hostileSourceAddresses, SILENT_PROBE_MS } from "./hostile-pool.js";
import { CLOSED_BEFORE_REPLY, LegitClient, type LegitRequests, type LegitSample } from "./legit-client.js";
import { ProcessSampler } from "./process-sampler.js";

export const STRESS_SCENARIO_NAMES = ATTACKS.map((attack) => attack.name);

/**
 * Below this share of answered requests in the attack's second half, the legitimate client counts as
 * locked out. The second half: a flood takes a moment to fill a server, and a lock-out is what holds.
 */
export const LOCKED_OUT_BELOW = 0.5;
/** Served at under this share of its answered rate alone, the legitimate client counts as degraded. */
export const DEGRADED_RATE_BELOW = 0.5;
/** A p99 this many times the baseline's, and DEGRADED_P99_RISE_MS above it, counts as degraded too. */
export const DEGRADED_P99_TIMES = 10;
export const DEGRADED_P99_RISE_MS = 100;
/** The legitimate client's pace: one request per fresh connection at most this often. */
const LEGIT_INTERVAL_MS = 10;
/** After an attack, the server gets this many tries to answer before it counts as down. */
const AFTER_ATTACK_PROBES = 3;
/** A server gone down leaves this many of its last output lines in the result. */
const DOWN_OUTPUT_LINES = 20;

export interface StressEndpoint {
  host: string;
  port: number;
  /** The server's processes, when sockbench started it (peak memory and descriptors come from them). */
  pids?(): number[];
  /** How the server exited, when it did and sockbench started it. */
  exitDescription?(): string | undefined;
  /** When it exited (performance.now()), once it has. */
  exitedAtMs?(): number | undefined;
  /** Its last `count` output lines, when sockbench started it. */
  lastOutput?(count: number): ServerOutputLine[];
}

export interface StressOptions {
  /** What the report calls the target. */
  target: string;
  framing: Framing;
  /** How the server's replies are cut, when not as its requests are. */
  replyFraming?: Framing;
  maxFrameBytes: number;
  /** The app the server runs (echo, hello, sum, or another name): app-level attacks need it. */
  app: string;
  requests: LegitRequests;
  scenarios: string[];
  baselineMs: number;
  attackMs: number;
  hostileConnections: number;
  hostileAddressCount: number;
  requestTimeoutMs: number;
  /** Runs one scenario against the server (started afresh, or the one already running). */
  withServer<T>(run: (endpoint: StressEndpoint) => Promise<T>): Promise<T>;
  onScenario?(result: StressScenarioResult): void;
}

export async function runStress(options: StressOptions): Promise<StressResult> {
  const startedAt = new Date().toISOString();
  const hostileAddresses = hostileSourceAddresses(options.hostileAddressCount);
  const scenarios: StressScenarioResult[] = [];
  for (const name of options.scenarios) {
    const attack = ATTACKS.find((candidate) => candidate.name === name);
    if (!attack) throw new Error(`unknown scenario ${JSON.stringify(name)}`);
    const result = await runScenario(attack, options, hostileAddresses);
    scenarios.push(result);
    options.onScenario?.(result);
  }
  return {
    tool: "sockbench",
    kind: "stress",
    version: SOCKBENCH_VERSION,
    startedAt,
    target: options.target,
    ...framingFields(options.framing.spec, options.replyFraming?.spec),
    app: options.app,
    baselineMs: options.baselineMs,
    attackMs: options.attackMs,
    hostileConnections: options.hostileConnections,
    hostileAddresses,
    scenarios,
  };
}

async function runScenario(
  attack: Attack,
  options: StressOptions,
  sourceAddresses: string[],
): Promise<StressScenarioResult> {
  const base = { scenario: attack.name, description: attack.description };
  const skipReason = attack.skipReason?.(options.app);
  if (skipReason) return { ...base, verdict: "skipped", reason: skipReason };
  return options.withServer(async (endpoint) => {
    const sampler = endpoint.pids ? new ProcessSampler(endpoint.pids) : undefined;
    const legit = new LegitClient({
      host: endpoint.host,
      port: endpoint.port,
      framing: options.framing,
      ...(options.replyFraming !== undefined ? { replyFraming: options.replyFraming } : {}),
      requests: options.requests,
      timeoutMs: options.requestTimeoutMs,
      intervalMs: LEGIT_INTERVAL_MS,
    });
    const legitStartMs = performance.now();
    legit.start();
    await sleep(options.baselineMs);
    const thread = new AttackThread({
      attack: attack.name,
      host: endpoint.host,
      port: endpoint.port,
      sourceAddresses,
      framing: options.framing.spec,
      ...(options.replyFraming !== undefined ? { replyFraming: options.replyFraming.spec } : {}),
      maxFrameBytes: options.maxFrameBytes,
      connections: options.hostileConnections,
      app: options.app,
    });
    await thread.started;
    const attackStartMs = performance.now();
    await sleep(options.attackMs);
    const attackEndMs = performance.now();
    const hostile = await thread.stop();
    await legit.stop();

    const downReason = await serverDownReason(endpoint, legit);
    const peaks = sampler?.stop();
    const before = phase(legit.samples, legitStartMs, attackStartMs, Number.POSITIVE_INFINITY);
    // A request still open when the attack stops is settled by the attack's end, not by the attack.
    const during = phase(legit.samples, attackStartMs, attackEndMs, attackEndMs);
    const secondHalf = phase(legit.samples, (attackStartMs + attackEndMs) / 2, attackEndMs, attackEndMs);
    const measured = {
      ...base,
      before,
      during,
      secondHalf,
      ...(hostile ? { hostile } : {}),
      ...(peaks ?? {}),
    };
    const exitedAtMs = endpoint.exitedAtMs?.();
    const diedInAttack = exitedAtMs !== undefined && exitedAtMs < attackEndMs;
    const verdict = judge(before, during, secondHalf, hostile, downReason, diedInAttack);
    const serverOutput = downReason ? endpoint.lastOutput?.(DOWN_OUTPUT_LINES) : undefined;
    return { ...measured, ...verdict, ...(serverOutput?.length ? { serverOutput } : {}) };
  });
}

/** The scenario's verdict and the sentence behind it, most serious first. */
function judge(
  before: LegitPhase,
  during: LegitPhase,
  secondHalf: LegitPhase,
  hostile: HostileCounts | undefined,
  downReason: string | undefined,
  diedInAttack: boolean,
): Pick<StressScenarioResult, "verdict" | "reason"> {
  // A lock-out during the attack is told before a death after it: a server that dies as the attack lets
  // go (a naive server on the hostile peers' resets) locked its clients out before it died.
  const afterwards = downReason ? `; afterwards ${downReason}` : "";
  if (before.answered < before.requests * LOCKED_OUT_BELOW) {
    return {
      verdict: downReason ? "server down" : "not served before",
      reason: `the legitimate client had ${before.answered} of ${before.requests} requests answered before the attack${failureSuffix(before)}${afterwards}`,
    };
  }
  const lockedOut = secondHalf.answered < secondHalf.requests * LOCKED_OUT_BELOW || secondHalf.requests === 0;
  // A server that died under the attack locked the client out by dying: the crash is the finding.
  if (lockedOut && diedInAttack && downReason) {
    return { verdict: "server down", reason: `during the attack ${downReason}` };
  }
  if (lockedOut) {
    return {
      verdict: "locked out",
      reason: `the legitimate client had ${secondHalf.answered} of ${secondHalf.requests} requests answered in the attack's second half${failureSuffix(secondHalf)}${refusalHint(secondHalf)}${afterwards}`,
    };
  }
  if (downReason) return { verdict: "server down", reason: downReason };
  const unreached = unreachedReason(hostile);
  if (unreached) return { verdict: "not reached", reason: unreached };
  const degraded = degradedReason(before, {
    "during the attack": during,
    "in the attack's second half": secondHalf,
  });
  if (degraded) return { verdict: "degraded", reason: degraded };
  return { verdict: "kept serving" };
}

/**
 * Why the attack never reached the server, when it did not: every hostile connection was refused, or a
 * silent one was closed at once and so was every other (redis's protected mode turns away all but
 * 127.0.0.1 so). A server that holds some while it refuses others was reached.
 */
function unreachedReason(hostile: HostileCounts | undefined): string | undefined {
  if (!hostile) return undefined;
  if (hostile.opened === 0 && hostile.failedToOpen > 0) {
    return `all ${hostile.failedToOpen} hostile connections failed to open`;
  }
  if (hostile.silentProbe === "held" || hostile.closedByServer < hostile.opened) return undefined;
  const silent =
    hostile.silentProbe === "refused"
      ? "a silent connection from the first hostile address was refused"
      : `the server closed a silent connection from the first hostile address within ${SILENT_PROBE_MS} ms`;
  return `${silent}, and all ${hostile.opened} hostile connections were closed by the server first: does it refuse addresses other than 127.0.0.1, as redis's protected mode does?`;
}

/**
 * Why the legitimate client counts as degraded in one of the attack's phases, if it does: answered at
 * under DEGRADED_RATE_BELOW of its rate alone, or at a p99 both DEGRADED_P99_TIMES its p99 alone and
 * DEGRADED_P99_RISE_MS above it (on loopback a p99 of 1 ms can become 5 ms by scheduling alone).
 */
function degradedReason(before: LegitPhase, phases: Record<string, LegitPhase>): string | undefined {
  for (const [name, attacked] of Object.entries(phases)) {
    if (attacked.answeredPerSec < before.answeredPerSec * DEGRADED_RATE_BELOW) {
      return `the legitimate client was answered ${attacked.answeredPerSec.toFixed(1)} times a second ${name}, ${before.answeredPerSec.toFixed(1)} alone (under ${DEGRADED_RATE_BELOW * 100}%)`;
    }
    if (before.p99Us === undefined || attacked.p99Us === undefined) continue;
    const p99Ms = attacked.p99Us / 1000;
    const baselineMs = before.p99Us / 1000;
    if (p99Ms >= baselineMs * DEGRADED_P99_TIMES && p99Ms - baselineMs >= DEGRADED_P99_RISE_MS) {
      return `the legitimate client's p99 was ${p99Ms.toFixed(1)} ms ${name}, ${baselineMs.toFixed(1)} ms alone (${DEGRADED_P99_TIMES}x and ${DEGRADED_P99_RISE_MS} ms are the limits)`;
    }
  }
  return undefined;
}

/**
 * What closes before any reply usually mean: a server refusing at accept, at a cap. Behind a proxy the
 * hostile peers and the legitimate client are all the proxy's one address, so a per-address cap filled
 * by the attack refuses the client too.
 */
function refusalHint(legitPhase: LegitPhase): string {
  if (legitPhase.firstFailure !== CLOSED_BEFORE_REPLY && legitPhase.firstFailure !== "ECONNRESET") return "";
  return `; a server closes connections before replying when it refuses them at accept, at a cap on connections or per client address, and behind a proxy every client is the proxy's one address (sockbench serve: --max-connections, --max-connections-per-address)`;
}

function failureSuffix(legitPhase: LegitPhase): string {
  return legitPhase.firstFailure ? ` (first failure: ${legitPhase.firstFailure})` : "";
}

/** Undefined while the server answers; else why it counts as down. */
async function serverDownReason(endpoint: StressEndpoint, legit: LegitClient): Promise<string | undefined> {
  const exited = endpoint.exitDescription?.();
  if (exited) return `the server exited (${exited})`;
  let last: LegitSample | undefined;
  for (let attempt = 0; attempt < AFTER_ATTACK_PROBES; attempt++) {
    last = await legit.probe();
    if (last.failure === undefined) return undefined;
  }
  const exitedLater = endpoint.exitDescription?.();
  if (exitedLater) return `the server exited (${exitedLater})`;
  return `no answer after the attack in ${AFTER_ATTACK_PROBES} tries (${last?.failure})`;
}

/** The requests started from `fromMs` and settled by `settledByMs`, over the `fromMs` to `toMs` span. */
function phase(samples: LegitSample[], fromMs: number, toMs: number, settledByMs: number): LegitPhase {
  const histogram = createLatencyHistogram();
  let requests = 0;
  let answered = 0;
  let firstFailure: string | undefined;
  for (const sample of samples) {
    if (sample.atMs < fromMs || sample.atMs >= toMs || sample.atMs + sample.latencyUs / 1000 > settledByMs) {
      continue;
    }
    requests++;
    if (sample.failure === undefined) {
      answered++;
      histogram.recordValue(Math.max(1, sample.latencyUs));
    } else {
      firstFailure ??= sample.failure;
    }
  }
  return {
    requests,
    answered,
    answeredPerSec: toMs > fromMs ? Math.round((answered / (toMs - fromMs)) * 10_000) / 10 : 0,
    ...(answered > 0 ? { p99Us: histogram.getValueAtPercentile(99) } : {}),
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}
