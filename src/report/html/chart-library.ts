// uPlot's script and stylesheet, read from its npm package to be inlined into every HTML report: the
// page must draw offline, with no CDN.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface ChartLibrary {
  script: string;
  stylesheet: string;
  /** Name, version and copyright line: the MIT License asks that copies keep the notice. */
  notice: string;
}

let library: ChartLibrary | undefined;

export function chartLibrary(): ChartLibrary {
  if (library === undefined) {
    const require = createRequire(import.meta.url);
    const { version, license } = JSON.parse(readFileSync(require.resolve("uplot/package.json"), "utf8"));
    const copyright = readFileSync(require.resolve("uplot/LICENSE"), "utf8")
      .split("\n")
      .find((line) => line.startsWith("Copyright"));
    library = {
      script: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
      stylesheet: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
      notice: `uPlot ${version} (https://github.com/leeoniya/uPlot), ${license} License, ${copyright ?? ""}`,
    };
  }
  return library;
}
