// The lab's sum server: white-space separated numbers in, their sum out. Integers sum exactly as
// big integers; one fraction or exponent makes the whole sum floating point. A bad token gets an
// `ERROR:` reply rather than a closed connection, so the client can go on.

import type { App } from "./app.js";

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function sumNumbers(text: string): string {
  const tokens = text.split(/\s+/).filter((token) => token.length > 0);
  let integerSum = 0n;
  let floatSum = 0;
  let isFloat = false;
  for (const token of tokens) {
    if (INTEGER.test(token)) {
      integerSum += BigInt(token);
    } else if (DECIMAL.test(token)) {
      isFloat = true;
      floatSum += Number(token);
    } else {
      return `ERROR: ${JSON.stringify(token)} is not a number`;
    }
  }
  return isFloat ? String(floatSum + Number(integerSum)) : integerSum.toString();
}

export const sumApp: App = {
  name: "sum",
  respond: (payload) => Buffer.from(sumNumbers(payload.toString("utf8"))),
};
