// The lab's hello-world server, reply for reply.

import type { App } from "./app.js";

export const helloApp: App = {
  name: "hello",
  respond: (payload) => Buffer.from(`I got "${payload.toString("utf8")}" from you and I am sending it back.`),
};
