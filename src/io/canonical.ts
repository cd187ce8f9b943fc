/**
 * Canonical JSON: the bytes a model is named by (its SHA-256 goes into certificates), so equal models must give
 * equal bytes whatever the key order of the file they came from.
 *
 * - object keys sorted by UTF-16 code units, recursively; arrays keep their order;
 * - no whitespace;
 * - numbers in JavaScript's shortest round-trip form (what JSON.stringify writes), strings escaped as JSON.stringify does.
 *   For the values a model holds this is the JSON Canonicalization Scheme (RFC 8785).
 * - -0 is written as 0: JSON has no negative zero, and JSON.stringify does the same. So two models that differ only in
 *   the sign of a zero weight share a hash. Their answers agree: a zero of either sign adds nothing to a sum, and
 *   comparisons and argmax treat both zeros alike (only the exact bits of some intermediate zeros can differ).
 * - object properties whose value is undefined are left out (an absent optional field and an undefined one are equal).
 *
 * Non-JSON values (NaN, Infinity, bigint, functions, undefined in an array) are a programming error: TypeError.
 */
import { createHash } from "node:crypto";

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(",")}}`;
  }
  return jsonScalar(value);
}

/** One JSON scalar; refuses what JSON.stringify would silently turn into null or drop. */
export function jsonScalar(value: unknown): string {
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as JSON`);
      return JSON.stringify(value);
    case "object":
      if (value === null) return "null";
      break;
    default:
      break;
  }
  throw new TypeError(`cannot write a ${typeof value} as JSON`);
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
