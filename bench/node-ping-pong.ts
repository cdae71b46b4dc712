// `node dist/bench/node-ping-pong.js PORT SECONDS`: the least a Node.js client does for one round trip,
// as the runtime's own floor beside sockperf's in bench/latency-floor.sh. One connection to
// bench/echo-server.c (length framing), one 64-byte message at a time, read into one reused buffer
// (node's onread, as sockbench's driver reads); nothing verified, nothing recorded but the round trip.
// Prints the median round trip in microseconds, the first half second left out as warm-up.

import { connect } from "node:net";

const PAYLOAD_BYTES = 64;
const WARMUP_MS = 500;

function main(): void {
  const port = Number(process.argv[2]);
  const seconds = Number(process.argv[3] ?? "3");
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !(seconds > 0)) {
    console.error("usage: node dist/bench/node-ping-pong.js PORT [SECONDS]  (PORT 1-65535, SECONDS above 0)");
    process.exit(2);
  }
  const frame = Buffer.alloc(4 + PAYLOAD_BYTES, 0x61);
  frame.writeUInt32BE(PAYLOAD_BYTES, 0);
  const startedMs = performance.now();
  const endMs = startedMs + WARMUP_MS + seconds * 1000;
  const roundTripsUs: number[] = [];
  let sentMs = 0;
  let received = 0;
  const socket = connect({
    host: "127.0.0.1",
    port,
    noDelay: true,
    onread: {
      buffer: Buffer.allocUnsafe(64 * 1024),
      callback: (byteCount: number) => {
        received += byteCount;
        if (received < frame.length) return true;
        received = 0;
        const nowMs = performance.now();
        if (nowMs - startedMs >= WARMUP_MS) roundTripsUs.push((nowMs - sentMs) * 1000);
        if (nowMs >= endMs) {
          socket.destroy();
          roundTripsUs.sort((a, b) => a - b);
          console.log((roundTripsUs[roundTripsUs.length >> 1] ?? Number.NaN).toFixed(1));
          return false;
        }
        sentMs = performance.now();
        socket.write(frame);
        return true;
      },
    },
  });
  socket.on("connect", () => {
    sentMs = performance.now();
    socket.write(frame);
  });
  socket.on("error", (error) => {
    console.error(`node-ping-pong: ${error.message}`);
    process.exit(1);
  });
}

main();
