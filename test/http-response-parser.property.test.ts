// sockbench's HTTP/1.1 response parser (the HTTP load driver's): responses framed by Content-Length, by
// chunks or by the close, cut anywhere by TCP, come out whole and in order; what is not HTTP is refused.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpProtocolError, HttpResponseParser } from "../src/clients/load/http/http-response-parser.js";

interface Sent {
  status: number;
  body: Buffer;
  chunked: boolean;
  chunkBytes: number;
}

function encode(response: Sent): Buffer {
  const head = `HTTP/1.1 ${response.status} Something\r\nDate: x\r\n`;
  if (!response.chunked) {
    return Buffer.concat([
      Buffer.from(`${head}content-length: ${response.body.length}\r\n\r\n`),
      response.body,
    ]);
  }
  const parts: Buffer[] = [Buffer.from(`${head}Transfer-Encoding: chunked\r\n\r\n`)];
  for (let at = 0; at < response.body.length; at += response.chunkBytes) {
    const piece = response.body.subarray(at, at + response.chunkBytes);
    parts.push(Buffer.from(`${piece.length.toString(16)};ext=1\r\n`), piece, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("0\r\nTrailer: t\r\n\r\n"));
  return Buffer.concat(parts);
}

/**
 * Feeds `bytes` cut at `cuts`, each piece through one reused buffer (as the shared read buffer is); a
 * response is read before the next piece overwrites it, as the lane does.
 */
function feed(parser: HttpResponseParser, bytes: Buffer, cuts: number[]) {
  const shared = Buffer.alloc(bytes.length + 1);
  const responses = [];
  let from = 0;
  for (const to of [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))]
    .sort((a, b) => a - b)
    .concat(bytes.length)) {
    if (to <= from) continue;
    bytes.copy(shared, 0, from, to);
    for (const response of parser.push(shared.subarray(0, to - from))) {
      responses.push({ statusCode: response.statusCode, hex: response.body.toString("hex") });
    }
    shared.fill(0x2a);
    from = to;
  }
  return responses;
}

describe("HttpResponseParser", () => {
  it("gives every response whole and in order, however the stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            status: fc.constantFrom(200, 201, 500),
            body: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
            chunked: fc.boolean(),
            chunkBytes: fc.integer({ min: 1, max: 64 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.array(fc.nat(), { maxLength: 20 }),
        (sent, cuts) => {
          const parser = new HttpResponseParser(1024);
          const got = feed(parser, Buffer.concat(sent.map(encode)), cuts);
          expect(got.map((response) => [response.statusCode, response.hex])).toEqual(
            sent.map((response) => [response.status, response.body.toString("hex")]),
          );
          expect(parser.isMidResponse).toBe(false);
        },
      ),
    );
  });

  it("takes a body up to the close, a 204 without one, and Connection: close", () => {
    const parser = new HttpResponseParser(1024);
    const first = parser.push(
      Buffer.from("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nab"),
    );
    expect(first.map((response) => response.statusCode)).toEqual([204]);
    expect(parser.push(Buffer.from("cd"))).toEqual([]);
    expect(parser.end()).toMatchObject({ statusCode: 200, body: Buffer.from("abcd"), closes: true });
  });

  it("refuses what is not HTTP/1.1, and a body above the limit", () => {
    expect(() => new HttpResponseParser(1024).push(Buffer.from("\x00\x05hello\r\n\r\n"))).toThrow(
      /not an HTTP\/1.1 status line/,
    );
    expect(() =>
      new HttpResponseParser(10).push(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n")),
    ).toThrow(new HttpProtocolError("a response body of 11 bytes exceeds max frame 10"));
  });
});
