// What `sockbench stress` found, scenario by scenario: how the legitimate client fared before and
// during each attack, whether the server stayed up, and what the server cost when sockbench ran it.

export type StressVerdict = "kept serving" | "locked out" | "server down" | "not served before" | "skipped";

/** Verdicts that make the run exit 1. */
export const FAILING_VERDICTS: readonly StressVerdict[] = ["locked out", "server down"];

export interface LegitPhase {
  requests: number;
  answered: number;
  /** Over the answered requests; undefined when none was. */
  p99Us?: number;
  /** The first failure's reason, when there was one. */
  firstFailure?: string;
}

export interface HostileCounts {
  opened: number;
  failedToOpen: number;
  closedByServer: number;
  bytesSent: number;
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
  /** Only when sockbench started the server (--server or the built-in reference). */
  peakRssBytes?: number;
  peakOpenFds?: number;
}

export interface StressResult {
  target: string;
  framing: string;
  app: string;
  baselineMs: number;
  attackMs: number;
  hostileConnections: number;
  hostileAddresses: string[];
  scenarios: StressScenarioResult[];
}
