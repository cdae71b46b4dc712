// One lane of a TCP load run, a framed connection (plain TCP, TLS or a Unix socket): writes its requests
// pipelined, a tick's worth in one write, and matches the replies in order, straight off the stream while
// echo replies equal the requests, else through the framing's decoder and the reply verifier. What every
// stream lane does (admitting requests, timeouts, drops and reconnects) is StreamLane's.

import type { Socket } from "node:net";
import type { FrameDecoder } from "../../../framing/frame-decoder.js";
import type { Framing } from "../../../framing/framing.js";
import { nowUs } from "../core/load-clock.js";
import type { ResolvedTcpLoadConfig } from "../core/load-config.js";
import type { LaneHost } from "../core/load-lane.js";
import { StreamLane, type StreamWire, unanswered } from "../core/stream-lane.js";
import { EchoStreamCheck } from "../verification/echo-stream-check.js";
import type { ErrorEvidence } from "../verification/error-evidence.js";
import { PayloadPool } from "../verification/payload-pool.js";
import { ReplyVerifier } from "../verification/reply-verifier.js";
import { BatchWriter } from "./batch-writer.js";

/** What the lanes of a TCP run share: the framings, the payloads and the way to the target. */
export interface TcpWire extends StreamWire {
  readonly config: ResolvedTcpLoadConfig;
  /** How requests are framed. */
  readonly framing: Framing;
  /** How replies are cut: `framing` itself unless the run gave a reply framing of its own. */
  readonly replyFraming: Framing;
}

/**
 * Bytes of an unfinished reply kept as evidence: enough to see its framing (a u16 prefix, a missing
 * token), bounded so that a timeout of many connections does not copy megabytes each.
 */
const PARTIAL_EVIDENCE_BYTES = 64 * 1024;

export class TcpLane extends StreamLane<TcpWire> {
  private decoder: FrameDecoder | undefined;
  private readonly verifier: ReplyVerifier;
  private readonly checksReplies: boolean;
  /** --verify echo, self-delimiting framings: replies checked straight off the stream until one differs. */
  private readonly streamCheck: EchoStreamCheck | undefined;
  /** Fast path with echo payloads made here: the buffers of verified requests, for the next ones. */
  private readonly payloadPool: PayloadPool | undefined;
  private readonly writer: BatchWriter;

  constructor(id: number, host: LaneHost, wire: TcpWire) {
    super(id, host, wire);
    this.checksReplies = wire.source.checksReplies;
    this.verifier = new ReplyVerifier(id, host.expectation, wire.source.codec, host.stats);
    // The fast path compares the reply stream with the request stream: for echo only, framed alike.
    const echoes =
      host.config.verify === "echo" &&
      host.config.expectModule === undefined &&
      wire.replyFraming === wire.framing;
    this.streamCheck = echoes && wire.framing.selfDelimiting ? new EchoStreamCheck() : undefined;
    this.payloadPool =
      this.streamCheck !== undefined && wire.source.makesEchoPayloads
        ? new PayloadPool(host.config.pipelining)
        : undefined;
    this.writer = new BatchWriter(wire.config.splitPieces);
  }

  /** Counts the skipped requests that waited too long as lost, and times out the connection's oldest. */
  override checkTimeout(now: number, timeoutUs: number): void {
    this.verifier.sweepMissing(now, timeoutUs);
    super.checkTimeout(now, timeoutUs);
  }

  /** Ends the connection for good: skipped requests still missing are lost; what is outstanding is the caller's. */
  override close(): Promise<void> {
    this.verifier.finish();
    this.writer.discard();
    return super.close();
  }

  protected issue(_socket: Socket, intendedUs: number, now: number, sizeBytes: number): void {
    const seq = this.takeSequence();
    const source = this.wire.source;
    if (this.checksReplies) {
      const payload = source.requestPayload(this.id, seq, sizeBytes, this.payloadPool?.take(sizeBytes));
      const frame = this.wire.framing.encode(payload);
      this.writer.add(frame);
      let frameBytes = 0;
      for (let index = 0; index < frame.length; index++) frameBytes += (frame[index] as Buffer).length;
      this.streamCheck?.addFrame(frameBytes);
      this.outstanding.push(seq, intendedUs, now, source.replyCheckOf(payload, seq));
    } else {
      this.writer.add(source.constantFrame(sizeBytes));
      this.outstanding.push(seq, intendedUs, now, undefined);
    }
  }

