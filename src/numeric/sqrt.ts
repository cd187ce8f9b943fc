/*
 * The square root correctly rounded to binary64, checked in integers: Math.sqrt gives a candidate r, and r is kept
 * only when x lies strictly between the squares of the midpoints next to r (a square root is never exactly a
 * midpoint: a midpoint has 54 significant bits and its square is not a binary64). Otherwise the neighbour on the
 * side of x is taken and checked again. So the result does not rest on the engine: ECMA-262 leaves Math's
 * functions to the implementation, and this is one comparison of bigints a call (layer norm calls it once per
 * vector).
 *
 * Narrower IEEE formats round this binary64 root once more, which is their correct rounding (53 >= 2(m + 1) + 2,
 * the same argument as for + - * / in arith.ts).
 */
import { doubleParts } from "./interval.js";

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

function next(x: number, up: boolean): number {
  F64[0] = x;
  U64[0] = up ? U64[0]! + 1n : U64[0]! - 1n; // x > 0 finite
  return F64[0]!;
}

/** (a + b)/2 for two doubles, exactly, as sig 2^exp. */
function midpoint(a: number, b: number): { sig: bigint; exp: number } {
  const pa = doubleParts(a);
  const pb = doubleParts(b);
  const e = Math.min(pa.exp, pb.exp) - 1;
  return { sig: (pa.sig << BigInt(pa.exp - e - 1)) + (pb.sig << BigInt(pb.exp - e - 1)), exp: e };
}

/** sign of x - m^2 for a dyadic midpoint m: -1, 0 or 1. */
function compareSquare(x: number, m: { sig: bigint; exp: number }): number {
  const px = doubleParts(x);
  const sq = m.sig * m.sig;
  const e2 = 2 * m.exp;
  const e = Math.min(px.exp, e2);
  const lhs = px.sig << BigInt(px.exp - e);
  const rhs = sq << BigInt(e2 - e);
  return lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
}

/** sqrt(x) correctly rounded to binary64 (NaN for x < 0, sqrt(-0) = -0, sqrt(+inf) = +inf). */
export function sqrt64(x: number): number {
  if (!(x > 0) || x === Infinity) return x === 0 || x === Infinity ? x : NaN;
  let r = Math.sqrt(x);
  for (let i = 0; i < 4; i++) {
    // r is right iff (mid(r-, r))^2 < x < (mid(r, r+))^2.
    if (r < Number.MAX_VALUE && compareSquare(x, midpoint(r, next(r, true))) >= 0) {
      r = next(r, true);
      continue;
    }
    if (r > 0 && compareSquare(x, midpoint(next(r, false), r)) <= 0) {
      r = next(r, false);
      continue;
    }
    return r;
  }
  throw new Error(`internal: sqrt(${x}) did not settle`);
}
