// The stream check of --verify echo, as properties: a reply stream equal to the request stream, however
// it is cut into reads and written in batches, verifies every frame exactly when its last byte arrives;
// a stream with one byte changed is caught by the read holding that byte, and what is handed to the
// decoder is exactly the part of the unverified frame read before it.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EchoStreamCheck } from "../src/clients/load/verification/echo-stream-check.js";
import { cutAt } from "./support/chunking.js";

const frames = fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 12 });
const cuts = fc.array(fc.nat(600), { maxLength: 12 });
/** How many frames each write carries (cycled). */
const batching = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

/** Issues `frameList` in batches as the connection does: frames first, then the buffers written. */
function issue(check: EchoStreamCheck, frameList: Uint8Array[], batches: number[]): void {
  let index = 0;
  for (let batch = 0; index < frameList.length; batch++) {
    const count = batches[batch % batches.length] as number;
    const written = frameList.slice(index, index + count).map((frame) => Buffer.from(frame));
    for (const frame of written) check.addFrame(frame.length);
    // Alternate joined and separate buffers, as the batch writer does by size.
    check.addWritten(batch % 2 === 0 ? [Buffer.concat(written)] : written);
    index += count;
  }
}

function frameEnds(frameList: Uint8Array[]): number[] {
  let end = 0;
  return frameList.map((frame) => (end += frame.length));
}

describe("EchoStreamCheck", () => {
  it("verifies each frame of an equal stream when its last byte is read", () => {
    fc.assert(
      fc.property(frames, cuts, batching, (frameList, cutList, batches) => {
        const check = new EchoStreamCheck();
        issue(check, frameList, batches);
        const stream = Buffer.concat(frameList);
        const ends = frameEnds(frameList);
        let read = 0;
        let verified = 0;
        for (const chunk of cutAt(stream, cutList)) {
          const completed = check.match(chunk);
          read += chunk.length;
          verified += completed;
          expect(verified).toBe(ends.filter((end) => end <= read).length);
          expect(check.partialBytes).toBe(read - (ends[verified - 1] ?? 0));
        }
        expect(verified).toBe(frameList.length);
        expect(check.isActive).toBe(true);
      }),
    );
  });

  it("catches one changed byte in its read, and hands over the unverified frame's earlier bytes", () => {
    fc.assert(
      fc.property(frames, cuts, batching, fc.nat(), (frameList, cutList, batches, where) => {
        const check = new EchoStreamCheck();
        issue(check, frameList, batches);
        const stream = Buffer.concat(frameList);
        const changed = where % stream.length;
        const reply = Buffer.from(stream);
        reply[changed] = (reply[changed] as number) ^ 0xff;
        const ends = frameEnds(frameList);
        let read = 0;
        let verified = 0;
        for (const chunk of cutAt(reply, cutList)) {
          const completed = check.match(chunk);
          if (read + chunk.length > changed) {
            expect(completed).toBe(-1);
            const frameStart = ends[verified - 1] ?? 0;
            expect(check.handOver()).toEqual(stream.subarray(frameStart, read));
            expect(check.isActive).toBe(false);
            return;
          }
          read += chunk.length;
          verified += completed;
        }
        throw new Error("the changed byte was never read");
      }),
    );
  });

  it("catches a reply longer than what was written, and starts afresh after reset", () => {
    const check = new EchoStreamCheck();
    check.addFrame(3);
    check.addWritten([Buffer.from("abc")]);
    expect(check.match(Buffer.from("abcd"))).toBe(-1);
    expect(check.handOver()).toEqual(Buffer.alloc(0));
    check.reset();
    check.addFrame(2);
    check.addWritten([Buffer.from("xy")]);
    expect(check.isActive).toBe(true);
    expect(check.match(Buffer.from("xy"))).toBe(1);
  });
});
