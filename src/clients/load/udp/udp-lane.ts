// One lane of a UDP load run: its own datagram socket, connected to the target (so the kernel passes it
// only the target's datagrams), sending each request as one datagram with at most `pipelining` waiting.
// Replies are matched by the echo header (DatagramMatcher); a request that waits a timeout is lost and
// frees its place, so the load goes on: there is no connection to drop and reopen. Open loop sends every
// request at its intended time, however many are waiting.

import { createSocket, type Socket } from "node:dgram";
import { formatHostPort } from "../../../host-port.js";
import { nowUs } from "../core/load-clock.js";
import type { LaneHost, LoadLane } from "../core/load-lane.js";
import type { RequestSource, SizePicker } from "../core/request-source.js";
import { RequestQueue } from "../verification/request-queue.js";
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

export class UdpLane implements LoadLane {
  /** Open loop: requests whose intended send time has come, not yet sent (pipelining full). */
  readonly due = new RequestQueue();
  private readonly matcher: DatagramMatcher;
  private readonly sizes: SizePicker;
  private readonly verifyEcho: boolean;
  private socket: Socket | undefined;
  private closed: Promise<void> | undefined;

  constructor(
    readonly id: number,
    private readonly host: LaneHost,
    private readonly wire: UdpWire,
  ) {
    this.verifyEcho = host.config.verify === "echo";
    this.matcher = new DatagramMatcher(id, this.verifyEcho, wire.source.codec, host.stats);
    this.sizes = wire.source.sizePicker(id);
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

  get isBusy(): boolean {
    return this.matcher.waitingCount > 0 || this.due.length > 0;
  }

  enqueueDue(intendedUs: number): void {
    this.due.push(0, intendedUs, 0, undefined);
  }

  pump(): void {
    const socket = this.socket;
    if (socket === undefined || this.closed !== undefined) return;
    const now = nowUs();
    if (this.host.openLoop) {
      // Each request goes at its intended time, however many wait: a lost datagram is known only a
      // timeout later, and the schedule must not wait that long for it (pipelining bounds closed loop).
      while (this.due.length > 0) {
        const intendedUs = this.due.intendedUsAt(0);
        this.due.shift();
        this.send(socket, intendedUs, now);
      }
    } else {
      const limit = this.host.config.pipelining;
      while (this.matcher.waitingCount < limit && this.host.claimRequest(now)) this.send(socket, now, now);
    }
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

  private send(socket: Socket, intendedUs: number, now: number): void {
    const sizeBytes = this.sizes.next();
    const source = this.wire.source;
    const payload = this.verifyEcho
      ? source.requestPayload(this.id, this.matcher.nextSequence, sizeBytes)
      : (source.constantFrame(sizeBytes)[0] as Buffer);
    this.matcher.sent(intendedUs, now, this.verifyEcho ? payload : undefined);
    this.host.stats.recordSent(intendedUs, now);
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
