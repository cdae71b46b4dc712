// Random bytes, cut at random points, into each framing's concurrent server: the server never crashes,
// and a well-behaved client on another connection is answered after every run.

import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Framing } from "../src/framing/framing.js";
import { createFraming } from "../src/framing/registry.js";
import { cutAt } from "./support/chunking.js";
import { openFramedClient } from "./support/framed-client.js";
import { startTestServer, type TestServer } from "./support/servers.js";

const FRAMINGS: Framing[] = [
  createFraming("eof"),
  createFraming("length", { maxFrameBytes: 64 * 1024 }),
  createFraming("fixed", { recordSize: 64 }),
  createFraming("naive"),
];

/** Writes `chunks` one per turn of the event loop, then ends, resets or leaves the connection. */
function sendHostile(port: number, chunks: Buffer[], ending: "end" | "reset" | "leave"): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.on("error", () => {});
    socket.on("data", () => {});
    socket.once("close", () => resolve());
    socket.once("connect", async () => {
      for (const chunk of chunks) {
        if (socket.destroyed) return;
        socket.write(chunk);
        await new Promise((next) => setImmediate(next));
      }
      if (ending === "end") socket.end();
      else if (ending === "reset") socket.resetAndDestroy();
      else socket.destroy();
    });
  });
}

describe.each(FRAMINGS.map((framing) => [framing.name, framing] as const))(
  "%s server under random bytes",
  (_name, framing) => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer("concurrent", { framing });
    });
    afterAll(() => server.close());

    it("never crashes and keeps answering a well-behaved client", async () => {
      const wellBehaved = await openFramedClient(server.port, framing);
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.uint8Array({ minLength: 1, maxLength: 4096 }),
            fc.array(fc.nat({ max: 4096 }), { maxLength: 12 }),
            fc.constantFrom<"end" | "reset" | "leave">("end", "reset", "leave"),
            fc.integer({ min: 0, max: 1_000_000 }),
            async (bytes, cuts, ending, index) => {
              await sendHostile(server.port, cutAt(Buffer.from(bytes), cuts), ending);
              const payload = Buffer.from(`well-behaved ${index}`);
              const reply = await wellBehaved.request(payload, 10_000);
              // fixed framing pads a record; the payload is its start.
              expect(reply.subarray(0, payload.length).equals(payload)).toBe(true);
            },
          ),
          { numRuns: 40 },
        );
      } finally {
        wellBehaved.close();
      }
    });
  },
);
