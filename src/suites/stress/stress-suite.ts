// `sockbench stress`: for each scenario, a legitimate client alone (the baseline), then side by side
// with an attack; then whether the server is still up. Each scenario gets the server afresh when
// sockbench starts it, so one attack's leftovers never count against the next.

import { setTimeout as sleep } from "node:timers/promises";
import type { Framing } from "../../framing/framing.js";
import { createLatencyHistogram } from "../../results/latency-histogram.js";
import type { LegitPhase, StressResult, StressScenarioResult } from "../../results/stress-result.js";
import { AttackThread } from "./attack-thread.js";
import { ATTACKS, type Attack } from "./attacks.js";
import { hostileSourceAddresses } from "./hostile-pool.js";
import { LegitClient, type LegitRequests, type LegitSample } from "./legit-client.js";
import { ProcessSampler } from "./process-sampler.js";

export const STRESS_SCENARIO_NAMES = ATTACKS.map((attack) => attack.name);

/**
 * Below this share of answered requests in the attack's second half, the legitimate client counts as
 * locked out. The second half: a flood takes a moment to fill a server, and a lock-out is what holds.
 */
export const LOCKED_OUT_BELOW = 0.5;
/** The legitimate client's pace: one request per fresh connection at most this often. */
const LEGIT_INTERVAL_MS = 10;
/** After an attack, the server gets this many tries to answer before it counts as down. */
const AFTER_ATTACK_PROBES = 3;

export interface StressEndpoint {
  host: string;
  port: number;
  /** The server's processes, when sockbench started it (peak memory and descriptors come from them). */
  pids?(): number[];
  /** How the server exited, when it did and sockbench started it. */
  exitDescription?(): string | undefined;
}

export interface StressOptions {
  /** What the report calls the target. */
  target: string;
  framing: Framing;
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
    target: options.target,
    framing: options.framing.name,
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
      requests: options.requests,
      timeoutMs: options.requestTimeoutMs,
      intervalMs: LEGIT_INTERVAL_MS,
    });
    legit.start();
    await sleep(options.baselineMs);
    const thread = new AttackThread({
      attack: attack.name,
      host: endpoint.host,
      port: endpoint.port,
      sourceAddresses,
      framing: options.framing.spec,
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
    const before = phase(legit.samples.filter((sample) => sample.atMs < attackStartMs));
    // A request still open when the attack stops is settled by the attack's end, not by the attack.
    const inAttack = (fromMs: number) =>
      phase(
        legit.samples.filter(
          (sample) => sample.atMs >= fromMs && sample.atMs + sample.latencyUs / 1000 <= attackEndMs,
        ),
      );
    const during = inAttack(attackStartMs);
    const secondHalf = inAttack((attackStartMs + attackEndMs) / 2);
    const measured = {
      ...base,
      before,
      during,
      secondHalf,
      ...(hostile ? { hostile } : {}),
      ...(peaks ?? {}),
    };
    // A lock-out during the attack is told first: a server that then dies as the attack lets go (a
    // naive server on the hostile peers' resets) locked its clients out before it died.
    const afterwards = downReason ? `; afterwards ${downReason}` : "";
    if (before.answered < before.requests * LOCKED_OUT_BELOW) {
      return {
        ...measured,
        verdict: downReason ? "server down" : "not served before",
        reason: `the legitimate client had ${before.answered} of ${before.requests} requests answered before the attack${failureSuffix(before)}${afterwards}`,
      };
    }
    if (secondHalf.answered < secondHalf.requests * LOCKED_OUT_BELOW || secondHalf.requests === 0) {
      return {
        ...measured,
        verdict: "locked out",
        reason: `the legitimate client had ${secondHalf.answered} of ${secondHalf.requests} requests answered in the attack's second half${failureSuffix(secondHalf)}${afterwards}`,
      };
    }
    if (downReason) return { ...measured, verdict: "server down", reason: downReason };
    return { ...measured, verdict: "kept serving" };
  });
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

function phase(samples: LegitSample[]): LegitPhase {
  const histogram = createLatencyHistogram();
  let answered = 0;
  let firstFailure: string | undefined;
  for (const sample of samples) {
    if (sample.failure === undefined) {
      answered++;
      histogram.recordValue(Math.max(1, sample.latencyUs));
    } else {
      firstFailure ??= sample.failure;
    }
  }
  return {
    requests: samples.length,
    answered,
    ...(answered > 0 ? { p99Us: histogram.getValueAtPercentile(99) } : {}),
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}
