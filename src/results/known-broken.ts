// Whether a framing named in a result loses message boundaries by design (naive), so that its errors
// are expected and never a finding. Results carry the framing's name only; the framing itself decides.

import { createFraming, isFramingName } from "../framing/registry.js";

/** False for the framings that must hold, for `http` and for names no framing has. */
export function isKnownBrokenFraming(name: string): boolean {
  return isFramingName(name) && createFraming(name).knownBroken;
}
