// The hostile peers `sockbench stress` sends, one attack per scenario. Each runs until its signal
// aborts, bounded in connections and bytes, and leaves its sockets to the pool, which resets them.

import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { Framing } from "../../framing/framing.js";
import { SeededRandom } from "../../seeded-random.js";
import type { HostilePool } from "./hostile-pool.js";
import { resetSocket } from "./hostile-pool.js";

export interface AttackContext {
  pool: HostilePool;
  framing: Framing;
  /** How the server's replies are cut: `framing` unless they are framed otherwise. */
  replyFraming: Framing;
  /** The largest frame the server is told to accept (--max-frame). */
  maxFrameBytes: number;
  /** Hostile connections to hold at most at once. */
  connections: number;
  /** The app the server runs, as --expect names it; app-level attacks need to know it. */
  app: string;
  /** Aborts when the attack is over. */
  signal: AbortSignal;
}

export interface Attack {
  name: string;
  description: string;
  /** Why the attack does not apply to a server of this app, or undefined when it does. */
  skipReason?(app: string): string | undefined;
  run(context: AttackContext): Promise<void>;
}

/** Slow enough for any server's idle timer to be restarted, far below any sane receive rate. */
const TRICKLE_INTERVAL_MS = 2000;
/** After a refused or failed connection, a slot waits this long before trying again. */
const RETRY_DELAY_MS = 250;
/** A non-reading peer stops writing after this much per connection. */
const NON_READING_BYTES_PER_CONNECTION = 32 * 1024 * 1024;

export const ATTACKS: Attack[] = [
  {
    name: "slowloris",
    description: "connections that start a frame and trickle one byte every 2 s",
    run: (context) =>
      holdSlots(context, context.connections, async (socket) => {
        const bytes = unfinishedFrame(context.framing, 1024);
        for (let index = 0; index < bytes.length - 1 && !context.signal.aborted; index++) {
          if (!context.pool.write(socket, bytes.subarray(index, index + 1))) return;
          if (!(await pause(TRICKLE_INTERVAL_MS, socket, context.signal))) return;
        }
      }),
  },
  {
    name: "idle-flood",
    description: "idle connections, as many as --hostile-connections (the server's limit by default)",
    run: (context) =>
      holdSlots(context, context.connections, (socket) => closedOrAborted(socket, context.signal)),
  },
  {
    name: "non-reading",
    description: "peers that pipeline 256 KiB requests and never read a reply",
    run: (context) =>
      holdSlots(
        context,
        Math.min(context.connections, 16),
        async (socket) => {
          const request = Buffer.concat(
            context.framing.encode(filler(context.framing, Math.min(256 * 1024, context.maxFrameBytes))),
          );
          for (let sent = 0; sent < NON_READING_BYTES_PER_CONNECTION && !context.signal.aborted; ) {
            sent += request.length;
            if (!context.pool.write(socket, request) && !(await drained(socket, context.signal))) return;
          }
          await closedOrAborted(socket, context.signal);
        },
        { readReplies: false },
      ),
  },
  {
    name: "oversized",
    description: "frames of the largest size never finished, and frames announced or sent above it",
    run: async (context) => {
      const largest = unfinishedFrame(context.framing, context.maxFrameBytes - 1);
      const holders = holdSlots(context, Math.min(context.connections, 8), async (socket) => {
        context.pool.write(socket, largest);
        await closedOrAborted(socket, context.signal);
      });
      const above = context.framing.overLimitSample();
      const senders = above
        ? holdSlots(context, 4, async (socket) => {
            context.pool.write(socket, above);
            await closedOrAborted(socket, context.signal);
          })
        : Promise.resolve();
      await Promise.all([holders, senders]);
    },
  },
  {
    name: "garbage",
    description: "random bytes, 4 KiB every 50 ms per connection",
    run: (context) =>
      holdSlots(context, Math.min(context.connections, 32), async (socket) => {
        // Seeded by the local port: each connection sends bytes of its own, the same in every run.
        const random = new SeededRandom(socket.localPort ?? 1);
        while (!context.signal.aborted) {
          const bytes = Buffer.allocUnsafe(4096);
          for (let index = 0; index < bytes.length; index += 4)
            bytes.writeUInt32LE(random.nextUint32(), index);
          if (!context.pool.write(socket, bytes)) return;
          if (!(await pause(50, socket, context.signal))) return;
        }
      }),
  },
  {
    name: "reset-mid-frame",
    description: "connect, send half a frame, reset; again and again",
    run: (context) =>
      repeat(context, 16, async () => {
        const socket = await context.pool.open();
        if (!socket) return;
        const frame = Buffer.concat(context.framing.encode(filler(context.framing, 1024)));
        context.pool.write(socket, frame.subarray(0, frame.length >> 1));
        resetSocket(socket);
      }),
  },
  {
    name: "churn",
    description: "connect and close at once, again and again",
    run: (context) =>
      repeat(context, 32, async () => {
        const socket = await context.pool.open();
        if (!socket) return;
        socket.end();
        await closedOrAborted(socket, context.signal);
      }),
  },
  {
    name: "app-input",
    description: "sum: a 1 MiB digit run ending in a letter, and a number of 1 MiB digits",
    skipReason: (app) => (app === "sum" ? undefined : `no pathological input known for the ${app} app`),
    run: (context) =>
      holdSlots(context, Math.min(context.connections, 4), async (socket) => {
        const digits = Math.min(1024 * 1024, context.maxFrameBytes - 1);
        const messages = [`${"1".repeat(digits - 1)}x`, "9".repeat(digits)].map((text) =>
          Buffer.concat(context.framing.encode(Buffer.from(text))),
        );
        const decoder = context.replyFraming.createDecoder();
        for (let index = 0; !context.signal.aborted; index++) {
          if (!context.pool.write(socket, messages[index % 2] as Buffer)) return;
          if (!(await replied(socket, decoder, context.signal))) return;
        }
      }),
  },
];

