// The import rule of docs/design.md, checked on the sources: folders are layers, imports run one way
// (cli → suites → clients/servers/proxy → results/framing/apps; report → results) and no module
// reaches itself again through its imports, type-only imports included.

import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SOURCE_ROOT = resolve(import.meta.dirname, "..", "src");

/** The layers each layer may import besides itself; modules at the top of src/ (version, built-module) import nothing and serve all. */
const ALLOWED_IMPORTS: Record<string, readonly string[]> = {
  cli: [
    "library",
    "suites",
    "targets",
    "clients",
    "servers",
    "proxy",
    "report",
    "results",
    "framing",
    "apps",
    "platform",
  ],
  // The library's functions (src/index.ts exports them): what the commands call, with their defaults.
  library: ["suites", "targets", "clients", "servers", "proxy", "results", "framing", "apps", "platform"],
  suites: ["targets", "clients", "servers", "proxy", "results", "framing", "apps", "platform"],
  // The user's server and what its replies must be: launched beside the driver, judged by its expectations.
  targets: ["clients", "results", "framing", "apps", "platform"],
  clients: ["results", "framing", "apps", "platform"],
  servers: ["results", "framing", "apps", "platform"],
  proxy: ["results", "framing", "apps"],
  report: ["results"],
  results: ["framing", "platform"],
  framing: [],
  apps: [],
  // The operating system: the one /proc reader, the child-process launcher, the descriptor limit.
  platform: [],
};

/**
 * The load driver's own layers under src/clients/load/: its folders, and the modules at its top by name.
 * The run (core/) knows no transport (it finds them in its registry, which load-transports.ts fills), and
 * what checks replies (verification/) knows no run.
 */
const LOAD_DRIVER_IMPORTS: Record<string, readonly string[]> = {
  "load-driver.ts": ["workers", "load-transports.ts", "core", "verification"],
  workers: ["load-transports.ts", "core", "verification"],
  "load-transports.ts": ["tcp", "http", "udp", "core", "verification"],
  tcp: ["core", "verification"],
  http: ["core", "verification"],
  udp: ["core", "verification"],
  core: ["verification"],
  verification: [],
};
const LOAD_DRIVER_ROOT = "clients/load/";

// `import ... from "./x.js"`, `export ... from "./x.js"`, `import("./x.js")` and `import "./x.js"` (one
// run for its side effects, such as registering the load's transports).
const IMPORT_SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\b[^"'`;]*?\bfrom\s*"(\.[^"]+)"|\bimport\(\s*"(\.[^"]+)"\s*\)|(?:^|\n)\s*import\s*"(\.[^"]+)"/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [relative(SOURCE_ROOT, path)] : [];
  });
}

/** Every relative import of every module, as paths under src/ (`.js` specifiers name `.ts` sources). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SOURCE_ROOT)) {
    const text = readFileSync(join(SOURCE_ROOT, file), "utf8");
    const targets = [...text.matchAll(IMPORT_SPECIFIER)].map((match) => {
      const specifier = (match[1] ?? match[2] ?? match[3]) as string;
      return relative(SOURCE_ROOT, resolve(SOURCE_ROOT, dirname(file), specifier)).replace(/\.js$/, ".ts");
    });
    graph.set(file, targets);
  }
  return graph;
}

/** The folder under src/ a module belongs to; cli.ts is the cli layer, index.ts the library's; other top-level modules have none. */
function layerOf(file: string): string | undefined {
  if (file === "cli.ts") return "cli";
  if (file === "index.ts") return "library";
  const slash = file.indexOf("/");
  return slash === -1 ? undefined : file.slice(0, slash);
}

/** A load driver module's layer: its folder under clients/load/, or its own name at the top of it. */
function loadDriverLayerOf(file: string): string | undefined {
  if (!file.startsWith(LOAD_DRIVER_ROOT)) return undefined;
  const rest = file.slice(LOAD_DRIVER_ROOT.length);
  const slash = rest.indexOf("/");
  return slash === -1 ? rest : rest.slice(0, slash);
}

describe("the import graph of src/", () => {
  const graph = importGraph();

  it("is read whole: every import names a module that exists", () => {
    expect(graph.size).toBeGreaterThan(50);
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !graph.has(target)).map((target) => `${file} -> ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it("runs one way between layers", () => {
    const wrongWay: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (to === undefined) {
          // A shared top-level module serves every layer and imports nothing itself.
          if (from === undefined) wrongWay.push(`${file} -> ${target}`);
          continue;
        }
        if (from === undefined) {
          wrongWay.push(`${file} -> ${target}`);
          continue;
        }
        const allowed = ALLOWED_IMPORTS[from];
        if (allowed === undefined)
          throw new Error(`src/${from}/ is not a known layer: add it to ALLOWED_IMPORTS`);
        if (to !== from && !allowed.includes(to)) wrongWay.push(`${file} -> ${target}`);
      }
    }
    expect(wrongWay).toEqual([]);
  });

  it("runs one way inside the load driver: core/ knows no transport, verification/ knows no run", () => {
    const wrongWay: string[] = [];
    for (const [file, targets] of graph) {
      const from = loadDriverLayerOf(file);
      if (from === undefined) continue;
      const allowed = LOAD_DRIVER_IMPORTS[from];
      if (allowed === undefined)
        throw new Error(`src/${LOAD_DRIVER_ROOT}${from} is not a known layer: add it to LOAD_DRIVER_IMPORTS`);
      for (const target of targets) {
        const to = loadDriverLayerOf(target);
        if (to !== undefined && to !== from && !allowed.includes(to)) wrongWay.push(`${file} -> ${target}`);
      }
    }
    expect(wrongWay).toEqual([]);
  });

  it("has no cycle", () => {
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (file: string): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "open");
      path.push(file);
      for (const target of graph.get(file) ?? []) visit(target);
      path.pop();
      state.set(file, "done");
    };
    for (const file of graph.keys()) visit(file);
    expect(cycles).toEqual([]);
  });
});
