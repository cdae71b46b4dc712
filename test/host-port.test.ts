// The one HOST:PORT parser: every option, target and server output line that names an address uses it.

import { describe, expect, it } from "vitest";
import { parseHostPort } from "../src/cli/option-parsers.js";
import { parseTarget } from "../src/clients/load/core/target.js";
import { formatHostPort, splitHostPort } from "../src/host-port.js";

describe("splitHostPort", () => {
  it.each([
    ["127.0.0.1:8080", { host: "127.0.0.1", port: 8080 }],
    ["localhost:1", { host: "localhost", port: 1 }],
    ["[::1]:80", { host: "::1", port: 80 }],
    ["[fe80::1%lo]:65535", { host: "fe80::1%lo", port: 65535 }],
    [" :0 ", { host: "", port: 0 }],
  ])("%j", (text, address) => {
    expect(splitHostPort(text)).toEqual(address);
  });

  it.each(["::1:80", "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:123456", "a/b:80", "[::1]80", "host:port"])(
    "refuses %j",
    (text) => {
      expect(splitHostPort(text)).toBeUndefined();
    },
  );

  it("reads back what formatHostPort writes", () => {
    for (const host of ["127.0.0.1", "::1", "example.com"]) {
      expect(splitHostPort(formatHostPort(host, 4242))).toEqual({ host, port: 4242 });
    }
  });

  it("options and load targets agree on the address, each with its own rules on top", () => {
    expect(parseHostPort("[::1]:9000")).toEqual({ host: "::1", port: 9000 });
    expect(parseTarget("tcp://[::1]:9000")).toEqual({ kind: "tcp", host: "::1", port: 9000 });
    // An option may leave the host out (127.0.0.1) and take port 0 (a free one); a target may not.
    expect(parseHostPort(":0")).toEqual({ host: "127.0.0.1", port: 0 });
    expect(() => parseTarget(":9000")).toThrow(/expected a target such as/);
    expect(() => parseTarget("127.0.0.1:0")).toThrow(/port 1-65535/);
  });
});
