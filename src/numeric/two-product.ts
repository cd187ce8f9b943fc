/** Veltkamp's splitter 2^27 + 1: splits a binary64 significand into two halves of at most 26 bits. */
const SPLIT = 134217729;

/**
 * The rounding error of p = a * b: the e with a * b = p + e exactly (Dekker's TwoProduct; JavaScript has no fma).
 * Exact when nothing overflows or underflows, which holds for fixed-point operands (|a|, |b| <= 2^52, multiples of 2^-52).
 */
export function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}
