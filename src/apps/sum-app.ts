// The lab's sum server: white-space separated numbers in, their sum out. Integers sum exactly as
// big integers; one fraction or exponent makes the whole sum floating point. A bad token gets an
// `ERROR:` reply rather than a closed connection, so the client can go on.
//
// One pass over the text, no regular expression: a peer controls the input, and a backtracking pattern
// on a long digit run followed by a non-digit held the event loop for minutes. Numbers are capped at
// MAX_NUMBER_DIGITS because turning decimal text into a big integer is superlinear in its length.

import type { App } from "./app.js";

/** Digits in one number, as Python caps int/str conversion (CVE-2020-10735): ~60 µs of BigInt work. */
export const MAX_NUMBER_DIGITS = 4300;

/** A bad token longer than this is named by its start and its length, not echoed whole. */
const QUOTED_TOKEN_CHARACTERS = 64;

/** Integers of this many digits or fewer are exact in a double and summed there before joining the big sum. */
const SMALL_INTEGER_DIGITS = 15;

/** Joins the small-integer sum to the big one before it could pass 2^53. */
const SMALL_SUM_LIMIT = 2 ** 53 - 10 ** SMALL_INTEGER_DIGITS;

export type NumberKind = "integer" | "decimal" | "invalid";

/** What `text.slice(start, end)` is, by the grammar `[+-]? (D+ (. D*)? | . D+) ([eE] [+-]? D+)?`, D = 0-9. */
export function classifyNumber(
  text: string,
  start: number,
  end: number,
): { kind: NumberKind; digits: number } {
  let index = start;
  let digits = 0;
  const sign = text.charCodeAt(index);
  if (sign === PLUS || sign === MINUS) index++;
  const integerStart = index;
  while (index < end && isDigit(text.charCodeAt(index))) index++;
  let mantissaDigits = index - integerStart;
  let isInteger = true;
  if (index < end && text.charCodeAt(index) === DOT) {
    isInteger = false;
    const fractionStart = ++index;
    while (index < end && isDigit(text.charCodeAt(index))) index++;
    mantissaDigits += index - fractionStart;
  }
  if (mantissaDigits === 0) return { kind: "invalid", digits: 0 };
  digits += mantissaDigits;
  const exponentMark = text.charCodeAt(index);
  if (index < end && (exponentMark === LOWER_E || exponentMark === UPPER_E)) {
    isInteger = false;
    index++;
    const exponentSign = text.charCodeAt(index);
    if (index < end && (exponentSign === PLUS || exponentSign === MINUS)) index++;
    const exponentStart = index;
    while (index < end && isDigit(text.charCodeAt(index))) index++;
    if (index === exponentStart) return { kind: "invalid", digits: 0 };
    digits += index - exponentStart;
  }
  if (index !== end) return { kind: "invalid", digits: 0 };
  return { kind: isInteger ? "integer" : "decimal", digits };
}

export function sumNumbers(text: string): string {
  let bigSum = 0n;
  let smallSum = 0;
  let floatSum = 0;
  let isFloat = false;
  let index = 0;
  while (index < text.length) {
    while (index < text.length && isWhiteSpace(text.charCodeAt(index))) index++;
    if (index === text.length) break;
    const start = index;
    while (index < text.length && !isWhiteSpace(text.charCodeAt(index))) index++;
    const { kind, digits } = classifyNumber(text, start, index);
    if (kind === "invalid") return `ERROR: ${quoteToken(text.slice(start, index))} is not a number`;
    if (digits > MAX_NUMBER_DIGITS) {
      return `ERROR: ${quoteToken(text.slice(start, index))} has ${digits} digits, more than the ${MAX_NUMBER_DIGITS} a number may have`;
    }
    if (kind === "decimal") {
      isFloat = true;
      floatSum += Number(text.slice(start, index));
    } else if (digits <= SMALL_INTEGER_DIGITS) {
      smallSum += smallInteger(text, start, index);
      if (Math.abs(smallSum) > SMALL_SUM_LIMIT) {
        bigSum += BigInt(smallSum);
        smallSum = 0;
      }
    } else {
      bigSum += BigInt(text.slice(start, index));
    }
  }
  const integerSum = bigSum + BigInt(smallSum);
  return isFloat ? String(floatSum + Number(integerSum)) : integerSum.toString();
}

/** The value of an integer token short enough to be exact in a double, without slicing it out. */
function smallInteger(text: string, start: number, end: number): number {
  const sign = text.charCodeAt(start);
  let index = sign === PLUS || sign === MINUS ? start + 1 : start;
  let value = 0;
  for (; index < end; index++) value = value * 10 + (text.charCodeAt(index) - 0x30);
  return sign === MINUS ? -value : value;
}

function quoteToken(token: string): string {
  if (token.length <= QUOTED_TOKEN_CHARACTERS) return JSON.stringify(token);
  return `${JSON.stringify(token.slice(0, QUOTED_TOKEN_CHARACTERS / 2))}… (${token.length} characters)`;
}

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** The characters JavaScript's `\s` matches, which the tokens were split on before. */
function isWhiteSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

export const sumApp: App = {
  name: "sum",
  respond: (payload) => Buffer.from(sumNumbers(payload.toString("utf8"))),
};
