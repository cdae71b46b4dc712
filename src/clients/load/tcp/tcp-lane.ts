// One connection of a load run: writes requests (pipelined, a tick's worth in one write), matches the
// replies in order, and turns a silent, resetting or misbehaving server into counted errors. A dropped
// connection is reopened while the run lasts.

import { once } from "node:events";
import type { Socket } from "node:net";
import type { FrameDecoder } from "../../../framing/frame-decoder.js";
import type { Framing } from "../../../framing/framing.js";
import type { ErrorKind } from "../../../results/load-result.js";
import { nowUs } from "../core/load-clock.js";
import type { ResolvedTcpLoadConfig } from "../core/load-config.js";
import type { LaneHost, LoadLane } from "../core/load-lane.js";
import { ReconnectBackoff } from "../core/reconnect-backoff.js";
import type { RequestSource, SizePicker } from "../core/request-source.js";
import type { TargetConnector } from "../core/target.js";
import { EchoStreamCheck } from "../verification/echo-stream-check.js";
import type { ErrorEvidence } from "../verification/error-evidence.js";
import { PayloadPool } from "../verification/payload-pool.js";
import { ReplyVerifier } from "../verification/reply-verifier.js";
import { RequestQueue } from "../verification/request-queue.js";
import { BatchWriter } from "./batch-writer.js";

/** What the connections of a TCP run share: the framing, the payloads and the way to the target. */
export interface TcpWire {
  readonly config: ResolvedTcpLoadConfig;
  readonly framing: Framing;
  readonly source: RequestSource;
  readonly connector: TargetConnector;
}

/**
 * Bytes of an unfinished reply kept as evidence: enough to see its framing (a u16 prefix, a missing
 * token), bounded so that a timeout of many connections does not copy megabytes each.
 */
const PARTIAL_EVIDENCE_BYTES = 64 * 1024;

/** `1 request unanswered`, `3 requests unanswered`. */
function unanswered(count: number): string {
  return `${count} request${count === 1 ? "" : "s"} unanswered`;
}

export class TcpLane implements LoadLane {
  /** Written, not yet answered, oldest first. */
  readonly outstanding = new RequestQueue();
  /** Open loop: requests whose intended send time has come, not yet written (pipelining full or reconnecting). */
  readonly due = new RequestQueue();
  private socket: Socket | undefined;
  private decoder: FrameDecoder | undefined;
  private readonly verifier: ReplyVerifier;
  private readonly checksReplies: boolean;
  /** --verify echo, self-delimiting framings: replies checked straight off the stream until one differs. */
  private readonly streamCheck: EchoStreamCheck | undefined;
  /** Fast path with echo payloads made here: the buffers of verified requests, for the next ones. */
  private readonly payloadPool: PayloadPool | undefined;
  private readonly sizes: SizePicker;
  private readonly writer: BatchWriter;
  private nextSeq = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Sockets not yet closed: the current one, and one just dropped whose close is under way. */
  private readonly openSockets = new Set<Socket>();
  private readonly backoff = new ReconnectBackoff();

  constructor(
    readonly id: number,
    private readonly host: LaneHost,
    private readonly wire: TcpWire,
  ) {
    this.checksReplies = wire.source.checksReplies;
    this.verifier = new ReplyVerifier(id, host.expectation, wire.source.codec, host.stats);
    // The fast path compares the reply stream with the request stream: for echo only.
    const echoes = host.config.verify === "echo" && host.config.expectModule === undefined;
    this.streamCheck = echoes && wire.framing.selfDelimiting ? new EchoStreamCheck() : undefined;
    this.payloadPool =
      this.streamCheck !== undefined && wire.source.makesEchoPayloads
        ? new PayloadPool(host.config.pipelining)
        : undefined;
    this.sizes = wire.source.sizePicker(id);
    this.writer = new BatchWriter(wire.config.splitPieces);
  }

  /** Opens the socket; rejects with a TargetError when the target cannot be reached. */
  async open(): Promise<void> {
    const socket = await this.wire.connector.open(this.onRead);
    if (this.closed) socket.destroy();
    else this.attach(socket);
  }

  get isBusy(): boolean {
    return this.outstanding.length > 0 || this.due.length > 0;
  }

  /** Open loop: one more request is due at `intendedUs`. */
  enqueueDue(intendedUs: number): void {
    this.due.push(0, intendedUs, 0, undefined);
  }

