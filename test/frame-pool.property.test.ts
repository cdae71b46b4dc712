// The pool of frame buffers a server's decoders copy large frames into: a buffer comes back only after
// the pool handed it out and the caller released it, once, at the size asked, within the pool's bytes;
// and a decoder given the pool still cuts every frame right, with released buffers reused.

import { once } from "node:events";
import { connect } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FramePool, MIN_POOLED_FRAME_BYTES } from "../src/framing/frame-pool.js";
import { createFraming } from "../src/framing/registry.js";
import { chunk, chunkingArbitrary, encodeAll } from "./support/chunking.js";
import { startTestServer, waitFor } from "./support/servers.js";

const SIZES = [MIN_POOLED_FRAME_BYTES - 1, MIN_POOLED_FRAME_BYTES, 20_000, 65_536];

describe("FramePool", () => {
  it("hands a released buffer out again at its size, ignores what it did not hand out, and keeps at most its bytes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.array(
          fc.record({
            op: fc.constantFrom("allocate", "release", "release-foreign", "release-twice"),
            size: fc.constantFrom(...SIZES),
          }),
          { maxLength: 120 },
        ),
        (maxKeptBytes, steps) => {
          const pool = new FramePool(maxKeptBytes);
          const outstanding: Buffer[] = [];
          const released = new Set<Buffer>();
          for (const step of steps) {
            if (step.op === "allocate") {
              const buffer = pool.allocate(step.size);
              expect(buffer.length).toBe(step.size);
              // Only a released buffer can come back; a small one never does (node's shared slab).
              if (released.has(buffer)) {
                expect(step.size).toBeGreaterThanOrEqual(MIN_POOLED_FRAME_BYTES);
                released.delete(buffer);
              }
              expect(outstanding).not.toContain(buffer);
              outstanding.push(buffer);
            } else if (step.op === "release-foreign") {
              const before = pool.heldBytes;
              pool.release(Buffer.alloc(step.size));
              expect(pool.heldBytes).toBe(before);
            } else {
              const buffer = outstanding.shift();
              if (buffer === undefined) continue;
              pool.release(buffer);
              if (pool.heldBytes > 0 || buffer.length >= MIN_POOLED_FRAME_BYTES) released.add(buffer);
              if (step.op === "release-twice") {
                const before = pool.heldBytes;
                pool.release(buffer);
                expect(pool.heldBytes).toBe(before);
              }
            }
            expect(pool.heldBytes).toBeLessThanOrEqual(maxKeptBytes);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("lets a decoder cut every frame right while its large frames' buffers go round", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 30_000 }), { minLength: 1, maxLength: 12 }),
        chunkingArbitrary,
        (sizes, chunking) => {
          const framing = createFraming("length");
          const pool = new FramePool(1024 * 1024);
          const messages = sizes.map((size, index) => Buffer.alloc(size, index % 251));
          const decoder = framing.createDecoder(pool);
          const decoded: string[] = [];
          for (const piece of chunk(encodeAll(framing, messages), chunking)) {
            for (const frame of decoder.push(piece)) {
              decoded.push(frame.toString("hex"));
              // Released as a server does once the reply is written: the next frame may reuse it.
              pool.release(frame);
            }
          }
          expect(decoded).toEqual(messages.map((message) => message.toString("hex")));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the concurrent server's frame pool", () => {
  it("reuses a frame's buffer only once its echo has left: a client that reads late gets every reply intact", async () => {
    const framing = createFraming("length");
    const server = await startTestServer("concurrent", { framing });
    try {
      // 48 distinct frames of 100,000 bytes (each copied together from several reads), written at once to
      // a client that reads nothing for a while: the server's replies back up, so some are still being
      // written while later frames are decoded into pooled buffers.
      const requests = Array.from({ length: 48 }, (_, index) => Buffer.alloc(100_000, index + 1));
      const socket = connect({ host: server.host, port: server.port });
      await once(socket, "connect");
      socket.pause();
      for (const request of requests) for (const part of framing.encode(request)) socket.write(part);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const decoder = framing.createDecoder();
      const replies: Buffer[] = [];
      socket.on("data", (piece: Buffer) => replies.push(...decoder.push(piece)));
      socket.resume();
      await waitFor(() => replies.length === requests.length, 10_000);
      socket.destroy();
      replies.forEach((reply, index) => {
        expect(reply.equals(requests[index] as Buffer), `reply ${index}`).toBe(true);
      });
    } finally {
      await server.close();
    }
  });
});
