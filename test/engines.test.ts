// The Node versions package.json promises, checked against what npm installs: on the first release of
// each promised major, no locked package may ask for a newer Node (npm would warn EBADENGINE).

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const manifest = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
};
interface LockedPackage {
  optional?: boolean;
  engines?: { node?: string };
}
const lock = JSON.parse(readFileSync(resolve(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockedPackage>;
};

/** The majors the machines and CI run. */
const MAJORS = [20, 22, 24];

/** The oldest release of `major` that package.json's engines admit: where a too-new dependency shows first. */
function oldestPromised(major: number): string | null {
  const releases = new semver.Range(manifest.engines.node).set
    .map((comparators) =>
      semver.minVersion(`${comparators.map(String).join(" ")} >=${major}.0.0 <${major + 1}.0.0`.trim()),
    )
    .filter((release) => release !== null)
    .map(String);
  return releases.sort(semver.compare)[0] ?? null;
}

describe("engines", () => {
  for (const major of MAJORS) {
    const oldest = oldestPromised(major);
    it(`Node ${major} is promised, and every locked package accepts its oldest promised release`, () => {
      expect(oldest).not.toBeNull();
      const refusing = Object.entries(lock.packages)
        // Optional packages (platform binaries such as wasm32) are skipped by npm where they do not fit.
        .filter(([, locked]) => locked.optional !== true && locked.engines?.node !== undefined)
        .filter(([, locked]) => !semver.satisfies(String(oldest), locked.engines?.node ?? "*"))
        .map(([path, locked]) => `${path} wants node ${locked.engines?.node}`);
      expect(refusing, `on Node ${oldest}`).toEqual([]);
    });
  }
});
