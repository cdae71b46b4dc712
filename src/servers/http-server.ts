// Serves an app over HTTP/1.1 with node:http: each POST body is one message and the response body is its
// reply. Keep-alive and pipelining are node:http's; the limits are the TCP servers' (body size, idle, count).

import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { App } from "../apps/app.js";
import { RateLimitedLog } from "../rate-limited-log.js";
import { DEFAULT_FRAME_TIMEOUT_MS } from "./connection-guards.js";
import { describePeer } from "./serve-connection.js";
import type { HttpServerOptions, RunningServer } from "./server-options.js";
import { listen } from "./tcp-listener.js";

const ERROR_STATUS_BY_CODE: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

export function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const server = createServer({ noDelay: true }, (request, response) => answer(request, response, options));
  // Idle means silent, during a request (timeout) or between keep-alive requests (keepAliveTimeout, to
  // which recent node versions add a keepAliveTimeoutBuffer of grace, hence the socket's own figure in the
  // log). A request is a frame: requestTimeout is the frame deadline, and the headers get no longer.
  // node:http has no minimum receive rate; its deadlines bound a slow but busy peer.
  server.timeout = options.idleTimeoutMs;
  server.keepAliveTimeout = options.idleTimeoutMs;
  const frameTimeoutMs = options.frameTimeoutMs ?? DEFAULT_FRAME_TIMEOUT_MS;
  server.requestTimeout = frameTimeoutMs;
  if (frameTimeoutMs > 0) server.headersTimeout = frameTimeoutMs;
  const log = new RateLimitedLog(options.log);
  server.on("close", () => log.flush());
  server.on("timeout", (socket: Socket) => {
    log.note(
      "idle-timeout",
      `${describePeer(socket)} closed: idle for ${socket.timeout ?? options.idleTimeoutMs} ms`,
    );
    socket.destroy();
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    const code = error.code ?? error.message;
    log.note(`bad-request ${code}`, `${describePeer(socket)} closed: bad HTTP request: ${code}`);
    if (error.code === "ECONNRESET" || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = ERROR_STATUS_BY_CODE[error.code ?? ""] ?? 400;
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
    );
  });
  // node:http accepts and serves its own sockets; listen() adds the shared binding, limits and close().
  return listen(options, () => {}, server);
}

function answer(request: IncomingMessage, response: ServerResponse, options: HttpServerOptions): void {
  if (request.method !== "POST") {
    replyWithText(response, 405, `method ${request.method} not allowed: POST the message as the body`, {
      allow: "POST",
    });
    return;
  }
  const tooLarge = () =>
    // Closing is the only way to stop a client that is still sending the rest of an oversized body.
    replyWithText(response, 413, `body larger than max frame ${options.maxBodyBytes} bytes`, {
      connection: "close",
    });
  if (Number(request.headers["content-length"] ?? 0) > options.maxBodyBytes) {
    tooLarge();
    return;
  }
  const chunks: Buffer[] = [];
  let bodyBytes = 0;
  request.on("data", (chunk: Buffer) => {
    if (response.headersSent) return;
    bodyBytes += chunk.length;
    if (bodyBytes > options.maxBodyBytes) tooLarge();
    else chunks.push(chunk);
  });
  request.on("end", () => {
    if (response.headersSent) return;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bodyBytes);
    respondWithApp(response, options.app, body);
  });
}

function respondWithApp(response: ServerResponse, app: App, body: Buffer): void {
  const replyBody = app.respond(body);
  response.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": replyBody.length,
  });
  response.end(replyBody);
}

function replyWithText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  const body = Buffer.from(`${text}\n`);
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": body.length,
    ...headers,
  });
  response.end(body);
}
