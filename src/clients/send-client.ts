// The lab's client, generalised: sends each message in turn and waits for its reply before the next.

import { connect, type Socket } from "node:net";
import { registerErrorClass, SockbenchError } from "../errors.js";
import type { Framing } from "../framing/framing.js";
import { formatHostPort } from "../host-port.js";

export interface SendOptions {
  host: string;
  port: number;
  framing: Framing;
  /** How replies are cut, when not as requests are (default: `framing`). */
  replyFraming?: Framing;
  /** How long to wait for the connection and for each reply. */
  timeoutMs: number;
}

export class SendError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_SEND";
}
registerErrorClass(SendError);

function openSocket(options: SendOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port, timeout: options.timeoutMs });
    const onError = (error: Error) => {
      socket.destroy();
      reject(
        new SendError(`cannot connect to ${formatHostPort(options.host, options.port)}: ${error.message}`),
      );
    };
    socket.once("error", onError);
    socket.once("timeout", () => onError(new Error(`no answer within ${options.timeoutMs} ms`)));
    socket.once("connect", () => {
      socket.off("error", onError);
      socket.setTimeout(0);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** Sends `messages` one at a time; calls `onReply` with each reply as it arrives. */
export async function sendMessages(
  messages: Buffer[],
  options: SendOptions,
  onReply: (reply: Buffer) => void,
): Promise<void> {
  // Encode everything first: a message the framing cannot carry is refused before anything is sent.
  const encoded = messages.map((message) => options.framing.encode(message));
  const socket = await openSocket(options);
  const decoder = (options.replyFraming ?? options.framing).createDecoder();
  const replies: Buffer[] = [];
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  let ended = false;

  socket.on("data", (chunk: Buffer) => {
    try {
      replies.push(...decoder.push(chunk));
    } catch (error) {
      failure = new SendError(`bad reply: ${(error as Error).message}`);
    }
    wake?.();
  });
  socket.on("error", (error) => {
    failure = new SendError(`connection failed: ${error.message}`);
    wake?.();
  });
  socket.on("end", () => {
    ended = true;
    wake?.();
  });

  try {
    for (const buffers of encoded) {
      socket.cork();
      for (const buffer of buffers) socket.write(buffer);
      socket.uncork();
      const reply = await new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new SendError(`no reply within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
        const check = () => {
          const next = replies.shift();
          const error =
            failure ??
            (ended && next === undefined ? new SendError("server closed before replying") : undefined);
          if (next === undefined && error === undefined) return;
          clearTimeout(timer);
          wake = undefined;
          if (next !== undefined) resolve(next);
          else reject(error);
        };
        wake = check;
        check();
      });
      onReply(reply);
    }
  } finally {
    socket.end();
    socket.destroy();
  }
}
