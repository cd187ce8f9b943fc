import type { NumberFormat } from "./format.js";
import type { FixedFormat } from "./fixed.js";
import type { IeeeFormat } from "./ieee.js";

/**
 * Exact sums of values of a number format, rounded once (paper App. D). Attention adds up to N values; with an exact
 * accumulator the sum over any partition of the positions, added up, is the sum over all of them, so Alice's and
 * Bob's partial sums combine to the model's own value bit for bit (footnote 4 of App. D, for any format).
 *
 * Every value of a format is an integer multiple of its smallest quantum q (2^-F for fixed:I.F, the least subnormal
 * for IEEE formats), so a sum is an integer number of quanta: `units`. A partial sum of `count` values fits
 * 1 + magnitudeBits + ceil(log2 count) bits in two's complement, which is the message that carries it. For
 * fixed:I.F that is p + ceil(log2 count), the paper's p + log N. For IEEE formats the exact sum spans the whole
 * exponent range (280 + ceil(log2 count) bits for float32 and 43 + ceil(log2 count) for float16, counting the sign and the two bits for special values): the price of exactness with
 * floating point, which the paper (fixed point throughout) does not pay. IEEE sums carry two more bits for the
 * special values: a NaN, or an infinity, among the addends decides the sum as IEEE addition would.
 */
export interface Accumulator {
  clear(): void;
  /** Add a value of the format (exactly). */
  add(x: number): void;
  /** Add another accumulator's exact sum. */
  merge(other: Accumulator): void;
  /** The exact sum rounded once to the format (an empty sum is +0). */
  rounded(): number;
  /** The exact sum divided by a whole number k >= 1, rounded once (layer norm's mean and variance). */
  roundedQuotient(k: number): number;
  /** The exact sum as a message for a partial sum of `count` values (count >= 1). */
  encode(count: number): { code: bigint; width: number };
  /** Replace the sum by the one a message carries. */
  decode(code: bigint, count: number): void;
}

export interface ExactSum {
  readonly format: NumberFormat;
  /** Bits of the message for a partial sum of `count` >= 1 values. */
  messageBits(count: number): number;
  accumulator(): Accumulator;
}

const cache = new WeakMap<NumberFormat, ExactSum>();

/** The exact summation of a format (fixed point, or IEEE with at most 24 fraction bits, or binary64). */
export function exactSumFor(format: NumberFormat): ExactSum {
  let s = cache.get(format);
  if (s === undefined) {
    s = format.kind === "fixed" ? fixedSum(format as FixedFormat) : ieeeSum(format as IeeeFormat);
    cache.set(format, s);
  }
  return s;
}

/** ceil(log2 count): the extra bits a sum of `count` values needs. */
export function log2Ceil(count: number): number {
  if (!Number.isInteger(count) || count < 1 || count > 2 ** 31)
    throw new RangeError(`a partial sum needs 1 <= count <= 2^31, got ${count}`);
  return 32 - Math.clz32(count - 1);
}

function twosComplement(units: bigint, width: number): bigint {
  if (units >= 1n << BigInt(width - 1) || units < -(1n << BigInt(width - 1))) {
    throw new RangeError(`a sum of ${units} quanta does not fit its ${width}-bit message`);
  }
  return units < 0n ? units + (1n << BigInt(width)) : units;
}

function fromTwosComplement(code: bigint, width: number): bigint {
  if (code < 0n || code >> BigInt(width) !== 0n) throw new RangeError(`${code} is not a ${width}-bit code`);
  return code >> BigInt(width - 1) === 1n ? code - (1n << BigInt(width)) : code;
}

/*
 * Fixed point: every value is k * 2^-F with |k| <= 2^(I+F), so units are integers. While they stay below 2^53 a
 * binary64 holds them exactly, which is the fast path; longer sums switch to a bigint (the check is one compare).
 * The exact sum is already on the grid, so rounding it once only saturates.
 */
