// Serves one connection: decode requests, answer each through the app, frame the replies. A peer
// that breaks the framing, or stops reading, affects only its own connection.

import type { Socket } from "node:net";
import type { App } from "../apps/app.js";
import type { Framing } from "../framing/framing.js";
import { joinedForWrite } from "../framing/write-batch.js";

export interface ConnectionContext {
  framing: Framing;
  app: App;
  idleTimeoutMs: number;
  log: (line: string) => void;
}

export function describePeer(socket: Socket): string {
  return socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : "local peer";
}

/** Resolves once the connection is closed, however it ends. */
export function serveConnection(socket: Socket, context: ConnectionContext): Promise<void> {
  const { framing, app, log } = context;
  const peer = describePeer(socket);
  const decoder = framing.createDecoder();
  const fail = (reason: string) => {
    log(`${peer} closed: ${reason}`);
    socket.destroy();
  };

  socket.setNoDelay(true);
  if (context.idleTimeoutMs > 0) {
    socket.setTimeout(context.idleTimeoutMs, () => fail(`idle for ${context.idleTimeoutMs} ms`));
  }
  socket.on("data", (chunk: Buffer) => {
    let replies: Buffer[];
    try {
      replies = decoder.push(chunk).map((request) => app.respond(request));
    } catch (error) {
      fail(`protocol error: ${(error as Error).message}`);
      return;
    }
    if (replies.length === 0) return;
    const parts: Buffer[] = [];
    let byteCount = 0;
    try {
      for (const reply of replies) {
        for (const part of framing.encode(reply)) {
          parts.push(part);
          byteCount += part.length;
        }
      }
    } catch (error) {
      fail(`reply cannot be framed: ${(error as Error).message}`);
      return;
    }
    // The replies to one read leave in one write: small ones joined, large ones corked uncopied.
    const joined = joinedForWrite(parts, byteCount);
    let writable = true;
    if (joined !== undefined) {
      writable = socket.write(joined);
    } else {
      socket.cork();
      for (const part of parts) writable = socket.write(part);
      socket.uncork();
    }
    // Backpressure: a peer that does not read stops being read, so its replies cannot pile up here.
    if (!writable) {
      socket.pause();
      socket.once("drain", () => socket.resume());
    }
  });
  socket.on("end", () => {
    if (decoder.bufferedBytes > 0)
      log(`${peer} closed mid-frame with ${decoder.bufferedBytes} bytes unanswered`);
  });
  socket.on("error", (error: NodeJS.ErrnoException) => {
    log(`${peer} closed: ${error.code ?? error.message}`);
  });
  socket.resume();
  return new Promise((resolve) => socket.once("close", () => resolve()));
}
