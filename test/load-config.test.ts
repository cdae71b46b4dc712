// resolveLoadConfig, the one function the CLI and the library both call: it fills the defaults, checks
// every rule once, and returns a config of one transport, tcp or http, with only that transport's fields.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LoadConfigError, resolveLoadConfig } from "../src/clients/load/core/load-config.js";

const TCP_ONLY_FIELDS = ["framing", "insecure", "ca", "splitPieces", "nagle"];

describe("resolveLoadConfig", () => {
  it("resolves a tcp run with its framing and the tcp defaults", () => {
    const config = resolveLoadConfig({ target: "127.0.0.1:1", framing: "length" });
    expect(config).toMatchObject({
      transport: "tcp",
      framing: { name: "length", maxFrameBytes: 16 * 1024 * 1024 },
      insecure: false,
      splitPieces: 1,
      nagle: false,
      connections: 10,
      durationMs: 10_000,
    });
  });

  it("resolves an http run with none of the tcp-only fields", () => {
    const config = resolveLoadConfig({ target: "127.0.0.1:1", transport: "http", amount: 5 });
    expect(config.transport).toBe("http");
    for (const field of TCP_ONLY_FIELDS) expect(Object.keys(config)).not.toContain(field);
    expect(Object.keys(config)).not.toContain("durationMs");
    expect(Object.values(config)).not.toContain(undefined);
  });

  it("refuses every tcp-only option over http, naming it, and a tcp run without a framing", () => {
    const refusals: [Record<string, unknown>, RegExp][] = [
      [{ framing: "eof" }, /--framing, --token and --record-size apply to --transport tcp/],
      [{ framing: { name: "eof", token: Buffer.from("!") } }, /--framing, --token and --record-size/],
      [{ framing: { name: "fixed", recordSize: 8 } }, /--framing, --token and --record-size/],
      [{ insecure: true }, /^insecure and ca apply to tls:\/\/ targets: transport http/],
      [{ ca: "PEM" }, /insecure and ca/],
      [{ splitPieces: 2 }, /^splitPieces and nagle apply to transport tcp/],
      [{ nagle: true }, /splitPieces and nagle/],
      [{ verify: "sum" }, /^verify sum applies to transport tcp/],
    ];
    for (const [options, message] of refusals) {
      expect(() => resolveLoadConfig({ target: "127.0.0.1:1", transport: "http", ...options })).toThrow(
        message,
      );
    }
    expect(() => resolveLoadConfig({ target: "127.0.0.1:1" })).toThrow(/needs a framing/);
    expect(() => resolveLoadConfig({ target: "127.0.0.1:1", transport: "udp", framing: "eof" })).toThrow(
      /apply to --transport tcp: over udp each datagram is one message/,
    );
    const udp = resolveLoadConfig({ target: "127.0.0.1:1", transport: "udp", amount: 5 });
    expect(udp.transport).toBe("udp");
    for (const field of TCP_ONLY_FIELDS) expect(Object.keys(udp)).not.toContain(field);
  });

  it("throws a LoadConfigError with a stable code, whatever the bad number", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 0 }), (connections) => {
        try {
          resolveLoadConfig({ target: "127.0.0.1:1", framing: "eof", connections });
          return false;
        } catch (error) {
          return (
            error instanceof LoadConfigError &&
            error.code === "SOCKBENCH_ERR_LOAD_CONFIG" &&
            /connections must be a whole number/.test(error.message)
          );
        }
      }),
    );
  });
});
