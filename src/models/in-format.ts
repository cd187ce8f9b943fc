/**
 * The same model in another number format: what a quantised deployment computes (`--format F` on every command that
 * runs a model, and `convert --format F`). The weights are rounded to the format here (the forward pass would round
 * them anyway), so the spec, and its hash, is the one a converted file holds. Each architecture says how
 * (src/models/archs/); a DFA has no number format and is refused.
 */
import { fail } from "../errors.js";
import { parseFormat } from "../numeric/parse.js";
import { archOf, type ModelSpec } from "./archs/index.js";

export function inFormat<S extends ModelSpec>(spec: S, name: string, where = "--format"): S {
  const format = parseFormat(name, where);
  const rounded = archOf(spec).inFormat(spec, format, where);
  const beyond = firstNonFinite(rounded, "");
  if (beyond !== undefined)
    fail(
      "invalid-flag",
      `the weight ${String(valueAt(spec, beyond.path))} at ${beyond.path} is beyond the range of ${format.name} (it would be ${beyond.value}); a model file holds finite numbers only`,
      where,
    );
  return rounded;
}

/** The first number in a value that is not finite, with its JSON pointer. */
function firstNonFinite(value: unknown, path: string): { path: string; value: number } | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : { path, value };
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = firstNonFinite(item, `${path}/${key}`);
    if (found) return found;
  }
  return undefined;
}

function valueAt(value: unknown, path: string): unknown {
  return path
    .split("/")
    .slice(1)
    .reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], value);
}