  /** Writes as many requests as pipelining allows, all in one write. */
  pump(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    const limit = this.host.config.pipelining;
    const now = nowUs();
    if (this.host.openLoop) {
      while (this.outstanding.length < limit && this.due.length > 0) {
        const intendedUs = this.due.intendedUsAt(0);
        this.due.shift();
        this.issue(intendedUs, now);
      }
    } else {
      while (this.outstanding.length < limit && this.host.claimRequest(now)) this.issue(now, now);
    }
    if (this.writer.isEmpty) return;
    const written = this.writer.flush(socket);
    this.streamCheck?.addWritten(written);
  }

  /** Counts as timed out, and drops, a connection whose oldest request waited `timeoutUs`. */
  checkTimeout(now: number, timeoutUs: number): void {
    this.verifier.sweepMissing(now, timeoutUs);
    if (this.outstanding.length === 0 || now - this.outstanding.sentUsAt(0) < timeoutUs) return;
    const measured = this.measuredUnanswered();
    if (measured > 0) {
      const pending = this.pendingBytes();
      const came =
        pending > 0 ? `; ${pending} byte${pending === 1 ? "" : "s"} came that never completed a frame` : "";
      this.host.stats.recordError(
        "timeout",
        `connection ${this.id} request ${this.outstanding.seqAt(0)}: no reply within ${this.host.config.timeoutMs} ms (${unanswered(this.outstanding.length)})${came}`,
        measured,
        this.evidence(),
      );
    }
    this.drop();
  }

