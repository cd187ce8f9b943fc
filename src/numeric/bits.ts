/**
 * Bit-level helpers shared by the formats: exact powers of two and a scratch view of a binary64's words.
 * The scratch is module-wide and reused (no allocation per call); every user reads it right after writing it,
 * and JavaScript is single-threaded, so sharing it is safe.
 */

/** 2^k for k in [-1074, 1023], built by repeated doubling and halving, each step exact (Math.pow is not specified to be). */
const POW2 = new Float64Array(1074 + 1024);
POW2[1074] = 1;
for (let k = 1; k <= 1023; k++) POW2[1074 + k] = POW2[1074 + k - 1]! * 2;
for (let k = 1; k <= 1074; k++) POW2[1074 - k] = POW2[1074 - k + 1]! / 2;

/** Exactly 2^k; k must be an integer in [-1074, 1023]. */
export function pow2(k: number): number {
  const v = POW2[k + 1074];
  if (v === undefined || !Number.isInteger(k)) throw new RangeError(`pow2: exponent ${k} outside [-1074, 1023]`);
  return v;
}

const scratch = new Float64Array(1);
const words = new Uint32Array(scratch.buffer);
const word64 = new BigUint64Array(scratch.buffer);
/** Index of the high (sign and exponent) word of a binary64 in `words`: 1 on little-endian machines. */
export const HIGH_WORD_INDEX = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const HI = HIGH_WORD_INDEX;
const LO = 1 - HI;

/** The high 32 bits of x's binary64 pattern: sign (bit 31), biased exponent (bits 30..20), top 20 fraction bits. */
export function highWord(x: number): number {
  scratch[0] = x;
  return words[HI]!;
}

/** The low 32 bits of the binary64 pattern of the value last passed to highWord (read it right after). */
export function lowWordOfLast(): number {
  return words[LO]!;
}

/** The 64-bit pattern of x as an unsigned bigint. */
export function float64Bits(x: number): bigint {
  scratch[0] = x;
  return word64[0]!;
}

/** The binary64 whose pattern is `bits` (an unsigned bigint below 2^64). */
export function float64FromBits(bits: bigint): number {
  word64[0] = bits;
  return scratch[0]!;
}
