// The JSON Schemas are static files: every list of framing names in them (any enum that holds "eof") must
// name every registered framing, or a result of a new framing would not validate.

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { framingNames } from "../src/framing/registry.js";

const SCHEMAS = new URL("../schemas/", import.meta.url);

/** Every enum in a schema that lists framings, with where it is. */
function framingEnums(node: unknown, path: string): { path: string; names: string[] }[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => framingEnums(item, `${path}[${index}]`));
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === "enum" && Array.isArray(value) && value.includes("eof")
      ? [{ path, names: value as string[] }]
      : framingEnums(value, `${path}.${key}`),
  );
}

describe("the schemas' framing lists", () => {
  const files = readdirSync(SCHEMAS).filter((name) => name.endsWith(".schema.json"));
  it.each(files)("%s names every registered framing wherever it lists framings", (file) => {
    const schema = JSON.parse(readFileSync(new URL(file, SCHEMAS), "utf8")) as unknown;
    for (const { path, names } of framingEnums(schema, file)) {
      expect(
        framingNames().filter((name) => !names.includes(name)),
        path,
      ).toEqual([]);
    }
  });
});