  /** Ends the connection for good; what is still outstanding is the caller's to count. */
  close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.verifier.finish();
    this.writer.discard();
    this.socket?.destroy();
    this.socket = undefined;
    return Promise.all([...this.openSockets].map((socket) => once(socket, "close"))).then(() => undefined);
  }

  /** Sockets this connection still waits to see closed (stays at one or two however often it reconnects). */
  get openSocketCount(): number {
    return this.openSockets.size;
  }

  oldestSentUs(): number | undefined {
    return this.outstanding.length > 0 ? this.outstanding.sentUsAt(0) : undefined;
  }

  measuredUnanswered(): number {
    return this.host.stats.measuredIn(this.outstanding);
  }

  private issue(intendedUs: number, now: number): void {
    const seq = this.nextSeq++;
    const source = this.wire.source;
    if (this.checksReplies) {
      const sizeBytes = this.sizes.next();
      const payload = source.requestPayload(this.id, seq, sizeBytes, this.payloadPool?.take(sizeBytes));
      const frame = this.wire.framing.encode(payload);
      this.writer.add(frame);
      let frameBytes = 0;
      for (let index = 0; index < frame.length; index++) frameBytes += (frame[index] as Buffer).length;
      this.streamCheck?.addFrame(frameBytes);
      this.outstanding.push(seq, intendedUs, now, source.replyCheckOf(payload, seq));
    } else {
      this.writer.add(source.constantFrame(this.sizes.next()));
      this.outstanding.push(seq, intendedUs, now, undefined);
    }
    this.host.stats.recordSent(intendedUs, now);
  }

  private attach(socket: Socket): void {
    // The connector turns Nagle's algorithm off; --nagle turns it back on.
    if (this.wire.config.nagle) socket.setNoDelay(false);
    this.socket = socket;
    this.decoder = this.wire.framing.createDecoder();
    // Closed or reset by the server before a byte of reply: what a server refusing at accept does. A
    // reset after the end is the same close, counted once.
    let closeCounted = false;
    const closedBeforeReply = () => {
      if (closeCounted || socket.bytesRead > 0) return;
      closeCounted = true;
      this.host.stats.closedBeforeReply++;
    };
    socket.on("end", () => {
      if (socket !== this.socket) return;
      closedBeforeReply();
      const partialBytes = this.pendingBytes();
      if (partialBytes > 0) {
        this.fail("protocol", `server closed mid-frame, ${partialBytes} bytes into a reply`);
      } else if (this.outstanding.length > 0) {
        this.fail("reset", `server closed the connection with ${unanswered(this.outstanding.length)}`);
      } else {
        this.drop();
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (socket !== this.socket) return;
      closedBeforeReply();
      this.fail("reset", `connection failed: ${error.code ?? error.message}`);
    });
    this.openSockets.add(socket);
    socket.once("close", () => this.openSockets.delete(socket));
  }

  /** Every read of this connection's sockets; only the current socket's count. */
  private readonly onRead = (socket: Socket, chunk: Buffer): void => {
    if (socket === this.socket) this.onData(this.decoder as FrameDecoder, chunk);
  };

  private onData(decoder: FrameDecoder, chunk: Buffer): void {
    const now = nowUs();
    const stats = this.host.stats;
    stats.recordBytes(chunk.length, now);
    const streamCheck = this.streamCheck;
    if (streamCheck?.isActive) {
      const completed = streamCheck.match(chunk);
      if (completed >= 0) {
        // A verified request's buffer is free for reuse unless node still holds a write that carries it.
        const pool = this.socket?.writableLength === 0 ? this.payloadPool : undefined;
        for (let count = 0; count < completed; count++) {
          const payload = this.outstanding.payloadAt(0) as Buffer;
          this.verifier.acceptOldest(this.outstanding, now);
          pool?.give(payload);
        }
        if (completed > 0) {
          this.backoff.succeeded();
          this.host.onReplies(now);
        }
        this.pump();
        return;
      }
      // A byte differed: the decoder takes over from the frame being received, to say what went wrong.
      decoder.push(streamCheck.handOver());
    }
    let replies: Buffer[];
    try {
      // The decoder keeps views of what it is given; the connector's shared buffer is overwritten next read.
      replies = decoder.push(this.wire.connector.reusesReadBuffer ? Buffer.from(chunk) : chunk);
    } catch (error) {
      this.fail("protocol", `bad frame from server: ${(error as Error).message}`);
      return;
    }
    for (let index = 0; index < replies.length; index++) {
      this.verifier.onReply(replies[index] as Buffer, this.outstanding, now);
    }
    // Only whole replies end the server's silence, and before the next request is claimed: the other way
    // round, a request claimed here and then dropped with its connection would never count as owed, and a
    // server gone for good would be waited for forever.
    if (replies.length > 0) {
      this.backoff.succeeded();
      this.host.onReplies(now);
    }
    this.pump();
  }

  private fail(kind: ErrorKind, detail: string): void {
    this.host.stats.recordErrorAt(
      kind,
      `connection ${this.id}: ${detail}${this.describeOldest()}`,
      nowUs(),
      this.evidence(),
    );
    this.drop();
  }

  /** Bytes read of a reply not yet complete, on the fast path or in the decoder. */
  private pendingBytes(): number {
    return (this.decoder?.partialFrameBytes ?? 0) + (this.streamCheck?.partialBytes ?? 0);
  }

  /**
   * What the oldest request expected and what came for it: a reply cut short, or else the bytes of a frame
   * that never completed (a u16-prefixed reply read as u32, an eof reply without its token), beside the
   * whole frame expected, so that the first difference falls where the framing went wrong.
   */
  private evidence(): ErrorEvidence {
    const evidence = this.verifier.headEvidence(this.outstanding);
    if (evidence.received !== undefined || this.pendingBytes() === 0) return evidence;
    const streamCheck = this.streamCheck;
    const received =
      streamCheck?.isActive === true && streamCheck.partialBytes > 0
        ? streamCheck.partialFrame().subarray(0, PARTIAL_EVIDENCE_BYTES)
        : (this.decoder as FrameDecoder).partialFrame(PARTIAL_EVIDENCE_BYTES);
    const expected =
      evidence.expected !== undefined
        ? Buffer.concat(this.wire.framing.encode(evidence.expected))
        : undefined;
    return { ...evidence, ...(expected !== undefined ? { expected } : {}), received };
  }

  /** `, oldest unanswered: request 17 (64 B payload)`, to find the request in a capture. */
  private describeOldest(): string {
    if (this.outstanding.length === 0) return "";
    const payload = this.outstanding.payloadAt(0);
    const size = payload !== undefined ? ` (${payload.length} B payload)` : "";
    return `; oldest unanswered: request ${this.outstanding.seqAt(0)}${size}`;
  }

  /** Abandons the socket and what it was waiting for (the error that caused it is counted), then reopens. */
  private drop(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.outstanding.clear();
    this.verifier.reset();
    this.streamCheck?.reset();
    // The dropped socket may still hold writes of these buffers.
    this.payloadPool?.clear();
    this.writer.discard();
    this.reopenLater();
  }

  /** Reopens after the backoff's wait (none after a first drop). */
  private reopenLater(): void {
    const delayMs = this.backoff.nextDelayMs();
    if (delayMs === 0) this.reopen();
    else this.retryTimer = setTimeout(() => this.reopen(), delayMs);
  }

  private reopen(): void {
    if (this.closed || !this.host.active) return;
    this.wire.connector.open(this.onRead).then(
      (socket) => {
        if (this.closed || !this.host.active) {
          socket.destroy();
          return;
        }
        this.attach(socket);
        this.pump();
      },
      (error: Error) => {
        if (this.closed || !this.host.active) return;
        this.host.stats.recordErrorAt("connect", error.message, nowUs());
        this.reopenLater();
      },
    );
  }
}
