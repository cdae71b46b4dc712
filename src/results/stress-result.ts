// What `sockbench stress` found, scenario by scenario: how the legitimate client fared before and
// during each attack, whether the server stayed up, and what the server cost when sockbench ran it.

import type { FramingFields } from "./framing-fields.js";
import type { MachineInfo, RunContext } from "./run-context.js";
import type { ServerOutputLine } from "./target-check-result.js";

/**
 * degraded: served, but at under half the baseline's rate or at a p99 ten times the baseline's; not
 * reached: the server refused every hostile connection at once, so the attack was never put to it.
 */
export type StressVerdict =
  | "kept serving"
  | "degraded"
  | "locked out"
  | "server down"
  | "not reached"
  | "not served before"
  | "skipped";

/**
 * Verdicts that make the run exit 1. Not degraded: it compares latencies on a machine whose CPU the
 * attackers share, so a busy machine alone can bring it about; being answered at all cannot.
 */
export const FAILING_VERDICTS: readonly StressVerdict[] = ["locked out", "server down"];

export interface LegitPhase {
  requests: number;
  answered: number;
  /** Answered requests per second of the phase. */
  answeredPerSec: number;
  /** Over the answered requests; undefined when none was. */
  p99Us?: number;
  /** The first failure's reason, when there was one. */
  firstFailure?: string;
}

/** What became of a silent connection left alone for a moment: kept open, closed by the server, or refused. */
export type SilentProbeOutcome = "held" | "closed" | "refused";

export interface HostileCounts {
  opened: number;
  failedToOpen: number;
  /** Connections the server closed or reset first (a peer's own close, as churn's, is not counted). */
  closedByServer: number;
  bytesSent: number;
  /**
   * A silent connection from the first hostile address, opened before the attack: kept open for 300 ms,
   * closed by the server within them, or refused.
   */
  silentProbe: SilentProbeOutcome;
}

export interface StressScenarioResult {
  scenario: string;
  description: string;
  verdict: StressVerdict;
  /** Why the scenario was skipped or failed, in a sentence. */
  reason?: string;
  before?: LegitPhase;
  during?: LegitPhase;
  /** The attack's second half, on which the verdict is judged. */
  secondHalf?: LegitPhase;
  hostile?: HostileCounts;
  /**
   * The server's last output lines (seconds since it started) when it went down, and sockbench had
   * started it.
   */
  serverOutput?: ServerOutputLine[];
  /** Only when sockbench started the server (--server or the built-in reference). */
  peakRssBytes?: number;
  peakOpenFds?: number;
}

/** Its framings as framingFields records them (results/framing-fields.ts). */
export interface StressResult extends FramingFields {
  tool: "sockbench";
  kind: "stress";
  version: string;
  /** When the run started, ISO. */
  startedAt: string;
  /** Where it ran and how it was started, when the command wrote it. */
  machine?: MachineInfo;
  context?: RunContext;
  target: string;
  app: string;
  baselineMs: number;
  attackMs: number;
  hostileConnections: number;
  hostileAddresses: string[];
  scenarios: StressScenarioResult[];
}
