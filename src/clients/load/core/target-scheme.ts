// The transport a load target's scheme names, apart from target.ts so that the CLI can read it at start-up
// without loading undici.

/** The transport a target's scheme names (`http://`, `udp://`), or undefined when it names none of its own. */
export function transportOfTarget(text: string): "http" | "udp" | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith("http://")) return "http";
  if (trimmed.startsWith("udp://")) return "udp";
  return undefined;
}
