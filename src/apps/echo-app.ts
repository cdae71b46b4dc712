// The reply is the request, byte for byte (and the same buffer: nothing is copied).

import type { App } from "./app.js";

export const echoApp: App = {
  name: "echo",
  respond: (payload) => payload,
};
