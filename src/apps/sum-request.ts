// Requests for the lab's sum server whose sum is known: `sizeBytes` of decimal numbers (1 to 6 digits)
// separated by single spaces, never a leading or trailing space, made from a seed so that request N is
// the same in every run. Pure.

/** A seeded generator (mulberry32): the same seed gives the same numbers. */
function seededDigits(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) % 10;
  };
}

const MAX_DIGITS = 6;

/** Exactly `sizeBytes` of numbers and spaces, for request `index` on connection `connectionId`. */
export function sumRequest(index: number, sizeBytes: number, connectionId = 0): Buffer {
  const digit = seededDigits(Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(connectionId + 1, 0x85ebca6b));
  const text = Buffer.allocUnsafe(sizeBytes);
  let digitsInNumber = 0;
  let numberLength = 1 + (digit() % MAX_DIGITS);
  for (let offset = 0; offset < sizeBytes; offset++) {
    // A space only between two digits: never first, never last, never two in a row.
    const spaceFits = digitsInNumber >= numberLength && offset < sizeBytes - 1;
    if (spaceFits) {
      text[offset] = 0x20;
      digitsInNumber = 0;
      numberLength = 1 + (digit() % MAX_DIGITS);
    } else {
      text[offset] = 0x30 + digit();
      digitsInNumber++;
    }
  }
  return text;
}
