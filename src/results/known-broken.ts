// Whether a framing named in a result loses message boundaries by design (naive), so that its errors
// are expected and never a finding. Results carry the framing's name only; the framing itself decides.

import { FRAMING_NAMES } from "../framing/framing.js";
import { createFraming } from "../framing/registry.js";

/** False for the framings that must hold, for `http` and for names no framing has. */
export function isKnownBrokenFraming(name: string): boolean {
  return (FRAMING_NAMES as readonly string[]).includes(name) && createFraming(name).knownBroken;
}
