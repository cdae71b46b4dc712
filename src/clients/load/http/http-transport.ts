// The HTTP side of a load run: one keep-alive connection per lane, each pipelining up to `pipelining`
// POSTs and reading its responses with sockbench's own HTTP/1.1 parser, all opened before the load starts
// through the run's connector (an unreachable target fails the run, as over TCP). undici's client cost
// about twice autocannon's CPU per request (its wasm parser's callbacks, a writev per request); bench/
// http-compare.sh measures the two side by side.

import { DEFAULT_MAX_FRAME_BYTES } from "../../../framing/frame-decoder.js";
import { connectionOptionsOf, type ResolvedHttpLoadConfig } from "../core/load-config.js";
import type { LaneHost, LoadTransport } from "../core/load-lane.js";
import { RequestSource, UNFRAMED } from "../core/request-source.js";
import { type HttpTarget, TargetConnector } from "../core/target.js";
import { HttpLane, type HttpWire } from "./http-lane.js";
import { HttpReplyCheck } from "./http-reply-check.js";
import { HttpRequestHeads } from "./http-request-head.js";

export class HttpTransport implements LoadTransport, HttpWire {
  readonly lanes: HttpLane[];
  readonly source: RequestSource;
  readonly replyCheck: HttpReplyCheck;
  readonly connector: TargetConnector;
  readonly heads: HttpRequestHeads;
  readonly maxBodyBytes: number;

  constructor(
    readonly config: ResolvedHttpLoadConfig,
    target: HttpTarget,
    host: LaneHost,
  ) {
    this.source = new RequestSource(config, UNFRAMED, host.expectation);
    this.replyCheck = new HttpReplyCheck(this.source.codec);
    this.heads = new HttpRequestHeads(target);
    this.maxBodyBytes = config.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.connector = new TargetConnector(target, {
      connectTimeoutMs: config.timeoutMs,
      ...connectionOptionsOf(config),
      sharedReadBuffer: true,
    });
    this.lanes = Array.from(
      { length: config.slice.count },
      (_, index) => new HttpLane(config.slice.first + index, host, this),
    );
  }

  async open(): Promise<void> {
    try {
      await Promise.all(this.lanes.map((lane) => lane.open()));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.connector.abort();
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}