/**
 * Keeps `count` slots busy until the signal aborts: each opens a connection, hands it to `work`, and
 * opens another a little after the server closes or refuses it (a persistent attacker).
 */
async function holdSlots(
  context: AttackContext,
  count: number,
  work: (socket: Socket) => Promise<void>,
  options: { readReplies?: boolean } = {},
): Promise<void> {
  const slot = async () => {
    while (!context.signal.aborted) {
      const socket = await context.pool.open(options);
      if (socket) {
        await work(socket);
        await closedOrAborted(socket, context.signal);
      }
      await pause(RETRY_DELAY_MS, undefined, context.signal);
    }
  };
  await Promise.all(Array.from({ length: count }, slot));
}

/** Runs `once` on `concurrency` loops until the signal aborts. */
async function repeat(context: AttackContext, concurrency: number, once: () => Promise<void>): Promise<void> {
  const loop = async () => {
    while (!context.signal.aborted) {
      await once();
      // One turn of the event loop between connections, so the loops cannot starve the legitimate client.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
}

/** A payload the framing carries as one frame, of `sizeBytes`: one letter it does not avoid. */
function filler(framing: Framing, sizeBytes: number): Buffer {
  const letter = [..."abcdefghijklmnopqrstuvwxyz"]
    .map((character) => character.charCodeAt(0))
    .find((code) => !framing.payloadAvoidsBytes.includes(code));
  return Buffer.alloc(sizeBytes, letter ?? 0x61);
}

/** Every byte of a frame of `payloadBytes` but its last: the server holds it and waits for the rest. */
function unfinishedFrame(framing: Framing, payloadBytes: number): Buffer {
  const frame = Buffer.concat(framing.encode(filler(framing, payloadBytes)));
  return frame.subarray(0, frame.length - 1);
}

/** Waits `ms`; false when the socket closed or the signal aborted first. */
async function pause(ms: number, socket: Socket | undefined, signal: AbortSignal): Promise<boolean> {
  if (socket?.destroyed) return false;
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    return false;
  }
  return !signal.aborted && !socket?.destroyed;
}

function closedOrAborted(socket: Socket, signal: AbortSignal): Promise<void> {
  if (socket.destroyed || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      socket.off("close", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    socket.once("close", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Waits for 'drain'; false when the socket closed or the signal aborted first. */
function drained(socket: Socket, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (value: boolean) => {
      socket.off("drain", onDrain);
      socket.off("close", onEnd);
      signal.removeEventListener("abort", onEnd);
      resolve(value);
    };
    const onDrain = () => finish(true);
    const onEnd = () => finish(false);
    socket.once("drain", onDrain);
    socket.once("close", onEnd);
    signal.addEventListener("abort", onEnd, { once: true });
  });
}

/** Reads until one whole reply is decoded; false when the socket closed or the signal aborted first. */
function replied(
  socket: Socket,
  decoder: ReturnType<Framing["createDecoder"]>,
  signal: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve) => {
    const finish = (value: boolean) => {
      socket.off("data", onData);
      socket.off("close", onEnd);
      signal.removeEventListener("abort", onEnd);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      try {
        if (decoder.push(chunk).length > 0) finish(true);
      } catch {
        finish(false);
      }
    };
    const onEnd = () => finish(false);
    socket.on("data", onData);
    socket.once("close", onEnd);
    signal.addEventListener("abort", onEnd, { once: true });
  });
}
