/**
 * What the recurrent and the Transformer import share: reading float tensors by name with their shapes checked, the
 * number format the stored dtypes imply, and token or label names with their id defaults. Every problem is one
 * CcboundError line naming the tensor.
 */
import { CcboundError, type ErrorCode } from "../errors.js";
import type { Matrix, Vector } from "../models/spec.js";
import { isFloatDtype, type Dtype, type SafetensorsFile, type SafetensorsTensor } from "./safetensors.js";

const HINT = "see docs/safetensors.md";

export function fail(message: string, where: string, code: ErrorCode = "invalid-model"): never {
  throw new CcboundError(code, message, where, HINT);
}

/** One setting and where it came from ("__metadata__", "m.ccbound.json" or "--vocab"), for messages. */
export interface Setting<T> {
  readonly value: T;
  readonly from: string;
}

/** Reads float tensors by name, checks their shapes, and records which were used and their dtypes. */
export class TensorReader {
  readonly used = new Set<string>();
  readonly dtypes = new Set<Dtype>();
  constructor(
    private readonly file: SafetensorsFile,
    private readonly where: string,
  ) {}

  has(name: string): boolean {
    return this.file.tensors.has(name);
  }

  get(name: string): SafetensorsTensor & { values: Float64Array } {
    const t = this.file.tensors.get(name) ?? fail(`no tensor ${JSON.stringify(name)}`, this.where);
    if (!isFloatDtype(t.dtype) || t.values === undefined)
      fail(`tensor ${JSON.stringify(name)} has dtype ${t.dtype}; weights must be F64, F32, F16 or BF16`, this.where);
    this.used.add(name);
    this.dtypes.add(t.dtype);
    return t as SafetensorsTensor & { values: Float64Array };
  }

  /** A 2-D tensor as rows; `rows`/`cols` are checked when given, with the reason for the expected size. */
  matrix(name: string, rows: number | undefined, cols: number | undefined, why: string): Matrix {
    const t = this.get(name);
    const [r, c] = t.shape;
    if (t.shape.length !== 2 || (rows !== undefined && r !== rows) || (cols !== undefined && c !== cols)) {
      const want = `[${rows ?? "rows"}, ${cols ?? "columns"}]`;
      fail(`tensor ${JSON.stringify(name)} has shape [${t.shape.join(", ")}], expected ${want} (${why})`, this.where);
    }
    return Array.from({ length: r! }, (_, i) => Array.from(t.values.subarray(i * c!, (i + 1) * c!)));
  }

  vector(name: string, length: number, why: string): Vector {
    const t = this.get(name);
    if (t.shape.length !== 1 || t.shape[0] !== length)
      fail(
        `tensor ${JSON.stringify(name)} has shape [${t.shape.join(", ")}], expected [${length}] (${why})`,
        this.where,
      );
    return Array.from(t.values);
  }

  /** A bias that PyTorch leaves out with bias=False: zeros then. */
  optionalVector(name: string, length: number, why: string): Vector {
    return this.has(name) ? this.vector(name, length, why) : zeros(length);
  }
}

/** Token or label names: given (and as many as the rows), or the ids "0".."n-1". */
export function rowNames(
  setting: Setting<string[]> | undefined,
  key: "vocab" | "labels",
  n: number,
  rows: string,
  where: string,
): string[] {
  if (setting === undefined) return Array.from({ length: n }, (_, i) => String(i));
  if (setting.value.length !== n) {
    const count = `${setting.value.length} ${key === "vocab" ? "tokens" : "labels"}`;
    if (setting.from.startsWith("--")) fail(`gives ${count}, but ${rows}`, setting.from, "invalid-flag");
    fail(`"ccbound.${key}" in ${setting.from} names ${count}, but ${rows}`, where);
  }
  return setting.value;
}

/** The number format of the stored weights: one dtype gives its format; mixed dtypes, the narrowest that holds them all. */
export function formatOf(dtypes: ReadonlySet<Dtype>): string {
  if (dtypes.has("F64")) return "float64";
  if (dtypes.has("F32") || (dtypes.has("F16") && dtypes.has("BF16"))) return "float32";
  return dtypes.has("F16") ? "float16" : "bfloat16";
}

export function zeros(n: number): number[] {
  return new Array<number>(n).fill(0);
}

/** The tensors a reader did not use: a model of another shape, refused rather than silently misread. */
export function leftovers(file: SafetensorsFile, used: ReadonlySet<string>): string | undefined {
  const left = [...file.tensors.keys()].filter((n) => !used.has(n));
  if (left.length === 0) return undefined;
  const shown =
    left
      .slice(0, 3)
      .map((n) => JSON.stringify(n))
      .join(", ") + (left.length > 3 ? ` and ${left.length - 3} more` : "");
  return `tensor${left.length > 1 ? "s" : ""} ${shown} ${left.length > 1 ? "are" : "is"}`;
}
