// A test client on one connection: each request waits for its reply, read with the project's framing.

import { connect, type Socket } from "node:net";
import type { Framing } from "../../src/framing/framing.js";

export interface FramedClient {
  /** Sends one message and resolves with its reply; rejects when none comes within `timeoutMs`. */
  request(payload: Buffer, timeoutMs: number): Promise<Buffer>;
  close(): void;
}

export async function openFramedClient(
  port: number,
  framing: Framing,
  host = "127.0.0.1",
): Promise<FramedClient> {
  const socket: Socket = connect({ host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const decoder = framing.createDecoder();
  const replies: Buffer[] = [];
  let wake: (() => void) | undefined;
  let closedReason: string | undefined;
  socket.on("data", (chunk: Buffer) => {
    replies.push(...decoder.push(chunk));
    wake?.();
  });
  socket.on("error", (error) => {
    closedReason = error.message;
  });
  socket.on("close", () => {
    closedReason ??= "the server closed the connection";
    wake?.();
  });
  return {
    async request(payload, timeoutMs) {
      socket.cork();
      for (const buffer of framing.encode(payload)) socket.write(buffer);
      socket.uncork();
      return await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => {
          wake = undefined;
          reject(new Error(`no reply within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          const reply = replies.shift();
          if (reply === undefined && closedReason === undefined) return;
          clearTimeout(timer);
          wake = undefined;
          if (reply === undefined) reject(new Error(`no reply: ${closedReason}`));
          else resolve(reply);
        };
        wake = check;
        check();
      });
    },
    close: () => socket.destroy(),
  };
}
