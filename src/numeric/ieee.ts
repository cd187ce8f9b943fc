import { CcboundError } from "../errors.js";
import type { NumberFormat } from "./format.js";
import { HIGH_WORD_INDEX, float64Bits, float64FromBits, highWord, lowWordOfLast, pow2 } from "./bits.js";

/** An IEEE-754-like binary format: 1 sign bit, `exponentBits`, `mantissaBits` (stored fraction bits), subnormals, ±Infinity, NaN. */
export interface IeeeFormat extends NumberFormat {
  readonly kind: "ieee";
  readonly exponentBits: number;
  readonly mantissaBits: number;
}

const IEEE_HINT =
  "exponent bits in [2, 11] and mantissa bits in [1, 50] with at most 53 bits in all, or exactly binary64 (11, 52)";

/**
 * The IEEE format with the given field widths. Rounding is round-to-nearest-even from binary64, done once.
 * Besides binary64 itself, the generic rounder needs mantissaBits <= 50 (see roundIeee) and the codes are
 * computed with exact `number` arithmetic, so 1 + exponentBits + mantissaBits <= 53.
 */
export function ieeeFormat(name: string, exponentBits: number, mantissaBits: number): IeeeFormat {
  const isBinary64 = exponentBits === 11 && mantissaBits === 52;
  const ok =
    Number.isInteger(exponentBits) &&
    Number.isInteger(mantissaBits) &&
    exponentBits >= 2 &&
    exponentBits <= 11 &&
    mantissaBits >= 1 &&
    mantissaBits <= 50 &&
    1 + exponentBits + mantissaBits <= 53;
  if (!isBinary64 && !ok) {
    throw new CcboundError(
      "invalid-format",
      `unsupported IEEE format ${name} (${exponentBits} exponent bits, ${mantissaBits} mantissa bits)`,
      undefined,
      IEEE_HINT,
    );
  }
  const bits = 1 + exponentBits + mantissaBits;
  const bias = pow2(exponentBits - 1) - 1;
  const max = (2 - pow2(-mantissaBits)) * pow2(bias);
  const round = isBinary64
    ? (x: number) => x
    : exponentBits === 8 && mantissaBits === 23
      ? Math.fround
      : ieeeRounder(exponentBits, mantissaBits);
  const isRepresentable = (x: number) => x !== x || Object.is(round(x), x);
  const codec = isBinary64
    ? binary64Codec(isRepresentable, name)
    : makeCodec(name, exponentBits, mantissaBits, isRepresentable);
  return Object.freeze({
    name,
    kind: "ieee",
    bits,
    max,
    min: -max,
    exponentBits,
    mantissaBits,
    round,
    isRepresentable,
    ...codec,
  });
}

/**
 * One rounding from binary64 to nearest-even with `m` fraction bits and exponents in [1 - bias, bias].
 * For |x| with binary64 exponent e, the format's quantum is q = 2^(max(e, emin) - m). Adding C = 1.5 * 2^52 * q puts
 * x + C in the binade of C, where binary64's own quantum is exactly q, so the addition rounds x to a multiple of q
 * (ties to even, and the even multiple of q is the even mantissa since C/q is even); subtracting C is exact.
 * That needs |x| <= 2^51 q, i.e. m <= 50. Overflow, NaN and the sign of zero are handled around it.
 *
 * The format lives in a table, not in a closure: C for each binary64 biased exponent at [0, 2048), then `safe`
 * and `overflow`. One module-level function serves every format, so its call sites stay monomorphic (closures of one
 * literal share V8's feedback), and the constants are raw doubles (as arguments or context values they are Smis
 * for some formats and heap numbers for others, which made shared loops 2x slower; measured).
 */
export function roundIeee(x: number, table: Float64Array): number {
  if (!(Math.abs(x) < table[SAFE]!)) return roundIeeeEdge(x, table);
  SCRATCH[0] = x;
  const c = table[(WORDS[HI]! >>> 20) & 0x7ff]!;
  const r = x + c - c;
  return r === 0 ? x * 0 : r; // x + C - C is +0 even for negative x; x * 0 keeps the sign of x
}

const SAFE = 2048;
const OVERFLOW = 2049;
// The high word of a binary64, through a module-wide scratch (no allocation per call; read right after writing).
const SCRATCH = new Float64Array(1);
const WORDS = new Uint32Array(SCRATCH.buffer);
const HI = HIGH_WORD_INDEX;
const SCALE_DOWN = pow2(-128);
const SCALE_UP = pow2(128);

/** NaN, overflow, and (11 exponent bits only) magnitudes where C would overflow binary64. Off the hot path. */
function roundIeeeEdge(x: number, table: Float64Array): number {
  if (x !== x) return NaN;
  if (Math.abs(x) >= table[OVERFLOW]!) return x * Infinity;
  // x * 2^-128 is still a normal of the format, so its quantum scales exactly.
  return roundIeee(x * SCALE_DOWN, table) * SCALE_UP;
}

const tables = new Map<string, Float64Array>();

