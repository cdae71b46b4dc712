// A client that leaves the way a crashed or impatient peer does: it writes some bytes, waits for what the
// caller asks (a moment mid-request, or the server blocked writing replies it never reads), then resets
// the connection (RST, not FIN). check's reset probes use it to ask whether a server outlives such a client.

import { connect, type Socket } from "node:net";
import { formatHostPort } from "../host-port.js";
import { readConnectionQueues } from "../platform/connection-queues.js";

export interface ResetClientOptions {
  host: string;
  port: number;
  /** Written as soon as the connection is open. */
  bytes: Buffer;
  /**
   * How many times `bytes` is written back to back (default 1): tens of MiB of one frame over and over
   * cost neither the memory nor the time of building them, which would stall every other client.
   */
  copies?: number;
  /** Mid-request: reset this long after the bytes were handed to the kernel. */
  resetAfterMs: number;
  /**
   * Mid-reply: read nothing, and reset once the server has stopped taking the bytes (its replies, never
   * read, have filled the socket buffers, so it is blocked writing), or resetAfterMs after it took them all.
   */
  whileServerWrites?: boolean;
  /** Give up waiting (connect) after this long. */
  timeoutMs: number;
}

/** How often the mid-reply client looks at its writes, and how long they must stand still to call the server blocked. */
const STALL_POLL_MS = 20;
const STALL_MS = 150;

export interface ResetClientOutcome {
  /** Bytes the kernel had taken from this client when it reset. */
  writtenBytes: number;
  /** Whether the connection opened at all. */
  connected: boolean;
  /** Mid-reply: whether the server had stopped taking bytes (blocked writing its replies) at the reset. */
  serverBlocked: boolean;
  /** Set when the client could not do its part (no connection, no reply in time). */
  problem?: string;
}

export function runResetClient(options: ResetClientOptions): Promise<ResetClientOutcome> {
  return new Promise((resolve) => {
    const address = formatHostPort(options.host, options.port);
    const socket: Socket = connect({ host: options.host, port: options.port });
    let settled = false;
    let connected = false;
    let serverBlocked = false;
    let poll: NodeJS.Timeout | undefined;
    const accepted = () => socket.bytesWritten - socket.writableLength;
    const finish = (problem?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearInterval(poll);
      const writtenBytes = accepted();
      if (!socket.destroyed) socket.resetAndDestroy();
      resolve({ writtenBytes, connected, serverBlocked, ...(problem !== undefined ? { problem } : {}) });
    };
    const deadline = setTimeout(
      () => finish(`no connection within ${options.timeoutMs} ms`),
      options.timeoutMs,
    );
    socket.on("error", (error) => finish(`cannot talk to ${address}: ${error.message}`));
    socket.on("close", () => finish(`${address} closed the connection first`));
    socket.once("connect", () => {
      connected = true;
      clearTimeout(deadline);
      socket.setNoDelay(true);
      if (!options.whileServerWrites) {
        socket.write(options.bytes);
        setTimeout(() => finish(), options.resetAfterMs);
        return;
      }
      // Nothing is read: the server's replies back up until it blocks writing, and then stops reading.
      socket.pause();
      // One write at a time, the next once the kernel has taken the last: a write's callback is the only
      // sign Node gives that the kernel took its bytes. Writes queued together go out as one writev whose
      // callback comes only when all of it is taken, so the progress seen stood still however fast the
      // server read, and the reset came while it was still reading, not blocked writing.
      let left = options.copies ?? 1;
      let progressAtMs = Date.now();
      let drainedAtMs: number | undefined;
      const writeNext = () => {
        progressAtMs = Date.now();
        if (left === 0) {
          drainedAtMs = progressAtMs;
          return;
        }
        left--;
        socket.write(options.bytes, (error) => {
          if (error === undefined || error === null) writeNext();
        });
      };
      writeNext();
      // Where /proc shows the connection, the bytes the server has not acknowledged tell more: they change
      // whenever it reads, while a write's callback waits until a third of the send buffer is free again
      // (megabytes, which a slow server on a busy machine may take longer than STALL_MS to read).
      let unacknowledged: number | undefined;
      let reading = false;
      poll = setInterval(() => {
        const now = Date.now();
        if (drainedAtMs !== undefined) {
          if (now - drainedAtMs >= options.resetAfterMs) finish();
          return;
        }
        if (now - progressAtMs >= STALL_MS) {
          serverBlocked = true;
          finish();
          return;
        }
        if (reading || socket.localPort === undefined || socket.remotePort === undefined) return;
        reading = true;
        void readConnectionQueues(socket.localPort, socket.remotePort).then((queues) => {
          reading = false;
          if (queues === undefined || queues.unacknowledgedBytes === unacknowledged) return;
          unacknowledged = queues.unacknowledgedBytes;
          progressAtMs = Date.now();
        });
      }, STALL_POLL_MS);
    });
  });
}
