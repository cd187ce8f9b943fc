import { CcboundError } from "../errors.js";
import type { NumberFormat } from "./format.js";
import type { IeeeFormat } from "./ieee.js";
import type { FixedFormat } from "./fixed.js";
import { float32Arith, float64Arith } from "./arith-binary.js";
import { emulatedIeeeArith } from "./arith-ieee.js";
import { fixedArith } from "./arith-fixed.js";

/**
 * Arithmetic in one number format: every result is the format's rounding of the exact real result, rounded once
 * (fixed point: floor, or nearest with ties to even under `:nearest`, saturating at the format's ends; IEEE formats:
 * nearest with ties to even, overflow to ±infinity, subnormals, signed zeros). That holds for the transcendental
 * functions too: tanh, sigmoid, exp, ... return the true value of the real function correctly rounded, decided by
 * ccbound's own double-double evaluation and, near a rounding boundary, by exact interval arithmetic (never an
 * engine's Math.tanh or Math.exp, whose last bits differ between engines and C libraries). docs/semantics.md states
 * each definition and its special values. Operands are values of the format. The methods never use `this`, so they
 * can be passed around unbound (`arr.map(arith.round)`).
 */
export interface Arith {
  readonly format: NumberFormat;
  round(x: number): number;
  add(a: number, b: number): number;
  sub(a: number, b: number): number;
  mul(a: number, b: number): number;
  /**
   * Dot product of row r of a row-major matrix (`cols` columns) with v[vOffset ..], rounding after every multiply and
   * every add, in order from column 0: acc = round(acc + round(w * v)), acc starting at 0.
   */
  dotRow(w: Float64Array, r: number, cols: number, v: Float64Array, vOffset?: number): number;
  /**
   * out[outOffset + r] = round(dotRow(r) + bias[r]) for every row (no add when bias is null), reading the vector
   * from v[vOffset ..]. `vOffset` (an addition to the first draft) lets a state or a sequence live in one buffer.
   */
  matVec(
    w: Float64Array,
    rows: number,
    cols: number,
    v: Float64Array,
    bias: Float64Array | null,
    out: Float64Array,
    outOffset?: number,
    vOffset?: number,
  ): void;
  /** round(tanh x). tanh(±0) = ±0, tanh(±inf) = ±1. */
  tanh(x: number): number;
  /** round(1 / (1 + e^-x)), the real logistic function rounded once. sigmoid(±0) = 1/2, (+inf) = 1, (-inf) = +0. */
  sigmoid(x: number): number;
  /**
   * buf[k] = tanh(buf[k]) for from <= k < to, and sigmoidRange likewise: the same values as a call each, for the cells'
   * gates. A loop over an array keeps each binary64 in a register, where a call per value that the engine does not
   * inline boxes its argument and its result (a heap allocation each: most of what a float32 LSTM step allocated).
   */
  tanhRange(buf: Float64Array, from: number, to: number): void;
  sigmoidRange(buf: Float64Array, from: number, to: number): void;
  /** x when x > 0, else +0 (NaN stays NaN). */
  relu(x: number): number;
  /** round(e^x) (softmax's exponentials). exp(±0) = 1, exp(+inf) = +inf, exp(-inf) = +0. */
  exp(x: number): number;
  /** round(ln x) for x > 0; ln(±0) = -inf, ln(x < 0) = NaN; fixed point: both the format's least value. */
  log(x: number): number;
  /** round(ln(1 + e^x)): the real softplus at every x (no threshold). (+inf) = +inf, (-inf) = +0. */
  softplus(x: number): number;
  /** round(x / (1 + e^-x)): the product is not rounded in between. silu(±0) = ±0, (+inf) = +inf, (-inf) = -0. */
  silu(x: number): number;
  /** round(erf x). erf(±0) = ±0, erf(±inf) = ±1. */
  erf(x: number): number;
  /** round(x Phi(x)) = round((x/2)(1 + erf(x/sqrt 2))), exact GELU. (±0) = ±0, (+inf) = +inf, (-inf) = -0. */
  gelu(x: number): number;
  /**
   * round((x/2)(1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))), the tanh GELU ("gelu_new"), with sqrt(2/pi) the real
   * constant and 0.044715 the exact decimal. Special values as gelu.
   */
  geluTanh(x: number): number;
  /**
   * round(sin x), round(cos x): the real functions at the exact argument (reduced by pi/2 exactly, however large),
   * rounded once. sin(±0) = ±0, cos(±0) = 1, sin(±inf) = cos(±inf) = NaN.
   */
  sin(x: number): number;
  cos(x: number): number;
  /** round(a / b): correctly rounded (fixed point: exactly, in integers; division by zero saturates). */
  div(a: number, b: number): number;
  /**
   * round(sqrt x) (layer norm). IEEE: binary64's root checked in integers, then rounded once; sqrt(-0) = -0,
   * sqrt(x < 0) = NaN. Fixed point: the integer square root; a negative or zero argument gives 0.
   */
  sqrt(x: number): number;
}

const cache = new WeakMap<NumberFormat, Arith>();

/**
 * The arithmetic of a format built by ieeeFormat or fixedFormat.
 *
 * Each family has its own loop kernel (binary64 with no rounding, binary32 with Math.fround inline, emulated IEEE,
 * fixed point), so no loop ever calls more than one rounder: a loop taking the rounder as a value is a polymorphic
 * call site, 3-6x slower (bench/numeric-matvec.ts, "polymorphicBaseline"). Within a family the formats differ only
 * in constants. Giving each format its own closures (a factory per format) does NOT give it its own code in V8:
 * closures of one function literal share feedback and optimised code, and with a second fixed format in the process
 * the first one's matVec fell from about 2000/s to 500-650/s (measured, Node 20). So the kernels are module-level
 * functions that take the format's constants from a Float64Array (ieeeTable, fixedParams); with that, the numbers
 * with several formats in one process are close to those of a single format (the benchmark's "mixed" vs "isolated").
 */
export function arithFor(format: NumberFormat): Arith {
  let arith = cache.get(format);
  if (arith === undefined) {
    arith = build(format);
    cache.set(format, arith);
  }
  return arith;
}

function build(format: NumberFormat): Arith {
  if (isIeee(format)) {
    const { exponentBits: e, mantissaBits: m } = format;
    if (e === 11 && m === 52) return float64Arith(format);
    if (e === 8 && m === 23) return float32Arith(format);
    // An operation done in binary64 then rounded once is correctly rounded when 53 >= 2(m + 1) + 2 (Figueroa 1995).
    if (m <= 24) return emulatedIeeeArith(format);
  } else if (isFixed(format)) {
    return fixedArith(format);
  }
  throw new CcboundError(
    "invalid-format",
    `no exact arithmetic for number format ${format.name}`,
    undefined,
    "use float64, float32, an IEEE format with at most 24 mantissa bits, or fixed:I.F",
  );
}

function isIeee(f: NumberFormat): f is IeeeFormat {
  return f.kind === "ieee" && typeof (f as Partial<IeeeFormat>).mantissaBits === "number";
}

function isFixed(f: NumberFormat): f is FixedFormat {
  return f.kind === "fixed" && typeof (f as Partial<FixedFormat>).fracBits === "number";
}
