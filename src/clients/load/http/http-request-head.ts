// The head of every POST an HTTP load sends, made once per body length: the request line with the target's
// path, Host and Content-Length. A request is then its head and its body, written together.

import { formatHostPort } from "../../../host-port.js";
import type { HttpTarget } from "../core/target.js";

export class HttpRequestHeads {
  private readonly prefix: string;
  private readonly byLength = new Map<number, Buffer>();

  constructor(target: HttpTarget) {
    this.prefix = `POST ${target.path} HTTP/1.1\r\nHost: ${formatHostPort(target.host, target.port)}\r\nContent-Type: application/octet-stream\r\nContent-Length: `;
  }

  /** The head of a POST with a body of `bodyBytes`. */
  of(bodyBytes: number): Buffer {
    let head = this.byLength.get(bodyBytes);
    if (head === undefined) {
      head = Buffer.from(`${this.prefix}${bodyBytes}\r\n\r\n`, "latin1");
      this.byLength.set(bodyBytes, head);
    }
    return head;
  }
}
