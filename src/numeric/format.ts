/**
 * A number format: how a real is stored in p bits. Every arithmetic result of a model is rounded to its format,
 * and a party of a protocol sends a value as exactly `bits` bits (its `encode`).
 */
export type FormatKind = "ieee" | "fixed";

export interface NumberFormat {
  /** Canonical name, parseable by parseFormat: "float64", "float32", "float16", "bfloat16", "fixed:1.2", "fixed:1.2:nearest". */
  readonly name: string;
  readonly kind: FormatKind;
  /** p: bits per value. */
  readonly bits: number;
  /** Largest finite representable value (the smallest is its negation, or -max - step for fixed point). */
  readonly max: number;
  readonly min: number;
  /** The format's value for the real x (one rounding from binary64, never two). NaN stays NaN. */
  round(x: number): number;
  /** True when x is exactly a value of this format. */
  isRepresentable(x: number): boolean;
  /** The exact p-bit code of a representable x, as an unsigned integer in [0, 2^p). */
  encode(x: number): bigint;
  /** Inverse of encode. */
  decode(code: bigint): number;
}
