// A length-framed echo server that spends a known amount of CPU on every message before it replies:
// bench/ab-procedure.sh runs it as A (no extra work) and as B (some), to show which slowdowns
// `sockbench ab` detects. Prints `listening on HOST:PORT` once ready; stops on SIGTERM or SIGINT.
//
//   node dist/bench/extra-work-server.js PORT WORK_US

import { createServer, type Socket } from "node:net";

const port = Number(process.argv[2] ?? 0);
const workNs = BigInt(Math.round(Number(process.argv[3] ?? 0) * 1000));

/** Spins for `workNs`: CPU time, as a costlier parser or handler would spend it. */
function work(): void {
  if (workNs === 0n) return;
  const until = process.hrtime.bigint() + workNs;
  while (process.hrtime.bigint() < until) {
    // busy on purpose
  }
}

function serve(socket: Socket): void {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    const replies: Buffer[] = [];
    while (pending.length >= 4) {
      const frameBytes = 4 + pending.readUInt32BE(0);
      if (pending.length < frameBytes) break;
      work();
      replies.push(pending.subarray(0, frameBytes));
      pending = pending.subarray(frameBytes);
    }
    if (replies.length > 0)
      socket.write(replies.length === 1 ? (replies[0] as Buffer) : Buffer.concat(replies));
  });
  socket.on("error", () => socket.destroy());
}

const server = createServer(serve);
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  process.stdout.write(`listening on 127.0.0.1:${address.port}\n`);
});
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => process.exit(0));
