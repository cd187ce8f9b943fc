import { CcboundError } from "../errors.js";
import type { NumberFormat } from "./format.js";
import { bfloat16, float16, float32, float64 } from "./ieee.js";
import { fixedFormat } from "./fixed.js";

/** The accepted format names, for error hints and help text. */
export const FORMAT_NAMES_HELP =
  "float64, float32, float16, bfloat16, fixed:I.F (round down, the paper's rule; same as fixed:I.F:floor) or fixed:I.F:nearest, with 1 + I + F <= 53";

const IEEE: ReadonlyMap<string, NumberFormat> = new Map([float64, float32, float16, bfloat16].map((f) => [f.name, f]));
const FIXED = /^fixed:(\d{1,2})\.(\d{1,2})(?::(floor|nearest))?$/;

/**
 * The format with this name. Instances are shared (the same name gives the same object), so a format can key caches.
 * `where` says where the name came from (a flag, a path into a model file) for the error message.
 */
export function parseFormat(name: string, where?: string): NumberFormat {
  const ieee = IEEE.get(name);
  if (ieee !== undefined) return ieee;
  const m = FIXED.exec(name);
  if (m !== null) {
    try {
      return fixedFormat(Number(m[1]), Number(m[2]), m[3] === "nearest" ? "nearest" : "floor");
    } catch (e) {
      if (e instanceof CcboundError)
        throw new CcboundError(
          "invalid-format",
          `unsupported number format "${name}": 1 + I + F must be at most 53`,
          where,
          `accepted: ${FORMAT_NAMES_HELP}`,
        );
      throw e;
    }
  }
  throw new CcboundError("invalid-format", `unknown number format "${name}"`, where, `accepted: ${FORMAT_NAMES_HELP}`);
}