/** The table roundIeee needs for a format with `exponentBits` and m fraction bits (1 <= m <= 50); one per shape. */
export function ieeeTable(exponentBits: number, m: number): Float64Array {
  if (!(m >= 1 && m <= 50 && exponentBits >= 2 && exponentBits <= 11))
    throw new RangeError(`ieeeTable: needs 1 <= m <= 50 and 2 <= e <= 11, got e=${exponentBits}, m=${m}`);
  const key = `${exponentBits}:${m}`;
  let table = tables.get(key);
  if (table === undefined) tables.set(key, (table = buildTable(exponentBits, m)));
  return table;
}

function buildTable(exponentBits: number, m: number): Float64Array {
  const bias = pow2(exponentBits - 1) - 1;
  const emin = 1 - bias;
  const table = new Float64Array(2050);
  // C by binary64 biased exponent; exponents above `safe` never reach the lookup, so clamp to stay finite.
  for (let b = 0; b < 2048; b++) table[b] = 1.5 * pow2(Math.min(52 + Math.max(b - 1023, emin) - m, 1023));
  // IEEE round-to-nearest overflows at max + ulp/2 (the tie goes to the even 2^(emax+1), which is not finite).
  const overflow = (2 - pow2(-m - 1)) * pow2(bias);
  // With 11 exponent bits, C overflows binary64 once 52 + e - m > 1023; above that, roundIeeeEdge scales.
  table[SAFE] = Math.min(overflow, pow2(Math.min(972 + m, 1023)));
  table[OVERFLOW] = overflow;
  return table;
}

/** The generic rounder as a function (exported for tests: at float32's widths it must equal Math.fround). */
export function ieeeRounder(exponentBits: number, m: number): (x: number) => number {
  const table = ieeeTable(exponentBits, m);
  return (x: number) => roundIeee(x, table);
}

interface Codec {
  encode(x: number): bigint;
  decode(code: bigint): number;
}

function notRepresentable(name: string, x: number): never {
  throw new RangeError(`${x} is not a value of ${name}; round it before encoding`);
}

function checkCode(name: string, bits: number, code: bigint): void {
  if (code < 0n || code >> BigInt(bits) !== 0n) throw new RangeError(`${code} is not a ${bits}-bit code of ${name}`);
}

/** binary64 codes are its bit pattern; NaN is canonicalised to the quiet NaN 0x7ff8000000000000. */
function binary64Codec(isRepresentable: (x: number) => boolean, name: string): Codec {
  return {
    encode: (x) => (x !== x ? 0x7ff8000000000000n : isRepresentable(x) ? float64Bits(x) : notRepresentable(name, x)),
    decode: (code) => {
      checkCode(name, 64, code);
      return float64FromBits(code);
    },
  };
}

/** Codes as sign | biased exponent | fraction, computed with exact number arithmetic (all codes are below 2^53). */
function makeCodec(name: string, e: number, m: number, isRepresentable: (x: number) => boolean): Codec {
  const bits = 1 + e + m;
  const bias = pow2(e - 1) - 1;
  const emin = 1 - bias;
  const signBit = pow2(bits - 1);
  const expOnes = pow2(e) - 1;
  const twoM = pow2(m);
  const minNormal = pow2(emin);
  const quantumSub = pow2(emin - m);
  // 1 / quantumSub can exceed binary64's range (e = 11), so scale up in two exact steps.
  const up1 = pow2(Math.ceil((m - emin) / 2));
  const up2 = pow2(Math.floor((m - emin) / 2));
  const fracScale = pow2(m - 52);
  const quietNaN = BigInt(expOnes * twoM + pow2(m - 1));
  return {
    encode(x) {
      if (x !== x) return quietNaN;
      if (!isRepresentable(x)) notRepresentable(name, x);
      const hi = highWord(x);
      const lo = lowWordOfLast();
      const a = Math.abs(x);
      let field: number;
      if (a === Infinity) field = expOnes * twoM;
      else if (a < minNormal)
        field = a * up1 * up2; // subnormal or zero: fraction = a / quantumSub
      else field = (((hi >>> 20) & 0x7ff) - 1023 + bias) * twoM + ((hi & 0xfffff) * 4294967296 + lo) * fracScale;
      return BigInt(hi >>> 31 === 1 ? signBit + field : field);
    },
    decode(code) {
      checkCode(name, bits, code);
      let n = Number(code);
      const negative = n >= signBit;
      if (negative) n -= signBit;
      const exp = Math.floor(n / twoM);
      const frac = n - exp * twoM;
      const v =
        exp === expOnes
          ? frac === 0
            ? Infinity
            : NaN
          : exp === 0
            ? frac * quantumSub
            : (twoM + frac) * pow2(exp - bias - m);
      return negative ? -v : v;
    },
  };
}

export const float64: IeeeFormat = ieeeFormat("float64", 11, 52);
export const float32: IeeeFormat = ieeeFormat("float32", 8, 23);
export const float16: IeeeFormat = ieeeFormat("float16", 5, 10);
export const bfloat16: IeeeFormat = ieeeFormat("bfloat16", 8, 7);
