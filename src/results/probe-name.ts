// The probes `check --target|--server` runs besides its matrix, by name: each asks how the server meets
// clients as they come in practice (after another, beside others, or leaving with a reset).

export const PROBE_NAMES = [
  "second-client",
  "concurrent-clients",
  "reset-mid-request",
  "reset-mid-reply",
] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];

/** What each probe does, as a person reads it in a report. */
export const PROBE_DESCRIPTIONS: Record<ProbeName, string> = {
  "second-client": "a client, then a second one after the first has closed",
  "concurrent-clients":
    "clients side by side through the slicing proxy, each checked against its own requests",
  "reset-mid-request": "a client resets half-way through a request; then a fresh client must be answered",
  "reset-mid-reply":
    "a client resets while its replies are being written; then a fresh client must be answered",
};
