// The UDP reply matcher, driven without sockets: whatever a server does to the replies (drops, repeats,
// damages them) and in whatever order they arrive, each request is counted once under the kind a model
// of the rules predicts.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoadStats } from "../src/clients/load/core/load-stats.js";
import { DatagramMatcher } from "../src/clients/load/udp/datagram-matcher.js";
import { EchoPayloadCodec } from "../src/clients/load/verification/echo-payload.js";

type Fate = "answer" | "drop" | "duplicate" | "corrupt";

const CONNECTION_ID = 3;
const codec = new EchoPayloadCodec();

interface Delivery {
  seq: number;
  bytes: Buffer;
  /** The first copy of a genuine reply (not a repeat, not damaged). */
  genuine: boolean;
}

function deliveries(payloads: Buffer[], fates: Fate[]): Delivery[] {
  return fates.flatMap((fate, seq): Delivery[] => {
    const payload = payloads[seq] as Buffer;
    if (fate === "drop") return [];
    if (fate === "corrupt") {
      const damaged = Buffer.from(payload);
      // The last byte, past the header: the reply still names its request.
      damaged[damaged.length - 1] = (damaged[damaged.length - 1] as number) ^ 1;
      return [{ seq, bytes: damaged, genuine: false }];
    }
    const reply = { seq, bytes: payload, genuine: true };
    return fate === "duplicate" ? [reply, { seq, bytes: payload, genuine: true }] : [reply];
  });
}

describe("DatagramMatcher", () => {
  it("counts lost, duplicated, reordered and corrupted replies exactly, in any arrival order", () => {
    fc.assert(
      fc.property(
        fc
          .array(
            fc.record({
              fate: fc.constantFrom<Fate>("answer", "drop", "duplicate", "corrupt"),
              size: fc.integer({ min: 19, max: 200 }),
            }),
            { minLength: 1, maxLength: 40 },
          )
          .chain((requests) => {
            const all = deliveries(
              requests.map((request, seq) => codec.create(CONNECTION_ID, seq, request.size)),
              requests.map((request) => request.fate),
            );
            // Every reply the server sent, in any order.
            const order = fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
            return fc.tuple(fc.constant(requests), order);
          }),
        ([requests, order]) => {
          const stats = new LoadStats(false);
          stats.startMeasuring(0);
          const matcher = new DatagramMatcher(CONNECTION_ID, true, codec, stats);
          for (const [seq, request] of requests.entries()) {
            matcher.sent(1, 1, codec.create(CONNECTION_ID, seq, request.size));
          }
          // The model: the first copy of a reply answers its request; a later copy is a duplicate; a first
          // copy below the highest sequence already answered in order arrived reordered.
          const seen = new Set<number>();
          let highest = -1;
          const expected = { verified: 0, reordered: 0, duplicated: 0 };
          for (const delivery of order) {
            matcher.onReply(delivery.bytes, 2);
            if (!delivery.genuine) continue;
            if (seen.has(delivery.seq)) {
              expected.duplicated++;
              continue;
            }
            seen.add(delivery.seq);
            if (delivery.seq < highest) expected.reordered++;
            else {
              highest = delivery.seq;
              expected.verified++;
            }
          }
          matcher.expire(Number.POSITIVE_INFINITY, 0, 1000);
          const count = (fate: Fate) => requests.filter((request) => request.fate === fate).length;
          expect(stats.mismatches.lost).toBe(count("drop"));
          expect(stats.mismatches.corrupted).toBe(count("corrupt"));
          expect(stats.mismatches.duplicated).toBe(expected.duplicated);
          expect(stats.mismatches.reordered).toBe(expected.reordered);
          expect(stats.verified).toBe(expected.verified);
          expect(matcher.waitingCount).toBe(0);
          expect(stats.mismatches.merged + stats.mismatches.split + stats.mismatches.status).toBe(0);
        },
      ),
    );
  });

  it("matches payloads shorter than the header by their bytes, and drops a reply that comes after its timeout", () => {
    const stats = new LoadStats(false);
    stats.startMeasuring(0);
    const matcher = new DatagramMatcher(0, true, codec, stats);
    // 1-byte payloads carry the lowest sequence digit: requests 0 and 1 differ.
    const first = codec.create(0, 0, 1);
    const second = codec.create(0, 1, 1);
    expect(first.equals(second)).toBe(false);
    matcher.sent(1, 1, first);
    matcher.sent(1, 1, second);
    matcher.onReply(second, 2);
    matcher.onReply(first, 3);
    expect(stats.verified).toBe(1);
    expect(stats.mismatches.reordered).toBe(1);

    const full = codec.create(0, 2, 64);
    matcher.sent(1, 10, full);
    expect(matcher.expire(1000, 500, 0)).toBe(1);
    matcher.onReply(full, 1001);
    expect(stats.mismatches.lost).toBe(1);
    expect(stats.mismatches.duplicated).toBe(0);
    matcher.onReply(full, 1002);
    expect(stats.mismatches.duplicated).toBe(1);
  });
});
