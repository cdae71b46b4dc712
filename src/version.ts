// The package version, read once from package.json so results and --version never disagree with it.

import { readFileSync } from "node:fs";

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

export const SOCKBENCH_VERSION = packageJson.version;
