// Starts the project's servers in-process on 127.0.0.1, port 0, with a log that tests can read.

import { getApp } from "../../src/apps/registry.js";
import { createFraming } from "../../src/framing/registry.js";
import type { RunningServer, ServerOptions, ServerVariant } from "../../src/servers/server-options.js";
import { startServer } from "../../src/servers/start-server.js";

export interface TestServer extends RunningServer {
  logLines: string[];
}

export async function startTestServer(
  variant: ServerVariant,
  options: Partial<Omit<ServerOptions, "host" | "port" | "log">> = {},
): Promise<TestServer> {
  const logLines: string[] = [];
  const server = await startServer(variant, {
    ...options,
    framing: options.framing ?? createFraming("length"),
    app: options.app ?? getApp("echo"),
    host: "127.0.0.1",
    port: 0,
    idleTimeoutMs: options.idleTimeoutMs ?? 10_000,
    maxConnections: options.maxConnections ?? 100,
    log: (line) => logLines.push(line),
  });
  return Object.assign(server, { logLines });
}

/** A payload of `sizeBytes` printable bytes that every framing can carry (no `<`, no NUL). */
export function printablePayload(sizeBytes: number, seed = 0): Buffer {
  const payload = Buffer.allocUnsafe(sizeBytes);
  for (let index = 0; index < sizeBytes; index++) payload[index] = 97 + ((index + seed) % 26);
  return payload;
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
