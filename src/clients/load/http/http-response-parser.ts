// The responses of one HTTP/1.1 connection, cut from the bytes as they come: the status line and headers,
// then a body of Content-Length bytes, in chunks (Transfer-Encoding: chunked), or up to the close. What it
// keeps between reads it copies, so a read may be a view of a buffer the next read overwrites; a response
// it returns may be such a view too, to be read before the next push.

import { registerErrorClass, SockbenchError } from "../../../errors.js";

/** A response, whole. */
export interface HttpResponse {
  statusCode: number;
  statusText: string;
  body: Buffer;
  /** The server said `Connection: close`: nothing more comes on this connection. */
  closes: boolean;
}

/** The server broke HTTP/1.1 (or --max-frame): the connection cannot be read any further. */
export class HttpProtocolError extends SockbenchError {
  static override readonly code = "SOCKBENCH_ERR_HTTP_PROTOCOL";
}
registerErrorClass(HttpProtocolError);

const CRLF = Buffer.from("\r\n");
const HEAD_END = Buffer.from("\r\n\r\n");
/** A status line and headers longer than this are no server's: undici and node refuse 16 KiB. */
const MAX_HEAD_BYTES = 64 * 1024;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?$/;
const EMPTY = Buffer.alloc(0);

type State = "head" | "length" | "chunk-size" | "chunk-data" | "chunk-end" | "trailers" | "until-close";

export class HttpResponseParser {
  private state: State = "head";
  /** Bytes kept from earlier reads, not yet cut (a copy). */
  private kept: Buffer = EMPTY;
  private statusCode = 0;
  private statusText = "";
  private closes = false;
  /** Body bytes still to come: of the whole body (length), or of the current chunk. */
  private remaining = 0;
  private bodyParts: Buffer[] = [];
  /** bodyParts before this index are copies; the others may be views of the current read. */
  private copiedParts = 0;
  private bodyBytes = 0;

  constructor(private readonly maxBodyBytes: number) {}

  /** Bytes of a response begun and not finished (its head, once read, not counted). */
  get partialBytes(): number {
    return this.kept.length + this.bodyBytes;
  }

  /** Whether a response is under way: bytes of it came, and not all of it. */
  get isMidResponse(): boolean {
    return (this.state !== "head" && this.state !== "until-close") || this.kept.length > 0;
  }

  /** The responses `chunk` completes, in order. Throws HttpProtocolError when the bytes are not HTTP/1.1. */
  push(chunk: Buffer): HttpResponse[] {
    const responses: HttpResponse[] = [];
    const bytes = this.kept.length > 0 ? Buffer.concat([this.kept, chunk]) : chunk;
    this.kept = EMPTY;
    let offset = 0;
    while (offset < bytes.length) {
      const used = this.step(bytes, offset, responses);
      if (used < 0) {
        // More bytes are needed for what starts at offset: keep a copy, the read may be overwritten.
        this.kept = Buffer.from(bytes.subarray(offset));
        break;
      }
      offset = used;
    }
    // A body still under way outlives this read: its parts from it are copied.
    for (; this.copiedParts < this.bodyParts.length; this.copiedParts++) {
      this.bodyParts[this.copiedParts] = Buffer.from(this.bodyParts[this.copiedParts] as Buffer);
    }
    return responses;
  }

  /** The server closed: a body read up to the close is complete; anything else under way was cut short. */
  end(): HttpResponse | undefined {
    if (this.state !== "until-close") return undefined;
    return this.finish();
  }

  /** Cuts from `offset`; returns where it stopped, or -1 when what starts at `offset` needs more bytes. */
  private step(bytes: Buffer, offset: number, responses: HttpResponse[]): number {
    switch (this.state) {
      case "head":
        return this.readHead(bytes, offset, responses);
      case "length":
      case "chunk-data":
      case "until-close":
        return this.readBody(bytes, offset, responses);
      case "chunk-size":
        return this.readChunkSize(bytes, offset, responses);
      case "chunk-end":
        return this.readChunkEnd(bytes, offset);
      case "trailers":
        return this.readTrailers(bytes, offset, responses);
    }
  }

