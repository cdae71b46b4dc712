// The plain node:http echo server that bench/http-compare.sh loads with sockbench, autocannon and wrk:
// a POST body comes back as the response body, on keep-alive connections; nothing of sockbench's own.
// Prints `listening on HOST:PORT` once ready, like sockbench's servers, and stops on SIGTERM or SIGINT.

import { createServer } from "node:http";

const port = Number(process.argv[2] ?? 0);
const server = createServer({ noDelay: true, keepAliveTimeout: 60_000 }, (request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length });
    response.end(body);
  });
});
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(`listening on 127.0.0.1:${address.port}\n`);
});
const stop = () => server.close();
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
