// The lab's apps: echo, hello and sum, as pure functions.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getApp } from "../src/apps/registry.js";
import { MAX_NUMBER_DIGITS, sumNumbers } from "../src/apps/sum-app.js";

/**
 * The sum app as it was written first, with regular expressions: right on short input (the property below
 * holds the one-pass parser to it), quadratic on a long digit run followed by a non-digit.
 */
function referenceSum(text: string): string {
  const integer = /^[+-]?\d+$/;
  const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
  let integerSum = 0n;
  let floatSum = 0;
  let isFloat = false;
  for (const token of text.split(/\s+/).filter((part) => part.length > 0)) {
    if (integer.test(token)) {
      integerSum += BigInt(token);
    } else if (decimal.test(token)) {
      isFloat = true;
      floatSum += Number(token);
    } else {
      return `ERROR: ${JSON.stringify(token)} is not a number`;
    }
  }
  return isFloat ? String(floatSum + Number(integerSum)) : integerSum.toString();
}

/** Tokens near the number grammar: digits, signs, dots, exponents, stray letters, every \\s kind of space. */
const numericish = fc
  .array(
    fc.constantFrom(..."0123456789+-.eEx", " ", "\t", "\n", "\u00a0", "\u2028", "\u3000", "\ufeff", "\u0085"),
    { maxLength: 40 },
  )
  .map((characters) => characters.join(""));

/** Well-formed numbers of every shape, joined by spaces, to exercise the sums rather than the errors. */
const numberToken = fc.oneof(
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map(String),
  fc.integer().map((value) => (value >= 0 ? `+${value}` : String(value))),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.stringMatching(/^[+-]?(\d{1,5}\.?\d{0,5}|\.\d{1,5})([eE][+-]?\d{1,3})?$/),
);

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

  it("sum agrees with the regular-expression reference on any short text", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          numericish,
          fc.array(numberToken, { maxLength: 12 }).map((tokens) => tokens.join(" ")),
        ),
        (text) => {
          expect(sumNumbers(text)).toBe(referenceSum(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("sum sums integers exactly across the switch from small to big sums", () => {
    const nearLimit = "999999999999999";
    const text = Array.from({ length: 50 }, (_, index) =>
      index % 7 === 3 ? `-${nearLimit}` : nearLimit,
    ).join(" ");
    expect(sumNumbers(text)).toBe(referenceSum(text));
  });

  it("sum refuses a number of more digits than the cap, naming its start and length", () => {
    const atCap = "9".repeat(MAX_NUMBER_DIGITS);
    expect(sumNumbers(`${atCap} 1`)).toBe((10n ** BigInt(MAX_NUMBER_DIGITS)).toString());
    expect(sumNumbers(`1 ${atCap}9`)).toBe(
      `ERROR: "${"9".repeat(32)}"… (${MAX_NUMBER_DIGITS + 1} characters) has ${MAX_NUMBER_DIGITS + 1} digits, more than the ${MAX_NUMBER_DIGITS} a number may have`,
    );
    expect(sumNumbers(`1.${atCap}`)).toMatch(/^ERROR: .* has 4301 digits/);
  });

  it("sum names a long bad token by its start and length", () => {
    expect(sumNumbers(`${"1".repeat(100_000)}x`)).toBe(
      `ERROR: "${"1".repeat(32)}"… (100001 characters) is not a number`,
    );
  });

  it("rejects an unknown app with the list of apps", () => {
    expect(() => getApp("ftp")).toThrowError('unknown app "ftp": choose one of echo, hello, sum');
  });
});