  /** A turn's requests leave in one write. */
  protected override flush(socket: Socket): void {
    if (this.writer.isEmpty) return;
    const written = this.writer.flush(socket);
    this.streamCheck?.addWritten(written);
  }

  protected attached(socket: Socket): void {
    // The connector turns Nagle's algorithm off; --nagle turns it back on.
    if (this.wire.config.nagle) socket.setNoDelay(false);
    this.decoder = this.wire.replyFraming.createDecoder();
  }

  /**
   * Closed or reset by the server before a byte of reply: what a server refusing at accept does. The
   * lane stops listening to a socket once it ends or fails, so each is counted once.
   */
  protected override lost(socket: Socket): void {
    if (socket.bytesRead === 0) this.host.stats.closedBeforeReply++;
  }

  protected endedMidReply(): string | undefined {
    const partialBytes = this.pendingBytes();
    return partialBytes > 0 ? `server closed mid-frame, ${partialBytes} bytes into a reply` : undefined;
  }

  protected timeoutDetail(): string {
    const pending = this.pendingBytes();
    const came =
      pending > 0 ? `; ${pending} byte${pending === 1 ? "" : "s"} came that never completed a frame` : "";
    return `connection ${this.id} request ${this.outstanding.seqAt(0)}: no reply within ${this.host.config.timeoutMs} ms (${unanswered(this.outstanding.length)})${came}`;
  }

  protected failureDetail(detail: string): string {
    return `connection ${this.id}: ${detail}${this.describeOldest()}`;
  }

  protected forgetConnection(): void {
    this.verifier.reset();
    this.streamCheck?.reset();
    // The dropped socket may still hold writes of these buffers.
    this.payloadPool?.clear();
    this.writer.discard();
  }

  protected onData(chunk: Buffer): void {
    const decoder = this.decoder as FrameDecoder;
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

  /** Bytes read of a reply not yet complete, on the fast path or in the decoder. */
  private pendingBytes(): number {
    return (this.decoder?.partialFrameBytes ?? 0) + (this.streamCheck?.partialBytes ?? 0);
  }

  /**
   * What the oldest request expected and what came for it: a reply cut short, or else the bytes of a frame
   * that never completed (a u16-prefixed reply read as u32, an eof reply without its token), beside the
   * whole frame expected, so that the first difference falls where the framing went wrong.
   */
  protected override evidence(): ErrorEvidence {
    const evidence = this.verifier.headEvidence(this.outstanding);
    if (evidence.received !== undefined || this.pendingBytes() === 0) return evidence;
    const streamCheck = this.streamCheck;
    const received =
      streamCheck?.isActive === true && streamCheck.partialBytes > 0
        ? streamCheck.partialFrame().subarray(0, PARTIAL_EVIDENCE_BYTES)
        : (this.decoder as FrameDecoder).partialFrame(PARTIAL_EVIDENCE_BYTES);
    const expected = evidence.expected !== undefined ? this.framedReply(evidence.expected) : undefined;
    return { ...evidence, ...(expected !== undefined ? { expected } : {}), received };
  }

  /** The reply expected as a frame; as it is when the reply framing cannot encode it (a decoder-only module's). */
  private framedReply(payload: Buffer): Buffer {
    try {
      return Buffer.concat(this.wire.replyFraming.encode(payload));
    } catch {
      return payload;
    }
  }

  /** `, oldest unanswered: request 17 (64 B payload)`, to find the request in a capture. */
  private describeOldest(): string {
    if (this.outstanding.length === 0) return "";
    const payload = this.outstanding.payloadAt(0);
    const size = payload !== undefined ? ` (${payload.length} B payload)` : "";
    return `; oldest unanswered: request ${this.outstanding.seqAt(0)}${size}`;
  }
}
