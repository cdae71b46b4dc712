// One lane of a UDP load run: its own datagram socket, connected to the target (so the kernel passes it
// only the target's datagrams), sending each request as one datagram with at most `pipelining` waiting.
// Replies are matched by the echo header (DatagramMatcher); a request that waits a timeout is lost and
// frees its place, so the load goes on: there is no connection to drop and reopen. Open loop sends every
// request at its intended time, however many are waiting.

import { createSocket, type Socket } from "node:dgram";
import { formatHostPort } from "../../../host-port.js";
import { nowUs } from "../core/load-clock.js";
import type { LaneHost } from "../core/load-lane.js";
import { PipelinedLane } from "../core/pipelined-lane.js";
import type { RequestSource } from "../core/request-source.js";
import { DatagramMatcher } from "./datagram-matcher.js";

/** What the lanes of a UDP run share: the payloads and the resolved address. */
export interface UdpWire {
  readonly source: RequestSource;
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
}

/**
 * The receive buffer asked of the kernel (capped at net.core.rmem_max): the default 208 KiB holds only
 * three 64 KiB replies, so pipelined large replies would be dropped before they are read.
 */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export class UdpLane extends PipelinedLane<Socket> {
  private readonly matcher: DatagramMatcher;
  private readonly verifyEcho: boolean;
  private socket: Socket | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    id: number,
    host: LaneHost,
    private readonly wire: UdpWire,
  ) {
    super(id, host, wire.source.sizePicker(id));
    this.verifyEcho = host.config.verify === "echo";
    this.matcher = new DatagramMatcher(id, this.verifyEcho, wire.source.codec, host.stats);
  }

  /** Creates the socket and connects it to the target (no packet leaves: UDP has no handshake). */
  open(): Promise<void> {
    const socket = createSocket({
      type: this.wire.family === 6 ? "udp6" : "udp4",
      recvBufferSize: RECEIVE_BUFFER_BYTES,
    });
    this.socket = socket;
    socket.on("message", (reply: Buffer) => this.onReply(reply));
    socket.on("error", (error: NodeJS.ErrnoException) => this.onError(error));
    return new Promise((resolve) => socket.connect(this.wire.port, this.wire.address, () => resolve()));
  }

  protected get inFlight(): number {
    return this.matcher.waitingCount;
  }

  protected writableSocket(): Socket | undefined {
    return this.closed === undefined ? this.socket : undefined;
  }

  /**
   * Each request goes at its intended time, however many wait: a lost datagram is known only a timeout
   * later, and the schedule must not wait that long for it (pipelining bounds closed loop).
   */
  protected override openLoopLimit(): number {
    return Number.POSITIVE_INFINITY;
  }

  checkTimeout(now: number, timeoutUs: number): void {
    // A lost request frees its place: the lane sends on.
    if (this.matcher.expire(now, timeoutUs, this.host.config.timeoutMs) > 0 && this.host.active) this.pump();
  }

  oldestSentUs(): number | undefined {
    return this.matcher.oldestSentUs();
  }

  measuredUnanswered(): number {
    return this.matcher.measuredWaiting();
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      const socket = this.socket;
      this.socket = undefined;
      if (socket === undefined) resolve();
      else socket.close(() => resolve());
    });
    return this.closed;
  }

  /** One datagram, at once. */
  protected issue(socket: Socket, intendedUs: number, now: number, sizeBytes: number): void {
    const source = this.wire.source;
    const payload = this.verifyEcho
      ? source.requestPayload(this.id, this.matcher.nextSequence, sizeBytes)
      : (source.constantFrame(sizeBytes)[0] as Buffer);
    this.matcher.sent(intendedUs, now, this.verifyEcho ? payload : undefined);
    // Errors (a port-unreachable notice, most often) come as 'error' events, counted there.
    socket.send(payload);
  }

  private onReply(reply: Buffer): void {
    if (this.closed !== undefined) return;
    const now = nowUs();
    this.host.stats.recordBytes(reply.length, now);
    this.matcher.onReply(reply, now);
    // The reply is owed no more before the next request is claimed: the other way round, a request
    // claimed here and dropped with its connection would never count as owed.
    this.host.onReplies(now);
    this.pump();
  }

  private onError(error: NodeJS.ErrnoException): void {
    if (this.closed !== undefined) return;
    const target = formatHostPort(this.wire.address, this.wire.port);
    if (error.code === "ECONNREFUSED") {
      this.host.stats.recordErrorAt(
        "connect",
        `connection ${this.id}: port unreachable (ECONNREFUSED): is a UDP server listening on ${target}?`,
        nowUs(),
      );
    } else {
      this.host.stats.recordErrorAt(
        "reset",
        `connection ${this.id}: ${error.code ?? error.message}`,
        nowUs(),
      );
    }
  }
}
