// Types for length-prefixed-stream 2 (CommonJS, ships none): varint-prefixed frames over
// readable-stream 3 Transforms, which behave as Node's for the writes and events used here.

declare module "length-prefixed-stream" {
  import type { Transform } from "node:stream";

  const lengthPrefixedStream: {
    encode(): Transform;
    decode(options?: { limit?: number; allowEmpty?: boolean }): Transform;
  };
  export default lengthPrefixedStream;
}
