// What a load run drives, whatever the transport: C lanes, each a stream of requests with at most
// `pipelining` unanswered (a TCP or HTTP connection, a UDP socket), and the transport that makes them.
// The run keeps the clock, the deadline, the open-loop schedule and the statistics for all of them; the
// lanes share how they admit requests (pipelined-lane.ts) and, on streams, their sockets' life
// (stream-lane.ts).

import type { Expectation } from "../../../apps/expectation.js";
import type { RequestQueue } from "../verification/request-queue.js";
import type { ResolvedLoadConfig } from "./load-config.js";
import type { LoadStats } from "./load-stats.js";

/** What a lane needs from the run that owns it. */
export interface LaneHost {
  readonly config: ResolvedLoadConfig;
  /** How requests are built and replies judged (config.verify's, or config.expectModule's). */
  readonly expectation: Expectation;
  readonly stats: LoadStats;
  readonly openLoop: boolean;
  /** False once the run is over: nothing is reopened or issued after that. */
  readonly active: boolean;
  /** Closed loop: takes one request from the run's budget; false once the run stops issuing. */
  claimRequest(nowUs: number): boolean;
  /** Replies arrived (the run notices progress and whether everything is answered). */
  onReplies(nowUs: number): void;
}

export interface LoadLane {
  /** The connection id its echo payloads carry. */
  readonly id: number;
  /** Open loop: requests whose intended send time has come, not yet written. */
  readonly due: RequestQueue;
  /** Requests written and unanswered, or due. */
  readonly isBusy: boolean;
  /** Open loop: one more request is due at `intendedUs`. */
  enqueueDue(intendedUs: number): void;
  /** Issues as many requests as pipelining allows. */
  pump(): void;
  /** Counts as timed out (and gives up) what waited `timeoutUs` for its reply; the run calls it often. */
  checkTimeout(nowUs: number, timeoutUs: number): void;
  /** When its oldest unanswered request was written; undefined when none is. */
  oldestSentUs(): number | undefined;
  /** Measured requests written and still unanswered (the run counts them as timeouts when it ends). */
  measuredUnanswered(): number;
  /** Ends the lane for good; settles once its sockets are closed. */
  close(): Promise<void>;
}

/** The lanes of one transport and the way to the target they share. */
export interface LoadTransport {
  readonly lanes: readonly LoadLane[];
  /** Reaches the target before any load; rejects (TargetError, FramingError) and leaves nothing open when it cannot. */
  open(): Promise<void>;
  /** Gives up connection attempts under way and closes every lane; settles once every socket is closed. */
  close(): Promise<void>;
}
