// The bench config (sockbench.config.json) and --server entries are checked against
// schemas/bench-config.schema.json; each mistake is named with its entry, its field and what it allows.

import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { BenchConfigError, serverFromOption, serversFromConfigFile } from "../src/cli/bench-servers.js";
import { framingNames } from "../src/framing/registry.js";
import { studentFolder } from "./support/student-servers.js";

const folder = studentFolder();
afterAll(() => folder.remove());

function problemOf(config: unknown): string {
  const path = folder.write("sockbench.config.json", JSON.stringify(config));
  try {
    serversFromConfigFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(BenchConfigError);
    expect((error as BenchConfigError).code).toBe("SOCKBENCH_ERR_BENCH_CONFIG");
    return (error as Error).message.slice(path.length);
  }
  throw new Error("the config was accepted");
}

describe("the bench config's schema", () => {
  it("allows the framings the framing registry has", () => {
    const schema = JSON.parse(
      readFileSync(new URL("../schemas/bench-config.schema.json", import.meta.url), "utf8"),
    );
    expect(schema.$defs.server.properties.framing.enum).toEqual(framingNames());
  });

  it("reads a valid config with its defaults", () => {
    const path = folder.write(
      "good.json",
      JSON.stringify({
        servers: [{ name: "cpp", command: "./s {port}", framing: "length", connections: 10, ready: "^up" }],
      }),
    );
    const [server] = serversFromConfigFile(path);
    expect(server).toMatchObject({ name: "cpp", framing: { name: "length" }, connections: 10 });
  });

  it("takes the length and line framings' options, and names the entry when one is out of range", () => {
    const path = folder.write(
      "options.json",
      JSON.stringify({
        servers: [
          { name: "u16", command: "./s {port}", framing: "length", lengthBytes: 2, lengthEndian: "little" },
          { name: "redis", command: "./r {port}", framing: "line", lineEnding: "crlf" },
        ],
      }),
    );
    const [u16, redis] = serversFromConfigFile(path);
    expect(u16?.framing).toEqual({
      name: "length",
      maxFrameBytes: 16 * 1024 * 1024,
      lengthBytes: 2,
      lengthEndian: "little",
    });
    expect(redis?.framing).toEqual({ name: "line", maxFrameBytes: 16 * 1024 * 1024, lineEnding: "crlf" });
    expect(
      problemOf({ servers: [{ name: "a", command: "./s", framing: "length", lengthBytes: 3 }] }),
    ).toMatch(/servers\[0\].*lengthBytes/);
  });

  it.each([
    [[], ': expected { "servers": [ { "name": ..., "command": ... } ] }'],
    [{ servers: {} }, ': expected { "servers": [ { "name": ..., "command": ... } ] }'],
    [{ servers: [3] }, " servers[0]: expected an object"],
    [
      {
        servers: [
          { name: "ok", command: "x" },
          { name: "cpp", command: "./s", framing: "lenght" },
        ],
      },
      ' servers[1]: "framing" must be one of eof, length, fixed, naive, varint, line, got "lenght"',
    ],
    [{ servers: [{ name: "a" }] }, ' servers[0]: "command" is required, e.g. "python3 server.py {port}"'],
    [
      { servers: [{ name: "a b", command: "x" }] },
      ' servers[0]: "name" must be 1 to 32 letters, digits, _ . or - (its column in the tables), got "a b"',
    ],
    [
      { servers: [{ name: "a", command: "x", conections: 2 }] },
      ' servers[0]: unknown field "conections"; allowed: name, command, framing, token, recordSize, lengthBytes, lengthEndian, lengthCounts, lineEnding, framingModule, replyFraming, replyFramingModule, expect, expectModule, connections, ready, readyTimeoutMs',
    ],
    [
      { servers: [{ name: "a", command: "x", connections: 0 }] },
      ' servers[0]: "connections" must be a whole number from 1 to 1000, got 0',
    ],
    [
      { servers: [{ name: "a", command: "x", readyTimeoutMs: "5s" }] },
      ' servers[0]: "readyTimeoutMs" must be a whole number from 1 to 600000, got "5s"',
    ],
    [{ servers: [{ name: "a", command: 5 }] }, ' servers[0]: "command" must be a string, got 5'],
    // Past the schema: the entry's keys are named, not the flags of the command line.
    [
      { servers: [{ name: "a", command: "x", expect: "sum", expectModule: "j.mjs" }] },
      ' servers[0]: give "expect" or "expectModule", not both',
    ],
  ])("%j: %s", (config, message) => {
    expect(problemOf(config)).toBe(message);
  });

  it("names the entry's key for a ready pattern that is no regular expression", () => {
    // V8 words the reason itself, differently across Node versions.
    expect(problemOf({ servers: [{ name: "a", command: "x", ready: "([" }] })).toMatch(
      /^ servers\[0\]: "ready": "\(\[" is not a regular expression: /,
    );
  });

  it("checks a --server entry by the same schema", () => {
    expect(() => serverFromOption("a b=python3 s.py {port}")).toThrow(
      '--server "a b=python3 s.py {port}": "name" must be 1 to 32 letters, digits, _ . or - (its column in the tables), got "a b"',
    );
    expect(serverFromOption("ok=python3 s.py {port}")).toMatchObject({
      name: "ok",
      framing: { name: "eof" },
    });
  });
});
