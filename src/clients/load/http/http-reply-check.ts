// Whether one HTTP response answers its own request. HTTP frames each reply itself and a connection
// answers its requests in order, so the lane pairs each response with its own request: a status other than 200 is a
// `status` mismatch, and under --verify echo a body that is not the request's payload byte for byte is
// `corrupted`, with the detail saying how (cut short, extended, another request's body, changed bytes).

import type { MismatchKind } from "../../../results/load-result.js";
import type { EchoPayloadCodec } from "../verification/echo-payload.js";

export interface HttpReplyFault {
  kind: MismatchKind;
  detail: string;
}

/** The first bytes of a body, quoted, for an error sample. */
const QUOTED_BYTES = 60;

export class HttpReplyCheck {
  constructor(private readonly codec: EchoPayloadCodec) {}

  /**
   * Undefined when the response answers the request. `payload`: what was sent, under --verify echo
   * (undefined with --verify none: only the status is checked).
   */
  check(
    statusCode: number,
    statusText: string,
    body: Buffer,
    payload: Buffer | undefined,
  ): HttpReplyFault | undefined {
    if (statusCode !== 200) {
      const text = statusText.length > 0 ? ` ${statusText}` : "";
      return { kind: "status", detail: `status ${statusCode}${text}, body ${quote(body)}` };
    }
    if (payload === undefined || body.equals(payload)) return undefined;
    return { kind: "corrupted", detail: this.describeBody(body, payload) };
  }

  private describeBody(body: Buffer, payload: Buffer): string {
    const sizes = `reply of ${body.length} bytes`;
    if (body.length < payload.length && payload.subarray(0, body.length).equals(body)) {
      return `${sizes} is the first ${body.length} of the ${payload.length} sent (cut short)`;
    }
    if (body.length > payload.length && body.subarray(0, payload.length).equals(payload)) {
      return `${sizes} is the ${payload.length} sent and ${body.length - payload.length} more`;
    }
    const header = this.codec.parseHeader(body);
    const own = this.codec.parseHeader(payload);
    if (
      header !== undefined &&
      (own === undefined || header.seq !== own.seq || header.connectionId !== own.connectionId)
    ) {
      return `${sizes} is the body of lane ${header.connectionId} request ${header.seq}`;
    }
    let at = 0;
    while (at < body.length && at < payload.length && body[at] === payload[at]) at++;
    return `${sizes} differs from the ${payload.length} sent from byte ${at}: ${quote(body.subarray(at))}`;
  }
}

function quote(bytes: Buffer): string {
  const shown = JSON.stringify(bytes.subarray(0, QUOTED_BYTES).toString("latin1"));
  return bytes.length > QUOTED_BYTES ? `${shown}...` : shown;
}
