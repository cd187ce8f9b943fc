/**
 * The slow path's exact intervals contain the true value (big.js reference), at several precisions, for seeded
 * random points of each function and the constants; and the binary64 square root is correctly rounded (checked by
 * exact big.js squares of the midpoints next to the result), on seeded arguments over all exponents.
 */
import Big from "big.js";
import { describe, expect, it } from "vitest";
import { exp, expm1, log, log1p } from "../../src/numeric/exact-elementary.js";
import { erf, erfc, erfcx } from "../../src/numeric/exact-erf.js";
import { fromDouble, ln2, pi, type Iv } from "../../src/numeric/interval.js";
import { sqrt64 } from "../../src/numeric/sqrt.js";
import { Rng } from "../../src/random.js";
import * as R from "./transcendental-reference.js";

const SEED = 4242;

/** lo 2^-p <= v <= hi 2^-p, exactly. */
function contains(box: Iv, p: number, v: Big): boolean {
  const scale = R.pow2Big(p);
  const scaled = v.times(scale);
  return scaled.gte(box.lo.toString()) && scaled.lte(box.hi.toString());
}

describe("exact intervals contain the true value", () => {
  // The reference carries 160 digits for its constants (531 bits) and 48 for the functions (159 bits): precisions
  // stay below those, so that an interval narrower than the reference's own error is never asked to contain it.
  it("ln 2 and pi at 64 to 500 bits", () => {
    for (const p of [64, 200, 333, 500]) {
      expect(contains(ln2(p), p, R.ln2())).toBe(true);
      expect(contains(pi(p), p, R.pi())).toBe(true);
      expect(pi(p).hi - pi(p).lo).toBeLessThan(64n); // and are narrow
    }
  });

  it("exp, expm1, log, log1p, erf, erfc, erfcx at random points and precisions", () => {
    const rng = new Rng(SEED);
    const bad: string[] = [];
    for (let i = 0; i < 24; i++) {
      const p = [64, 96, 120, 140][i % 4]!;
      const x = (rng.float() * 2 - 1) * [0.4, 3, 30, 300][rng.int(4)]!;
      const ax = Math.abs(x);
      const X = fromDouble(x, p);
      const AX = fromDouble(ax, p);
      const b = R.bigOf(x);
      const ab = R.bigOf(ax);
      const checks: [string, Iv, Big][] = [
        ["exp", exp(X, p), R.expBig(b, 60)],
        ["log", log(fromDouble(ax + 1e-3, p), p), R.logBig(R.bigOf(ax + 1e-3))],
      ];
      if (ax < 0.5) checks.push(["expm1", expm1(X, p), R.expBig(b, 60).minus(1)]);
      if (ax <= 1) checks.push(["log1p", log1p(AX, p), R.logBig(ab.plus(1))]);
      if (ax < 20) {
        checks.push(["erf", erf(AX, p), R.erfBig(ab)], ["erfc", erfc(AX, p), R.erfcBig(ab)]);
        checks.push(["erfcx", erfcx(AX, p), R.erfcBig(ab).times(R.expBig(ab.times(ab), 60))]);
      }
      for (const [what, box, v] of checks)
        if (!contains(box, p, v)) bad.push(`${what}(${x}) at ${p} bits: [${box.lo}, ${box.hi}] 2^-${p} misses ${v}`);
    }
    expect(bad, `seed ${SEED}\n${bad.slice(0, 4).join("\n")}`).toEqual([]);
  });
});

describe("sqrt64", () => {
  it("is binary64's correctly rounded root: the squares of the neighbouring midpoints bracket x", () => {
    const rng = new Rng(SEED + 1);
    const f64 = new Float64Array(1);
    const u64 = new BigUint64Array(f64.buffer);
    const next = (r: number, d: bigint) => {
      f64[0] = r;
      u64[0] = u64[0]! + d;
      return f64[0]!;
    };
    const bad: string[] = [];
    for (let i = 0; i < 300; i++) {
      const x = (1 + rng.float()) * 2 ** (rng.int(2098) - 1074);
      const r = sqrt64(x);
      const lo = R.bigOf(r)
        .plus(R.bigOf(next(r, -1n)))
        .times(0.5);
      const hi = R.bigOf(r)
        .plus(R.bigOf(next(r, 1n)))
        .times(0.5);
      Big.DP = 1200;
      const X = R.bigOf(x);
      const ok = lo.times(lo).lt(X) && hi.times(hi).gt(X);
      Big.DP = 20;
      if (!ok) bad.push(`sqrt64(${x}) = ${r}`);
    }
    expect(bad, `seed ${SEED + 1}\n${bad.slice(0, 4).join("\n")}`).toEqual([]);
    expect(Object.is(sqrt64(-0), -0)).toBe(true);
    expect(sqrt64(-1)).toBeNaN();
    expect(sqrt64(Infinity)).toBe(Infinity);
    expect(sqrt64(2 ** -1074)).toBe(2 ** -537);
  });
});
