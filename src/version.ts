// The package version, read once from package.json so results and --version never disagree with it, and
// the package's root, where files shipped beside the code (schemas/) are: package.json is one folder up
// from src/ (tests run the sources) and two up from dist/src/.

import { existsSync, readFileSync } from "node:fs";

const candidates = ["../package.json", "../../package.json"].map((path) => new URL(path, import.meta.url));
const packageJsonUrl = candidates.find((url) => existsSync(url)) ?? (candidates[1] as URL);
const packageJson = JSON.parse(readFileSync(packageJsonUrl, "utf8")) as { version: string };

export const SOCKBENCH_VERSION = packageJson.version;
/** The folder holding package.json, as a URL ending in a slash. */
export const PACKAGE_ROOT_URL = new URL(".", packageJsonUrl);
