// uPlot's script and stylesheet, read from its npm package to be inlined into every HTML report: the
// page must draw offline, with no CDN.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface ChartLibrary {
  script: string;
  stylesheet: string;
}

let library: ChartLibrary | undefined;

export function chartLibrary(): ChartLibrary {
  if (library === undefined) {
    const require = createRequire(import.meta.url);
    library = {
      script: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
      stylesheet: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    };
  }
  return library;
}
