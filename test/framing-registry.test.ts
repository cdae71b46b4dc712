// The registry's promise: a framing defined in one place (here, in this test file only) and registered
// is picked up by check, bench, stress, load and send without any of them naming it. Every path runs in
// this thread: worker threads, cluster workers and child processes know only the built-in framings.

import { once } from "node:events";
import { connect } from "node:net";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerSendCommand } from "../src/cli/send-command.js";
import { LoadConfigError } from "../src/clients/load/core/load-config.js";
import { FrameDecoder } from "../src/framing/frame-decoder.js";
import type { FramePool } from "../src/framing/frame-pool.js";
import type { Framing, FramingSpec } from "../src/framing/framing.js";
import type { FramingDefinition } from "../src/framing/framing-definition.js";
import { FramingError } from "../src/framing/framing-error.js";
import { framingCliWords, framingNames, framingOf, registerFraming } from "../src/framing/registry.js";
import * as sockbench from "../src/index.js";
import { totalErrors } from "../src/results/load-result.js";
import { BENCH_PROFILES } from "../src/suites/bench-profiles.js";
import { builtInLoad, serveArguments } from "../src/suites/bench-suite.js";
import { runCheckCell } from "../src/suites/check-cell.js";
import { runCheck } from "../src/suites/check-suite.js";
import type { ServerProcess } from "../src/suites/server-process.js";
import { userServerScenarios } from "../src/suites/user-bench-servers.js";

const TOY = "byte-length";
/** A one-byte length prefix carries at most 255 bytes. */
const TOY_LIMIT_BYTES = 255;

class ByteLengthDecoder extends FrameDecoder {
  constructor(
    private readonly maxFrameBytes: number,
    framePool?: FramePool,
  ) {
    super(framePool);
  }

  protected decodeNext(): Buffer | undefined {
    if (this.queue.length === 0) return undefined;
    const payloadBytes = this.queue.copyFront(1)[0] as number;
    if (payloadBytes > this.maxFrameBytes) {
      throw new FramingError(
        "frame-too-large",
        `prefix ${payloadBytes} exceeds max frame ${this.maxFrameBytes}`,
      );
    }
    if (this.queue.length < 1 + payloadBytes) return undefined;
    this.queue.skip(1);
    return this.queue.take(payloadBytes);
  }
}

class ByteLengthFraming implements Framing {
  readonly name = TOY;
  readonly spec: FramingSpec;
  readonly knownBroken = false;
  readonly payloadAvoidsBytes: readonly number[] = [];
  readonly selfDelimiting = true;
  readonly largestPayloadBytes: number;
  readonly largestPayloadWords: string;

  constructor(readonly maxFrameBytes: number) {
    this.spec = { name: TOY, maxFrameBytes };
    this.largestPayloadBytes = Math.min(maxFrameBytes, TOY_LIMIT_BYTES);
    this.largestPayloadWords = `a one-byte length prefix (${this.largestPayloadBytes} bytes)`;
  }

  createDecoder(framePool?: FramePool): ByteLengthDecoder {
    return new ByteLengthDecoder(this.maxFrameBytes, framePool);
  }

  encode(payload: Buffer): Buffer[] {
    if (payload.length > TOY_LIMIT_BYTES) throw new FramingError("payload-too-large", "over 255 bytes");
    return [Buffer.from([payload.length]), payload];
  }

  frameBytes(payloadBytes: number): number {
    return 1 + payloadBytes;
  }

  encodeInto(payload: Buffer, target: Buffer, offset: number): number {
    if (payload.length > TOY_LIMIT_BYTES) throw new FramingError("payload-too-large", "over 255 bytes");
    target[offset] = payload.length;
    return offset + 1 + payload.copy(target, offset + 1);
  }

  overLimitSample(): Buffer | undefined {
    return this.maxFrameBytes < TOY_LIMIT_BYTES ? Buffer.from([TOY_LIMIT_BYTES]) : undefined;
  }
}

const BYTE_LENGTH_FRAMING: FramingDefinition = {
  name: TOY,
  summary: "a one-byte payload length, then the payload",
  options: [],
  create: (options) => new ByteLengthFraming(options.maxFrameBytes),
  cliWords: () => [],
};

registerFraming(BYTE_LENGTH_FRAMING);