function fixedSum(format: FixedFormat): ExactSum {
  const up = 2 ** format.fracBits;
  const down = 2 ** -format.fracBits;
  const kmax = BigInt(2 ** (format.intBits + format.fracBits) - 1);
  const kmin = -kmax - 1n;
  const magnitude = format.intBits + format.fracBits;
  const SAFE = 2 ** 53;
  class FixedAccumulator implements Accumulator {
    small = 0;
    big = 0n;
    clear(): void {
      this.small = 0;
      this.big = 0n;
    }
    add(x: number): void {
      const s = this.small + x * up;
      if (s < SAFE && s > -SAFE) this.small = s;
      else this.spill(x * up);
    }
    private spill(k: number): void {
      this.big += BigInt(this.small) + BigInt(k);
      this.small = 0;
    }
    merge(other: Accumulator): void {
      const o = other as FixedAccumulator;
      this.big += o.big + BigInt(o.small);
    }
    units(): bigint {
      return this.big + BigInt(this.small);
    }
    rounded(): number {
      if (this.big === 0n) return clampNumber(this.small, Number(kmin), Number(kmax)) * down + 0;
      const u = this.units();
      return Number(u > kmax ? kmax : u < kmin ? kmin : u) * down + 0;
    }
    roundedQuotient(k: number): number {
      const d = BigInt(k);
      const u = this.units();
      let q = u / d;
      let rest = u - q * d;
      if (rest < 0n) {
        q -= 1n; // floor
        rest += d;
      }
      if (format.rounding === "nearest" && (2n * rest > d || (2n * rest === d && (q & 1n) === 1n))) q += 1n;
      return Number(q > kmax ? kmax : q < kmin ? kmin : q) * down + 0;
    }
    encode(count: number) {
      const width = 1 + magnitude + log2Ceil(count);
      return { code: twosComplement(this.units(), width), width };
    }
    decode(code: bigint, count: number): void {
      this.big = fromTwosComplement(code, 1 + magnitude + log2Ceil(count));
      this.small = 0;
    }
  }
  return { format, messageBits: (count) => 1 + magnitude + log2Ceil(count), accumulator: () => new FixedAccumulator() };
}

