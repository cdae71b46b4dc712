// Serves one connection: decodes requests with the framing, answers each with the app, and keeps
// its peer within the server's guards (idle timeout, frame deadline, receive rate, buffer budget). A
// misbehaving peer only ever closes its own connection.

import type { Socket } from "node:net";
import type { App } from "../apps/app.js";
import type { Framing } from "../framing/framing.js";
import { encodeForWrite } from "../framing/write-batch.js";
import type { ConnectionGuards } from "./connection-guards.js";
import { FairShare } from "./fair-share.js";

export interface ConnectionContext {
  framing: Framing;
  app: App;
  idleTimeoutMs: number;
}

export function describePeer(socket: Socket): string {
  return socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : "local peer";
}

/** Resolves once the connection is closed, however it ends. */
export function serveConnection(
  socket: Socket,
  context: ConnectionContext,
  guards: ConnectionGuards,
): Promise<void> {
  const { framing, app } = context;
  const peer = describePeer(socket);
  const decoder = framing.createDecoder(guards.framePool);
  const fail = (reason: string, detail: string) => {
    guards.log.note(reason, `${peer} closed: ${detail}`);
    socket.destroy();
  };
  const clock = guards.frames.track(fail);
  // Reading stops while replies wait for a peer that does not read them, and while the server's
  // buffer budget is spent and this connection holds more than its allowance; it goes on when neither.
  let waitingForDrain = false;
  const readIfFree = () => {
    if (waitingForDrain || holder.waiting || fairShare.yielding || socket.destroyed) return;
    socket.resume();
    clock.suspend(false);
  };
  const holder = guards.budget.holder(readIfFree);
  const fairShare = new FairShare();

  socket.setNoDelay(true);
  if (context.idleTimeoutMs > 0) {
    socket.setTimeout(context.idleTimeoutMs, () =>
      fail("idle-timeout", `idle for ${context.idleTimeoutMs} ms`),
    );
  }
  socket.on("data", (chunk: Buffer) => {
    let requests: Buffer[];
    let replies: Buffer[];
    try {
      requests = decoder.push(chunk);
      replies = requests.map((request) => app.respond(request));
    } catch (error) {
      fail("protocol-error", `protocol error: ${(error as Error).message}`);
      return;
    }
    clock.received(chunk.length, decoder.bufferedBytes > 0);
    if (replies.length > 0 && !writeReplies(replies)) return;
    // Everything written has reached the kernel: no reply (echo's is its request) is read any more.
    if (socket.writableLength === 0) for (const request of requests) guards.framePool.release(request);
    if (holder.hold(decoder.bufferedBytes + socket.writableLength) && !waitingForDrain) {
      guards.log.note(
        "buffer-budget",
        `${peer} paused: ${guards.budget.totalBytes} bytes held for all connections, over --max-buffered ${guards.budget.maxBytes}; read again when there is room`,
      );
      socket.pause();
      clock.suspend(true);
      return;
    }
    // Yielding for the rest of this turn is too short to matter to the frame clock.
    if (fairShare.spend(chunk.length, readIfFree)) socket.pause();
  });
  /** Writes the replies to one read in one write; false when the connection was closed instead. */
  const writeReplies = (replies: Buffer[]): boolean => {
    let encoded: Buffer | Buffer[];
    try {
      encoded = encodeForWrite(framing, replies);
    } catch (error) {
      fail("reply-unframeable", `reply cannot be framed: ${(error as Error).message}`);
      return false;
    }
    // Small replies joined, large ones corked uncopied.
    let writable = true;
    if (Buffer.isBuffer(encoded)) {
      writable = socket.write(encoded);
    } else {
      socket.cork();
      for (const part of encoded) writable = socket.write(part);
      socket.uncork();
    }
    // Backpressure: a peer that does not read stops being read, so its replies cannot pile up here.
    if (!writable && !waitingForDrain) {
      waitingForDrain = true;
      socket.pause();
      clock.suspend(true);
      socket.once("drain", () => {
        waitingForDrain = false;
        holder.hold(decoder.bufferedBytes);
        readIfFree();
      });
    }
    return true;
  };
  socket.on("end", () => {
    if (decoder.bufferedBytes > 0) {
      guards.log.note(
        "end-mid-frame",
        `${peer} closed mid-frame with ${decoder.bufferedBytes} bytes unanswered`,
      );
    }
  });
  socket.on("error", (error: NodeJS.ErrnoException) => {
    const code = error.code ?? error.message;
    guards.log.note(`error ${code}`, `${peer} closed: ${code}`);
  });
  socket.once("close", () => {
    clock.stop();
    holder.release();
  });
  socket.resume();
  return new Promise((resolve) => socket.once("close", () => resolve()));
}
