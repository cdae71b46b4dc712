// The lab's apps: echo, hello and sum, as pure functions.

import { describe, expect, it } from "vitest";
import { getApp } from "../src/apps/registry.js";
import { sumNumbers } from "../src/apps/sum-app.js";

describe("apps", () => {
  it("echo returns the payload byte for byte", () => {
    const payload = Buffer.from([0, 1, 255]);
    expect(getApp("echo").respond(payload).equals(payload)).toBe(true);
  });

  it("hello answers as the lab's server does", () => {
    expect(getApp("hello").respond(Buffer.from("Hello world")).toString()).toBe(
      'I got "Hello world" from you and I am sending it back.',
    );
  });

  it("sum adds integers exactly, however large", () => {
    expect(sumNumbers("1 2 3")).toBe("6");
    expect(sumNumbers("  10\t-4\n+3 ")).toBe("9");
    expect(sumNumbers("9007199254740993 1")).toBe("9007199254740994");
    expect(sumNumbers("123456789012345678901234567890 1")).toBe("123456789012345678901234567891");
  });

  it("sum turns floating point once a fraction or exponent appears", () => {
    expect(sumNumbers("1 2 3 4.5")).toBe("10.5");
    expect(sumNumbers("1e3 1")).toBe("1001");
    expect(sumNumbers(".5 .25")).toBe("0.75");
  });

  it("sum of nothing is 0", () => {
    expect(sumNumbers("")).toBe("0");
    expect(sumNumbers("   ")).toBe("0");
  });

  it("sum names a token that is not a number", () => {
    expect(sumNumbers("1 two 3")).toBe('ERROR: "two" is not a number');
    expect(sumNumbers("NaN")).toBe('ERROR: "NaN" is not a number');
    expect(sumNumbers("1.2.3")).toBe('ERROR: "1.2.3" is not a number');
  });

  it("rejects an unknown app with the list of apps", () => {
    expect(() => getApp("ftp")).toThrowError('unknown app "ftp": choose one of echo, hello, sum');
  });
});
