// The UDP side of a load run: one datagram socket per lane, each request one datagram carrying its payload
// as it is. The target's name is resolved once, which fixes the address family and with it the largest
// datagram; a size above it is refused before any socket is made, let alone a datagram sent.

import { lookup } from "node:dns/promises";
import { type IpFamily, oversizedDatagramReason } from "../../../framing/datagram-limits.js";
import { LoadConfigError, type ResolvedLoadConfig } from "../core/load-config.js";
import type { LaneHost, LoadTransport } from "../core/load-lane.js";
import { RequestSource, UNFRAMED } from "../core/request-source.js";
import { formatTarget, type LoadTarget, TargetError } from "../core/target.js";
import { UdpLane, type UdpWire } from "./udp-lane.js";

export class UdpTransport implements LoadTransport, UdpWire {
  readonly source: RequestSource;
  readonly lanes: UdpLane[];
  address = "";
  port = 0;
  family: IpFamily = 4;

  constructor(
    private readonly config: ResolvedLoadConfig,
    private readonly target: LoadTarget,
    host: LaneHost,
  ) {
    this.source = new RequestSource(config, UNFRAMED, host.expectation);
    this.lanes = Array.from(
      { length: config.slice.count },
      (_, index) => new UdpLane(config.slice.first + index, host, this),
    );
  }

  async open(): Promise<void> {
    if (this.target.kind === "unix")
      throw new TargetError("--transport udp takes HOST:PORT, not a Unix socket");
    try {
      const resolved = await lookup(this.target.host);
      this.address = resolved.address;
      this.family = resolved.family as IpFamily;
    } catch (error) {
      throw new TargetError(
        `cannot resolve ${formatTarget(this.target)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    this.port = this.target.port;
    for (const size of this.config.sizesBytes) {
      const reason = oversizedDatagramReason(size, this.family);
      if (reason !== undefined) throw new LoadConfigError(`size ${size} bytes is too large: ${reason}`);
    }
    await Promise.all(this.lanes.map((lane) => lane.open()));
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()));
  }
}
