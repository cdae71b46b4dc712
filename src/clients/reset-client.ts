// A client that leaves the way a crashed or impatient peer does: it writes some bytes, waits for what the
// caller asks (a moment mid-request, or the first bytes of a reply), then resets the connection (RST, not
// FIN). check's reset probes use it to ask whether a server outlives such a client.

import { connect, type Socket } from "node:net";
import { formatHostPort } from "../host-port.js";

export interface ResetClientOptions {
  host: string;
  port: number;
  /** Written as soon as the connection is open. */
  bytes: Buffer;
  /** Reset this long after the bytes were handed to the kernel (mid-request), or ... */
  resetAfterMs: number;
  /** ... wait for the first reply byte, stop reading, and reset this long after it (mid-reply). */
  afterFirstReply?: boolean;
  /** Give up waiting (connect, first reply) after this long. */
  timeoutMs: number;
}

export interface ResetClientOutcome {
  /** Reply bytes read before the reset. */
  replyBytes: number;
  /** Bytes the kernel had taken from this client when it reset. */
  writtenBytes: number;
  /** Set when the client could not do its part (no connection, no reply in time). */
  problem?: string;
}

export function runResetClient(options: ResetClientOptions): Promise<ResetClientOutcome> {
  return new Promise((resolve) => {
    const address = formatHostPort(options.host, options.port);
    const socket: Socket = connect({ host: options.host, port: options.port });
    let replyBytes = 0;
    let settled = false;
    const finish = (problem?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      const writtenBytes = socket.bytesWritten - socket.writableLength;
      if (!socket.destroyed) socket.resetAndDestroy();
      resolve({ replyBytes, writtenBytes, ...(problem !== undefined ? { problem } : {}) });
    };
    const deadline = setTimeout(
      () =>
        finish(
          options.afterFirstReply
            ? `no reply within ${options.timeoutMs} ms`
            : `no connection within ${options.timeoutMs} ms`,
        ),
      options.timeoutMs,
    );
    socket.on("error", (error) => finish(`cannot talk to ${address}: ${error.message}`));
    socket.on("close", () => finish(replyBytes > 0 ? undefined : `${address} closed the connection first`));
    socket.on("data", (chunk: Buffer) => {
      replyBytes += chunk.length;
      if (!options.afterFirstReply || replyBytes !== chunk.length) return;
      // Stop reading so that the server's writes back up and it is still sending when the reset lands.
      socket.pause();
      setTimeout(() => finish(), options.resetAfterMs);
    });
    socket.once("connect", () => {
      socket.setNoDelay(true);
      socket.write(options.bytes);
      if (!options.afterFirstReply) setTimeout(() => finish(), options.resetAfterMs);
    });
  });
}
