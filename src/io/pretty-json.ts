/**
 * Human-readable JSON for the files ccbound writes: two-space indentation, but an array of scalars stays on one line,
 * so a matrix shows one row per line and a token list is one line, not one token per line.
 * Keys keep the object's own order (callers order them); undefined properties are left out.
 */
import { jsonScalar } from "./canonical.js";

export function prettyJson(value: unknown, indent = ""): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (value.every(isScalar)) return `[${value.map(jsonScalar).join(", ")}]`;
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{}";
    const lines = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`);
    return `{\n${lines.join(",\n")}\n${indent}}`;
  }
  return jsonScalar(value);
}

function isScalar(v: unknown): boolean {
  return v === null || (typeof v !== "object" && typeof v !== "function");
}
