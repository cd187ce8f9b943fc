/**
 * Exact reference arithmetic for the numeric tests, independent of the implementation's tricks:
 * IEEE rounding on exact binary values (bigint significand times a power of two) and fixed-point rounding with big.js.
 */
import Big from "big.js";

/** sig * 2^exp, exactly. */
export interface Exact {
  readonly sig: bigint;
  readonly exp: number;
}

/** The exact value of a finite binary64, read from its bits. */
export function exactOf(x: number): Exact {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  if (biased === 0x7ff) throw new RangeError(`exactOf(${x}): not finite`);
  const frac = bits & ((1n << 52n) - 1n);
  const sig = biased === 0 ? frac : frac | (1n << 52n);
  return { sig: bits >> 63n === 1n ? -sig : sig, exp: biased === 0 ? -1074 : biased - 1075 };
}

export function exactAdd(a: Exact, b: Exact): Exact {
  const exp = Math.min(a.exp, b.exp);
  return { sig: (a.sig << BigInt(a.exp - exp)) + (b.sig << BigInt(b.exp - exp)), exp };
}

export function exactMul(a: Exact, b: Exact): Exact {
  return { sig: a.sig * b.sig, exp: a.exp + b.exp };
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** k * 2^q as a binary64, for a k and q whose product is exactly representable. */
function scale(k: bigint, q: number): number {
  const two = (n: number) => (n >= 0 ? Number(1n << BigInt(n)) : 1 / Number(1n << BigInt(-n)));
  return q >= -1000 ? Number(k) * two(q) : Number(k) * two(q + 200) * two(-200);
}

/**
 * The IEEE value (e exponent bits, m fraction bits) nearest to v, ties to even, overflowing to ±Infinity when the
 * rounded magnitude is 2^(emax + 1) or more. An exact zero gets the sign `zeroSign`.
 */
export function refRoundIeee(v: Exact, e: number, m: number, zeroSign: 1 | -1 = 1): number {
  if (v.sig === 0n) return zeroSign < 0 ? -0 : 0;
  const negative = v.sig < 0n;
  const s = negative ? -v.sig : v.sig;
  const emax = 2 ** (e - 1) - 1;
  const emin = 1 - emax;
  const q = Math.max(bitLength(s) - 1 + v.exp, emin) - m; // the quantum at |v|'s exponent
  let k: bigint;
  if (q <= v.exp) {
    k = s << BigInt(v.exp - q);
  } else {
    const shift = BigInt(q - v.exp);
    k = s >> shift;
    const rem = s - (k << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (k & 1n) === 1n)) k += 1n;
  }
  let r: number;
  if (k === 0n) r = 0;
  else if (bitLength(k) - 1 + q > emax) r = Infinity;
  else r = scale(k, q);
  return negative ? -r : r;
}

/** refRoundIeee for a binary64 input, with NaN, ±Infinity and ±0 passed through. */
export function refRoundDouble(x: number, e: number, m: number): number {
  if (x !== x || x === Infinity || x === -Infinity || x === 0) return x;
  return refRoundIeee(exactOf(x), e, m);
}

/** The exact decimal value of a finite binary64 (big.js parses decimal strings exactly). */
export function bigOf(x: number): Big {
  const { sig, exp } = exactOf(x);
  return exp >= 0 ? new Big((sig << BigInt(exp)).toString()) : new Big(`${sig * 5n ** BigInt(-exp)}e${exp}`);
}

/** The fixed:I.F value for the exact real v: floor or nearest-even on the grid 2^-F, saturating. */
export function refFixed(v: Big, I: number, F: number, rounding: "floor" | "nearest"): number {
  const scaled = v.times(new Big(2).pow(F));
  const mode = rounding === "nearest" ? Big.roundHalfEven : scaled.lt(0) ? Big.roundUp : Big.roundDown;
  let k = scaled.round(0, mode);
  const kmax = new Big(2).pow(I + F).minus(1);
  const kmin = new Big(2).pow(I + F).times(-1);
  if (k.gt(kmax)) k = kmax;
  if (k.lt(kmin)) k = kmin;
  return Number(k.toFixed(0)) / 2 ** F + 0;
}