function clampNumber(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Special-value classes of an IEEE sum, sent as 2 bits before the units. */
const FINITE = 0,
  NAN = 1,
  POS_INF = 2,
  NEG_INF = 3;

/*
 * IEEE formats: units of the least subnormal 2^qmin, in a bigint. The exact sum is rounded once, to nearest even, in
 * integer arithmetic (roundUnits), then scaled by a power of two, which is exact; the format's own rounding then only
 * decides overflow.
 */
function ieeeSum(format: IeeeFormat): ExactSum {
  const m = format.mantissaBits;
  const bias = 2 ** (format.exponentBits - 1) - 1;
  const qmin = 1 - bias - m;
  const magnitude = bias + 1 - qmin;
  // A value is below 2^magnitude units; one more chunk takes the carries of up to 2^20 additions.
  const chunks = Math.ceil(magnitude / CHUNK_BITS) + 2;
  // The value of a unit of chunk i, 2^(32 i + qmin): exact binary64 scalings (2^-149 .. 2^203 for float32).
  const scales = Float64Array.from({ length: chunks }, (_, i) => 2 ** (CHUNK_BITS * i + qmin));
  class IeeeAccumulator implements Accumulator {
    readonly c = new Float64Array(chunks);
    lo = chunks;
    hi = -1;
    adds = 0;
    special = FINITE;
    clear(): void {
      this.clearUnits();
      this.special = FINITE;
    }
    /** The finite part only: a NaN or an infinity already added stays (merge and the carry pass keep it). */
    private clearUnits(): void {
      if (this.hi >= this.lo) this.c.fill(0, this.lo, this.hi + 1);
      this.lo = chunks;
      this.hi = -1;
      this.adds = 0;
    }
    add(x: number): void {
      if (x - x !== 0) return this.addSpecial(x !== x ? NAN : x > 0 ? POS_INF : NEG_INF);
      if (x === 0) return;
      if (++this.adds === CARRY_EVERY) this.setUnits(this.units());
      addToChunks(this, x, qmin);
    }
    private addSpecial(s: number): void {
      if (this.special === NAN || s === NAN) this.special = NAN;
      else if (this.special === FINITE) this.special = s;
      else if (this.special !== s) this.special = NAN; // +inf + -inf
    }
    merge(other: Accumulator): void {
      const o = other as IeeeAccumulator;
      if (o.special !== FINITE) this.addSpecial(o.special);
      this.setUnits(this.units() + o.units());
    }
    /** The exact sum in units of 2^qmin. */
    units(): bigint {
      let u = 0n;
      for (let i = this.hi; i >= this.lo; i--) u = (u << BIG_CHUNK) + BigInt(this.c[i]!);
      return this.lo > 0 && this.hi >= this.lo ? u << BigInt(CHUNK_BITS * this.lo) : u;
    }
    /**
     * Replace the finite part by an exact sum (normalised: every chunk below 2^32 in magnitude, one sign). The
     * special class is left as it is: clearing it here once made merge drop a party's NaN, so Theorem 4's protocol
     * answered a finite number where the forward pass had NaN.
     */
    setUnits(u: bigint): void {
      this.clearUnits();
      const negative = u < 0n;
      let a = negative ? -u : u;
      for (let i = 0; a !== 0n; i++, a >>= BIG_CHUNK) {
        const digit = Number(a & CHUNK_MASK);
        if (digit !== 0) touch(this, i, negative ? -digit : digit);
      }
    }
    rounded(): number {
      if (this.special !== FINITE) return this.special === NAN ? NaN : this.special === POS_INF ? Infinity : -Infinity;
      const fast = exactDouble(this, qmin);
      return format.round(fast === fast ? fast : roundUnits(this.units(), m + 1, qmin, qmin));
    }
    roundedQuotient(k: number): number {
      if (this.special !== FINITE) return this.rounded();
      if (m <= 24) {
        const fast = quotientInBinary64(this, scales, k, format.round);
        if (fast === fast) return fast;
      }
      // units / k to m + 3 or more significant bits, the last one sticky (round to odd): rounding that once more to
      // m + 1 bits is the correct rounding of the exact quotient.
      const units = this.units();
      const shift = m + 3 + bitLength(BigInt(k));
      const negative = units < 0n;
      const scaled = (negative ? -units : units) << BigInt(shift);
      let q = scaled / BigInt(k);
      if (q * BigInt(k) !== scaled) q |= 1n;
      return format.round(roundUnits(negative ? -q : q, m + 1, qmin - shift, qmin));
    }
    encode(count: number) {
      const width = 1 + magnitude + log2Ceil(count);
      return { code: (BigInt(this.special) << BigInt(width)) | twosComplement(this.units(), width), width: width + 2 };
    }
    decode(code: bigint, count: number): void {
      const width = 1 + magnitude + log2Ceil(count);
      this.setUnits(fromTwosComplement(code & ((1n << BigInt(width)) - 1n), width));
      this.special = Number(code >> BigInt(width));
    }
  }
  return { format, messageBits: (count) => 3 + magnitude + log2Ceil(count), accumulator: () => new IeeeAccumulator() };
}

/*
 * The chunked representation of an IEEE exact sum: units of 2^qmin as sum_i c[i] 2^(32 i), each c[i] an integer held
 * exactly in a binary64. Adding a value touches at most three chunks with pieces below 2^32, so chunks stay below
 * 2^52 for CARRY_EVERY additions, after which they are normalised through a bigint. The common case, an addition,
 * is a few multiplications and no allocation (the bigint path was 10-20x slower per addition; bench/transformer.ts).
 */
const CHUNK_BITS = 32;
const BIG_CHUNK = 32n;
const CHUNK_MASK = 0xffffffffn;
const TWO32 = 2 ** 32;
const INV32 = 2 ** -32;
const MIN_NORMAL = 2 ** -1022;
const POW2 = Float64Array.from({ length: CHUNK_BITS }, (_, k) => 2 ** k);
const CARRY_EVERY = 1 << 19;
const X64 = new Float64Array(1);
const X32 = new Uint32Array(X64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI_WORD = LITTLE ? 1 : 0;
const LO_WORD = LITTLE ? 0 : 1;

interface Chunks {
  readonly c: Float64Array;
  lo: number;
  hi: number;
}

function touch(acc: Chunks, i: number, v: number): void {
  acc.c[i]! += v;
  if (i < acc.lo) acc.lo = i;
  if (i > acc.hi) acc.hi = i;
}

/**
 * The sum as a binary64 when at most two chunks hold it and it is exactly a normal binary64 (then the format's one
 * rounding of it is the rounding of the exact sum); NaN when it is not, and the bigint path decides. Most attention
 * sums take this path.
 */
function exactDouble(acc: Chunks, qmin: number): number {
  const { lo, hi, c } = acc;
  if (hi < lo) return 0;
  if (hi - lo > 1) return NaN;
  const a = hi > lo ? c[hi]! * TWO32 : 0;
  const b = c[lo]!;
  const s = a + b;
  if (s - a !== b || s - (s - a) !== a) return NaN; // the sum of the two chunks is not a binary64
  const r = s * 2 ** (CHUNK_BITS * lo + qmin);
  return Math.abs(r) >= MIN_NORMAL || r === 0 ? r : NaN;
}

/**
 * S / k rounded once by `round` (the rounding of a format of at most 25 significant bits, from binary64), for
 * S = the sum of n exact binary64 terms, each 0 or at least 2^-1000 in magnitude, given t, their sum added up in
 * binary64 from +0 in any one order, and b, the sum of their magnitudes added up in the same order (both finite);
 * NaN when undecided (the caller's exact path then decides). By Higham (Accuracy and Stability, 4.4),
 * |t - S| <= gamma_(n-1) B, B = sum of the magnitudes (gamma_j = j u / (1 - j u), u = 2^-53), and the computed b is
 * B within the same factor. With E = (2n + 4) u b, the computed (t - E) / k and (t + E) / k (two roundings each,
 * of at most u (|t| + E) together with the quotient's, which the 2n + 4 over n - 1 covers with room; a quotient
 * below 2^-1022 loses at most 2^-1075 more, far inside the room of at least 5 u 2^-1000 / 2^31 for k <= 2^31)
 * are below and above S / k. Rounding is monotonic: when both ends round to the same value, S / k rounds there too.
 * E > 0 whenever a term is not 0, so an exact midpoint, or a sum that cancels to 0, is never decided here; when
 * every term is 0, t = +0 and the answer is +0, as the exact sum's. Layer norm's mean and variance and RMSNorm's
 * mean square take this path (blocks/layer-norm.ts, rms-norm.ts: the binary64 sums instead of the accumulator),
 * and so does the accumulator's roundedQuotient: the bigint division was most of their cost.
 */
export function quotientOfSum(t: number, b: number, n: number, k: number, round: (x: number) => number): number {
  const e = (2 * n + 4) * 2 ** -53 * b;
  const r = round((t - e) / k);
  return r === round((t + e) / k) ? r : NaN;
}

/** Whether quotientOfSum applies to sums of the format's values: IEEE, at most 24 fraction bits (2^-149 and up). */
export function quotientsInBinary64(format: NumberFormat): boolean {
  return format.kind === "ieee" && (format as IeeeFormat).mantissaBits <= 24;
}

/**
 * quotientOfSum for an accumulator's chunks: the terms c[i] 2^(32 i + qmin), each exact in binary64 (an integer
 * below 2^53 times a power of two, at least 2^-149 and far from binary64's top), added from the top.
 */
function quotientInBinary64(acc: Chunks, scales: Float64Array, k: number, round: (x: number) => number): number {
  const { lo, hi, c } = acc;
  if (hi < lo) return 0; // the empty sum: +0, as the bigint path gives
  let t = 0;
  let b = 0;
  for (let i = hi; i >= lo; i--) {
    const v = c[i]! * scales[i]!;
    t += v;
    b += Math.abs(v);
  }
  return quotientOfSum(t, b, hi - lo + 1, k, round);
}

/** x = M 2^e exactly (M an integer below 2^53), placed at bit e - qmin of the units. */
function addToChunks(acc: Chunks, x: number, qmin: number): void {
  X64[0] = x;
  const hiWord = X32[HI_WORD]!;
  const field = (hiWord >>> 20) & 0x7ff;
  // |M| = the 52 stored bits, plus the implicit bit of a normal number.
  let mant = (hiWord & 0xfffff) * TWO32 + X32[LO_WORD]! + (field === 0 ? 0 : 2 ** 52);
  let offset = (field === 0 ? 1 : field) - 1075 - qmin;
  if (offset < 0) {
    mant /= 2 ** -offset; // exact: a value of the format has no bits below 2^qmin
    offset = 0;
  }
  const sign = hiWord >>> 31 === 1 ? -1 : 1;
  const i = (offset / CHUNK_BITS) | 0;
  const t = mant * POW2[offset - i * CHUNK_BITS]!; // below 2^85, exact
  // Split t into 32-bit pieces with exact power-of-two scalings and floors (cheaper than %, which is fmod).
  const upper = Math.floor(t * INV32);
  const low = t - upper * TWO32;
  const high = Math.floor(upper * INV32);
  const mid = upper - high * TWO32;
  const c = acc.c;
  c[i]! += sign * low;
  let top = i;
  if (mid !== 0 || high !== 0) {
    c[i + 1]! += sign * mid;
    top = i + 1;
    if (high !== 0) {
      c[i + 2]! += sign * high;
      top = i + 2;
    }
  }
  if (i < acc.lo) acc.lo = i;
  if (top > acc.hi) acc.hi = top;
}

/**
 * units * 2^unitExp rounded to nearest (ties to even) with `precision` significant bits and no finer quantum than
 * 2^minExp (the format's subnormals), in integers, then scaled by a power of two: exact, precision <= 53.
 */
export function roundUnits(units: bigint, precision: number, unitExp: number, minExp: number): number {
  if (units === 0n) return 0;
  const negative = units < 0n;
  const a = negative ? -units : units;
  const shift = Math.max(bitLength(a) - precision, minExp - unitExp);
  let top = a;
  if (shift > 0) {
    const s = BigInt(shift);
    top = a >> s;
    const rest = a - (top << s);
    const half = 1n << (s - 1n);
    if (rest > half || (rest === half && (top & 1n) === 1n)) top += 1n;
  }
  const value = Number(top) * 2 ** (shift + unitExp);
  return negative ? -value : value;
}

function bitLength(a: bigint): number {
  const hex = a.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0]!, 16)));
}
