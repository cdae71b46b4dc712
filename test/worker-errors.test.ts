// Errors thrown in a worker thread come back to the caller as their own class, with their code and
// fields: a structured clone alone would make every one a plain Error.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { LoadShareError } from "../src/clients/load/core/load-share.js";
import { runLoad } from "../src/clients/load/load-driver.js";
import { ExpectModuleError } from "../src/clients/load/verification/expectation-module.js";
import { rebuildError, type SerializedError, SockbenchError, serializeError } from "../src/errors.js";
import { FramingError } from "../src/framing/framing-error.js";
import { AttackThread } from "../src/suites/stress/attack-thread.js";
import { startTestServer } from "./support/servers.js";

const folder = mkdtempSync(join(tmpdir(), "sockbench-worker-errors-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("errors across worker threads", () => {
  it("a load split over workers rejects with the ExpectModuleError a worker threw", async () => {
    const server = await startTestServer("concurrent");
    try {
      // It imports, so the config accepts it; only loading it (in each worker) finds no reply or judge.
      const expectModule = join(folder, "neither.mjs");
      writeFileSync(expectModule, "export const request = () => 'PING';\n");
      const error = await runLoad({
        target: `127.0.0.1:${server.port}`,
        framing: "length",
        connections: 2,
        workers: 2,
        amount: 10,
        expectModule,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ExpectModuleError);
      expect(error).toBeInstanceOf(SockbenchError);
      expect((error as ExpectModuleError).code).toBe("SOCKBENCH_ERR_EXPECT_MODULE");
      expect((error as Error).name).toBe("ExpectModuleError");
      expect((error as Error).message).toContain("exports neither reply nor judge");
    } finally {
      await server.close();
    }
  });

  it("a LoadShareError thrown in a worker thread comes back as a LoadShareError, stack included", async () => {
    // The worker runs the built modules, as the load and check threads do.
    const dist = new URL("../dist/src/", import.meta.url).href;
    const worker = new Worker(
      `
      const { parentPort } = await import("node:worker_threads");
      const { shardSlice } = await import("${dist}clients/load/core/load-share.js");
      const { serializeError } = await import("${dist}errors.js");
      try { shardSlice(1, { index: 0, count: 2 }); } catch (error) { parentPort.postMessage(serializeError(error)); }
      `,
      { eval: true, type: "module" } as ConstructorParameters<typeof Worker>[1],
    );
    const serialized = await new Promise<SerializedError>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    const error = rebuildError(serialized);
    expect(error).toBeInstanceOf(LoadShareError);
    expect((error as LoadShareError).code).toBe("SOCKBENCH_ERR_LOAD_SHARE");
    expect(error.message).toBe("2 shards need at least 2 connections (one each), got 1");
    expect(error.stack).toContain("shardSlice");
  });

  it("a stress attack thread that cannot start rejects with its FramingError, kind included", async () => {
    const thread = new AttackThread({
      attack: "garbage",
      host: "127.0.0.1",
      port: 9,
      sourceAddresses: [],
      framing: { name: "fixed", recordSize: 0 },
      maxFrameBytes: 1024,
      connections: 1,
      app: "echo",
    });
    const error = await thread.started.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FramingError);
    expect((error as FramingError).kind).toBe("invalid-option");
    expect(await thread.stop()).toBeUndefined();
  });

  it("keeps a class's own fields, and leaves an error of no registered class a plain Error", () => {
    const framing = rebuildError(serializeError(new FramingError("frame-too-large", "too big")));
    expect(framing).toBeInstanceOf(FramingError);
    expect((framing as FramingError).kind).toBe("frame-too-large");
    const plain = rebuildError(serializeError(new RangeError("out of range")));
    expect(plain).not.toBeInstanceOf(SockbenchError);
    expect(plain.name).toBe("RangeError");
    expect(plain.message).toBe("out of range");
  });
});