  private readHead(bytes: Buffer, offset: number, responses: HttpResponse[]): number {
    const end = bytes.indexOf(HEAD_END, offset);
    if (end === -1) {
      if (bytes.length - offset > MAX_HEAD_BYTES)
        throw new HttpProtocolError(`a response head above ${MAX_HEAD_BYTES} bytes`);
      return -1;
    }
    const lines = bytes.toString("latin1", offset, end).split("\r\n");
    const status = STATUS_LINE.exec(lines[0] ?? "");
    if (status === null) {
      throw new HttpProtocolError(
        `not an HTTP/1.1 status line: ${JSON.stringify((lines[0] ?? "").slice(0, 60))}`,
      );
    }
    this.statusCode = Number(status[1]);
    this.statusText = status[2] ?? "";
    let length: number | undefined;
    let chunked = false;
    this.closes = false;
    for (let index = 1; index < lines.length; index++) {
      const line = lines[index] as string;
      const colon = line.indexOf(":");
      if (colon <= 0)
        throw new HttpProtocolError(`a malformed header line: ${JSON.stringify(line.slice(0, 60))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") {
        if (!/^\d+$/.test(value)) throw new HttpProtocolError(`Content-Length ${JSON.stringify(value)}`);
        length = Number(value);
      } else if (name === "transfer-encoding") {
        chunked = value
          .toLowerCase()
          .split(",")
          .some((coding) => coding.trim() === "chunked");
      } else if (name === "connection") {
        this.closes = value
          .toLowerCase()
          .split(",")
          .some((option) => option.trim() === "close");
      }
    }
    const next = end + HEAD_END.length;
    // 1xx: an interim response, the final one follows. 204 and 304 carry no body.
    if (this.statusCode >= 100 && this.statusCode < 200) return next;
    if (this.statusCode === 204 || this.statusCode === 304 || length === 0) {
      responses.push(this.finish());
      return next;
    }
    if (chunked) {
      this.state = "chunk-size";
    } else if (length !== undefined) {
      this.checkBodySize(length);
      this.state = "length";
      this.remaining = length;
    } else {
      this.state = "until-close";
      this.remaining = Number.POSITIVE_INFINITY;
    }
    return next;
  }

  private readBody(bytes: Buffer, offset: number, responses: HttpResponse[]): number {
    const take = Math.min(this.remaining, bytes.length - offset);
    this.addBody(bytes.subarray(offset, offset + take));
    this.remaining -= take;
    if (this.remaining > 0) {
      if (this.state === "until-close") this.checkBodySize(this.bodyBytes);
      return bytes.length;
    }
    if (this.state === "chunk-data") {
      this.state = "chunk-end";
      return offset + take;
    }
    responses.push(this.finish());
    return offset + take;
  }

  private readChunkSize(bytes: Buffer, offset: number, responses: HttpResponse[]): number {
    const end = bytes.indexOf(CRLF, offset);
    if (end === -1) return bytes.length - offset > 1024 ? this.badChunk(bytes, offset) : -1;
    const sizeText = bytes.toString("latin1", offset, end).split(";")[0]?.trim() ?? "";
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) return this.badChunk(bytes, offset);
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) {
      this.state = "trailers";
      return this.readTrailers(bytes, end, responses);
    }
    this.checkBodySize(this.bodyBytes + size);
    this.state = "chunk-data";
    this.remaining = size;
    return end + CRLF.length;
  }

  private readChunkEnd(bytes: Buffer, offset: number): number {
    if (bytes.length - offset < CRLF.length) return -1;
    if (bytes[offset] !== 0x0d || bytes[offset + 1] !== 0x0a) {
      throw new HttpProtocolError("a chunk not followed by CRLF");
    }
    this.state = "chunk-size";
    return offset + CRLF.length;
  }

  /** At a CRLF: the body ends at a CRLF CRLF (no trailers) or after the trailer lines. */
  private readTrailers(bytes: Buffer, offset: number, responses: HttpResponse[]): number {
    const end = bytes.indexOf(HEAD_END, offset);
    if (end === -1) return -1;
    responses.push(this.finish());
    return end + HEAD_END.length;
  }

  private badChunk(bytes: Buffer, offset: number): never {
    throw new HttpProtocolError(
      `a malformed chunk size line: ${JSON.stringify(bytes.toString("latin1", offset, offset + 40))}`,
    );
  }

  private checkBodySize(bodyBytes: number): void {
    if (bodyBytes > this.maxBodyBytes) {
      throw new HttpProtocolError(
        `a response body of ${bodyBytes} bytes exceeds max frame ${this.maxBodyBytes}`,
      );
    }
  }

  private addBody(part: Buffer): void {
    if (part.length === 0) return;
    this.bodyParts.push(part);
    this.bodyBytes += part.length;
  }

  private finish(): HttpResponse {
    const parts = this.bodyParts;
    const body =
      parts.length === 0 ? EMPTY : parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    const response = { statusCode: this.statusCode, statusText: this.statusText, body, closes: this.closes };
    this.bodyParts = [];
    this.copiedParts = 0;
    this.bodyBytes = 0;
    this.state = "head";
    return response;
  }
}
