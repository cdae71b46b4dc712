// The TCP side of a load run: one framed connection per lane, all opened before the load starts, every
// one through the same connector (plain TCP, TLS or a Unix socket).

import type { Framing } from "../../../framing/framing.js";
import { framingFromSpec } from "../../../framing/registry.js";
import { connectionOptionsOf, type ResolvedTcpLoadConfig } from "../core/load-config.js";
import type { LaneHost, LoadTransport } from "../core/load-lane.js";
import { RequestSource } from "../core/request-source.js";
import { type LoadTarget, TargetConnector } from "../core/target.js";
import { TcpLane, type TcpWire } from "./tcp-lane.js";

export class TcpTransport implements LoadTransport, TcpWire {
  readonly framing: Framing;
  readonly replyFraming: Framing;
  readonly source: RequestSource;
  readonly connector: TargetConnector;
  readonly lanes: TcpLane[];

  constructor(
    readonly config: ResolvedTcpLoadConfig,
    target: LoadTarget,
    host: LaneHost,
  ) {
    this.framing = framingFromSpec(config.framing);
    this.replyFraming =
      config.replyFraming !== undefined ? framingFromSpec(config.replyFraming) : this.framing;
    this.source = new RequestSource(config, this.framing, host.expectation);
    this.connector = new TargetConnector(target, {
      connectTimeoutMs: config.timeoutMs,
      ...connectionOptionsOf(config),
      insecure: config.insecure,
      sharedReadBuffer: true,
      ...(config.ca !== undefined ? { ca: config.ca } : {}),
    });
    this.lanes = Array.from(
      { length: config.slice.count },
      (_, index) => new TcpLane(config.slice.first + index, host, this),
    );
  }

  async open(): Promise<void> {
    // A payload the framing cannot carry (a --message holding the eof token) is refused up front.
    this.source.checkFramable();
    try {
      await Promise.all(this.lanes.map((connection) => connection.open()));
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    this.connector.abort();
    await Promise.all(this.lanes.map((connection) => connection.close()));
  }
}