describe("a framing registered from outside src/framing", () => {
  let server: sockbench.RunningServer;
  let target: string;

  beforeAll(async () => {
    // The library's serve builds it by name, as it would a built-in one.
    server = await sockbench.serve({ framing: TOY });
    target = `${server.host}:${server.port}`;
  });
  afterAll(() => server.close());

  it("is named beside the built-in ones and written back as command-line words", () => {
    expect(framingNames()).toEqual(["eof", "length", "fixed", "naive", "varint", "line", TOY]);
    expect(framingCliWords(framingOf({ name: TOY, maxFrameBytes: 100 }).spec)).toEqual(["--framing", TOY]);
    expect(() => registerFraming(BYTE_LENGTH_FRAMING)).toThrow(/already registered/);
  });

  it("load: the driver verifies its echoes, and refuses a size the framing cannot carry", async () => {
    const result = await sockbench.load({ target, framing: TOY, sizesBytes: [0, 1, 200, 255], amount: 400 });
    expect(totalErrors(result)).toBe(0);
    expect(result.messages.verified).toBe(400);
    expect(result.config.framing).toBe(TOY);
    await expect(sockbench.load({ target, framing: TOY, sizesBytes: [256], amount: 1 })).rejects.toThrow(
      new LoadConfigError("size 256 does not fit a one-byte length prefix (255 bytes)"),
    );
  });

  it("send: the command's --framing takes it and the reply comes back", async () => {
    const program = new Command().exitOverride();
    registerSendCommand(program);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(["send", "--framing", TOY, "--port", String(server.port), "hello", "world"], {
        from: "user",
      });
    } finally {
      spy.mockRestore();
    }
    expect(written).toEqual(["hello\n", "world\n"]);
  });

  it("check: the built-in matrix runs it at the sizes it carries, and check() of a server judges it", async () => {
    const cell = await runCheckCell({ framing: TOY, size: 200, fragmentation: "slices-1-7" });
    expect(cell).toMatchObject({ framing: TOY, passed: true, blocking: false });
    const matrix = await runCheck({ framings: [TOY], sizesBytes: [1, 1024], fragmentations: ["none"] });
    expect(matrix.cells.map((each) => [each.framing, each.size, each.passed])).toEqual([[TOY, 1, true]]);
    const judged = await sockbench.check({
      target: { host: server.host, port: server.port },
      framing: TOY,
      sizesBytes: [0, 100],
      fragmentations: ["none", "slices-1"],
      probes: ["second-client"],
      shrink: false,
    });
    expect(judged.framing).toBe(TOY);
    expect(judged.passed).toBe(true);
    await expect(
      sockbench.check({ target: { host: server.host, port: server.port }, framing: TOY, sizesBytes: [300] }),
    ).rejects.toThrow("size 300 does not fit a one-byte length prefix (255 bytes)");
  }, 60_000);

  it("bench: a cell serves it with its own words and loads it; a user's server gets only sizes it carries", async () => {
    const scenario = {
      framing: TOY,
      variant: "concurrent",
      size: 100,
      connections: 2,
      pipelining: 4,
      fragmentation: "none" as const,
    };
    expect(serveArguments(scenario)).toEqual(["--variant", "concurrent", "--app", "echo", "--framing", TOY]);
    // The built-in servers are child processes, which know only built-in framings: this one is in-thread.
    const inThread: ServerProcess = {
      host: server.host,
      port: server.port,
      pid: process.pid,
      stop: async () => {},
    };
    const result = await builtInLoad(scenario, inThread, 2000, undefined)(300);
    expect(totalErrors(result)).toBe(0);
    expect(result.messages.verified).toBeGreaterThan(0);
    const profile = BENCH_PROFILES.quick;
    const sizes = userServerScenarios(
      {
        name: "mine",
        target: {
          kind: "command",
          command: "my-server {port}",
          host: "127.0.0.1",
          readyTimeoutMs: 1000,
        } as never,
        framing: { name: TOY },
        expect: { kind: "built-in", name: "echo" },
        connections: 1,
      },
      profile,
    ).map((each) => each.size);
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(TOY_LIMIT_BYTES);
    expect(profile.sizesBytes.some((size) => size > TOY_LIMIT_BYTES)).toBe(true);
  });

  it("stress: its over-limit sample makes a server with a smaller max frame drop the connection", async () => {
    const framing = framingOf({ name: TOY, maxFrameBytes: 100 });
    const strict = await sockbench.serve({ framing });
    try {
      const socket = connect(strict.port, strict.host);
      await once(socket, "connect");
      const sample = framing.overLimitSample();
      expect(sample).toEqual(Buffer.from([255]));
      socket.write(sample as Buffer);
      // The server refuses the frame from its prefix alone and closes: the socket ends without a reply.
      const replies: Buffer[] = [];
      socket.on("data", (chunk: Buffer) => replies.push(chunk));
      await once(socket, "close");
      expect(Buffer.concat(replies).length).toBe(0);
    } finally {
      await strict.close();
    }
    expect(framingOf({ name: TOY }).overLimitSample()).toBeUndefined();
  });
});
