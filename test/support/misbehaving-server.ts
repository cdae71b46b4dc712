// Small servers that misbehave on purpose, for the load driver's tests: each decodes requests with the
// project's framing and answers through a script that may drop, repeat, damage, swap, merge or split
// replies, stall, or cut the connection.

import { createServer, type Server, type Socket } from "node:net";
import type { Framing } from "../../src/framing/framing.js";

export interface ScriptContext {
  socket: Socket;
  framing: Framing;
  /** Requests seen on this connection before this one. */
  connectionIndex: number;
  /** Requests seen by the whole server before this one. */
  serverIndex: number;
}

/** Answers one request; returns the wire bytes to write (nothing: drop it). */
export type ReplyScript = (request: Buffer, context: ScriptContext) => Buffer[];

export interface TestServer {
  port: number;
  target: string;
  close(): Promise<void>;
}

export const echoFrame = (framing: Framing, payload: Buffer): Buffer[] => framing.encode(payload);

export async function startScriptedServer(framing: Framing, script: ReplyScript): Promise<TestServer> {
  const sockets = new Set<Socket>();
  let serverIndex = 0;
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    const decoder = framing.createDecoder();
    let connectionIndex = 0;
    socket.on("data", (chunk: Buffer) => {
      let requests: Buffer[];
      try {
        requests = decoder.push(chunk);
      } catch {
        socket.destroy();
        return;
      }
      for (const request of requests) {
        if (socket.destroyed || socket.writableEnded) return;
        const wire = script(request, { socket, framing, connectionIndex, serverIndex });
        connectionIndex++;
        serverIndex++;
        if (wire.length > 0 && !socket.destroyed && !socket.writableEnded) socket.write(Buffer.concat(wire));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return {
    port: address.port,
    target: `127.0.0.1:${address.port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
