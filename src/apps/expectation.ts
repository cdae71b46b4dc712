// What a reply must be for a server sockbench did not write: how request N of a size is built and how
// its reply is judged. The lab's three apps are built in (`--expect echo|hello|sum`, `none` accepts any
// reply); `--expect-module FILE.mjs` supplies any other protocol (src/targets/expectation-module.ts).
// Pure: the built-in replies are the apps' own.

import { echoApp } from "./echo-app.js";
import { helloApp } from "./hello-app.js";
import { sumApp } from "./sum-app.js";
import { sumRequest } from "./sum-request.js";

export interface Expectation {
  readonly name: string;
  /**
   * The payload of request `index` (counted from 0 on each connection) of about `sizeBytes`. Absent: the
   * load driver's own echo payload, which carries its sequence number so lost and reordered replies show.
   */
  request?(index: number, sizeBytes: number, connectionId: number): Buffer;
  /** The exact reply `request` must get; replies are compared byte for byte (merged and split ones told apart). */
  expectedReply?(request: Buffer, index: number): Buffer;
  /** Where the exact reply is not known: undefined when `reply` is right for `request`, else what is wrong. */
  judge?(reply: Buffer, request: Buffer, index: number): string | undefined;
}

export const EXPECT_NAMES = ["echo", "hello", "sum", "none"] as const;
export type ExpectName = (typeof EXPECT_NAMES)[number];

export const BUILT_IN_EXPECTATIONS: Record<ExpectName, Expectation> = {
  echo: { name: "echo", expectedReply: (request) => echoApp.respond(request) },
  hello: { name: "hello", expectedReply: (request) => helloApp.respond(request) },
  sum: {
    name: "sum",
    request: (index, sizeBytes, connectionId) => sumRequest(index, sizeBytes, connectionId),
    expectedReply: (request) => sumApp.respond(request),
  },
  // Any whole frame answers the oldest request.
  none: { name: "none" },
};

/** Whether replies are checked at all (`none` counts every frame as an answer). */
export function checksReplies(expectation: Expectation): boolean {
  return expectation.expectedReply !== undefined || expectation.judge !== undefined;
}

/**
 * One reply to one request, judged alone (as `send` does): undefined when it holds, else what is wrong.
 * The load driver judges a stream instead, where a wrong reply may be a merged or split one.
 */
export function judgeReply(
  expectation: Expectation,
  reply: Buffer,
  request: Buffer,
  index: number,
): string | undefined {
  if (expectation.expectedReply !== undefined) {
    const expected = expectation.expectedReply(request, index);
    return reply.equals(expected)
      ? undefined
      : `expected ${JSON.stringify(expected.toString("utf8"))}, got ${JSON.stringify(reply.toString("utf8"))}`;
  }
  return expectation.judge?.(reply, request, index);
}
