// Serves an app over UDP: each datagram that arrives is one request, answered by one datagram carrying the
// app's reply, sent back to the address it came from. There are no connections, so nothing to accept, time
// out or count; a peer can only send datagrams, and a bad one costs the server one log line.

import { createSocket, type RemoteInfo } from "node:dgram";
import { lookup } from "node:dns/promises";
import { type IpFamily, maxDatagramBytes } from "../framing/datagram-limits.js";
import { formatHostPort } from "../host-port.js";
import type { RunningServer, UdpServerOptions } from "./server-options.js";
import { ServerStartError } from "./server-start-error.js";

/**
 * The receive buffer asked of the kernel (it caps it at net.core.rmem_max): the default 208 KiB holds
 * three 64 KiB datagrams, so a burst from a few pipelined clients would be dropped before it is read.
 */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

function describeSender(peer: RemoteInfo): string {
  return formatHostPort(peer.address, peer.port);
}

export async function startUdpServer(options: UdpServerOptions): Promise<RunningServer> {
  const { app, log } = options;
  const { address, family } = await lookup(options.host);
  const ipFamily = family as IpFamily;
  const replyLimitBytes = maxDatagramBytes(ipFamily);
  const socket = createSocket({ type: ipFamily === 6 ? "udp6" : "udp4" });
  socket.on("message", (request: Buffer, peer: RemoteInfo) => {
    if (request.length > options.maxRequestBytes) {
      log(
        `${describeSender(peer)}: datagram of ${request.length} bytes dropped: above max frame ${options.maxRequestBytes} bytes`,
      );
      return;
    }
    const reply = app.respond(request);
    if (reply.length > replyLimitBytes) {
      log(
        `${describeSender(peer)}: reply of ${reply.length} bytes dropped: one datagram carries at most ${replyLimitBytes} bytes over IPv${ipFamily}`,
      );
      return;
    }
    socket.send(reply, peer.port, peer.address, (error) => {
      if (error)
        log(
          `${describeSender(peer)}: reply not sent: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) => {
      socket.close();
      reject(
        error.code === "EADDRINUSE"
          ? new ServerStartError(
              `UDP port ${options.port} on ${options.host} is taken: pick another with --port (0 picks a free one)`,
            )
          : error,
      );
    };
    socket.once("error", refuse);
    socket.bind(options.port, address, () => {
      socket.off("error", refuse);
      resolve();
    });
  });
  // A port-unreachable notice for a reply whose client has gone: that client's affair, the server goes on.
  socket.on("error", (error: NodeJS.ErrnoException) => log(`socket error: ${error.code ?? error.message}`));
  socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
  const bound = socket.address();
  let markFinished: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve;
  });
  let closing: Promise<void> | undefined;
  return {
    host: bound.address,
    port: bound.port,
    target: formatHostPort(bound.address, bound.port),
    finished,
    close() {
      closing ??= new Promise<void>((resolve) => socket.close(() => resolve())).then(markFinished);
      return closing;
    },
  };
}
