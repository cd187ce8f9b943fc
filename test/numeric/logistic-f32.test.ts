/**
 * The binary32 fast sigmoid and tanh (src/numeric/logistic-f32.ts), and exp (src/numeric/exp-f32.ts), give the general path's values bit for bit (that
 * path is checked against big.js in transcendentals.test.ts): on special values, on random binary32 arguments of
 * every exponent, on arguments whose image lies next to a binary32 rounding midpoint (where the fast path must
 * decline), and on runs of consecutive binary32 values across every edge of its ranges. And float32's Arith uses it.
 */
import { describe, expect, it } from "vitest";
import { arithFor, parseFormat } from "../../src/index.js";
import { float32 } from "../../src/numeric/ieee.js";
import Big from "big.js";
import {
  SIGMOID64_BOUND,
  SIGMOID_E,
  TANH64_BOUND,
  TANH_E,
  sigmoid32,
  sigmoid32Range,
  sigmoid64,
  tanh32,
  tanh32Range,
  tanh64,
} from "../../src/numeric/logistic-f32.js";
import { EXP64_BOUND, EXP_E, exp32, expF64 } from "../../src/numeric/exp-f32.js";
import { expRounded } from "../../src/numeric/exp-log.js";
import { expBig, sigmoidBig, tanhBig } from "./transcendental-reference.js";
import { bigOf } from "./reference.js";
import { logisticAt, sigmoidRounded, tanhRounded } from "../../src/numeric/logistic.js";
import { pow2 } from "../../src/numeric/bits.js";
import { targetFor } from "../../src/numeric/round-target.js";
import { Rng } from "../../src/random.js";

const T = targetFor(float32);
const bits = new Float32Array(1);
const code = new Uint32Array(bits.buffer);

/** The binary32 values with codes c - k .. c + k around x's code c (x >= 0). */
function run(x: number, k: number): number[] {
  bits[0] = x;
  const c = code[0]!;
  const out: number[] = [];
  for (let i = Math.max(0, c - k); i <= c + k; i++) {
    code[0] = i;
    out.push(bits[0]!, -bits[0]!);
  }
  return out;
}

/** Arguments where one of the two functions, called or over an array (the Range versions), disagrees with the general path. */
function mismatches(xs: number[]): number[] {
  const sig = Float64Array.from(xs);
  const th = Float64Array.from(xs);
  sigmoid32Range(sig, 0, xs.length);
  tanh32Range(th, 0, xs.length);
  return xs.filter((x, i) => {
    const [t, s] = [tanhRounded(x, T), sigmoidRounded(x, T)];
    return !Object.is(tanh32(x), t) || !Object.is(sigmoid32(x), s) || !Object.is(th[i], t) || !Object.is(sig[i], s);
  });
}

/** |approx - ref| / |approx|, exactly (big.js). */
function relError(approx: number, ref: Big): number {
  return new Big(approx).minus(ref).abs().div(new Big(approx).abs()).toNumber();
}

const OUT = new Float64Array(3);

/**
 * sigmoid(x) from the general path's double-double (logistic.ts, within 2^-100, and checked against big.js in
 * transcendentals.test.ts), as the big.js series lose relative accuracy on values as small as e^-100. Its doubles
 * pass to big.js as their shortest decimals, within 2^-53 of them: far below the bounds tested.
 */
function sigmoidRef(x: number): Big {
  if (Math.abs(x) < 2 ** -60) return sigmoidBig(new Big(x));
  const s = logisticAt(x, 0, 0, OUT);
  return new Big(OUT[0]!).plus(OUT[1]!).times(new Big(pow2(s)));
}

describe("the binary64 values the fast path decides with", () => {
  it("are within their claimed bounds, which the half-widths exceed twice over", () => {
    expect(SIGMOID_E).toBeGreaterThan(2 * SIGMOID64_BOUND);
    expect(TANH_E).toBeGreaterThan(2 * TANH64_BOUND);
    const rng = new Rng(1704);
    let worstSigmoid = 0;
    let worstTanh = 0;
    for (let i = 0; i < 1500; i++) {
      // Over the whole fast ranges, more densely where the bounds are tight: small |x| (tanh's series and its
      // switch to E / (E + 2) at 1/16) and the far negative side of sigmoid.
      const s = Math.fround(i % 3 === 0 ? -110 + rng.float() * 150 : (rng.float() * 2 - 1) * 2 ** -rng.int(12));
      const t = Math.fround(i % 3 === 0 ? (rng.float() * 2 - 1) * 19 : (rng.float() * 2 - 1) * 2 ** -rng.int(30));
      if (s > -110 && s < 40) worstSigmoid = Math.max(worstSigmoid, relError(sigmoid64(s), sigmoidRef(s)));
      if (t !== 0) worstTanh = Math.max(worstTanh, relError(tanh64(t), tanhBig(new Big(t))));
    }
    expect(worstSigmoid).toBeLessThan(SIGMOID64_BOUND);
    expect(worstTanh).toBeLessThan(TANH64_BOUND);
  });
});

describe("binary32 sigmoid and tanh", () => {
  it("special values: ±0, ±infinity, NaN, the extremes, subnormals", () => {
    const xs = [
      0,
      -0,
      Infinity,
      -Infinity,
      NaN,
      3.4028234663852886e38,
      -3.4028234663852886e38,
      2 ** -149,
      -(2 ** -149),
    ];
    expect(mismatches(xs)).toEqual([]);
    expect(Object.is(tanh32(-0), -0)).toBe(true);
    expect(sigmoid32(-0)).toBe(0.5);
  });

  it("random binary32 arguments of every exponent, and of LSTM-like sizes", () => {
    const rng = new Rng(1702);
    const xs: number[] = [];
    for (let i = 0; i < 40000; i++) {
      const e = Math.floor(rng.float() * 180) - 150; // 2^-150 .. 2^30
      xs.push(Math.fround((rng.float() * 2 - 1) * 2 ** e));
      xs.push(Math.fround((rng.float() * 2 - 1) * 4));
    }
    expect(mismatches(xs)).toEqual([]);
  });

  it("arguments whose image is next to a binary32 midpoint", () => {
    const rng = new Rng(1703);
    const xs: number[] = [];
    for (let i = 0; i < 4000; i++) {
      // A binary32 value y in (0, 1), the midpoint above it, and the arguments near where each function reaches it.
      const y = Math.fround(rng.float() * (rng.float() < 0.5 ? 1 : 2 ** -Math.floor(rng.float() * 40)));
      bits[0] = y;
      code[0] = code[0]! + 1;
      const mid = (y + bits[0]!) / 2;
      for (const x of [Math.atanh(mid), Math.log(mid / (1 - mid))])
        if (Number.isFinite(x)) xs.push(...run(Math.fround(Math.abs(x)), 2));
    }
    expect(mismatches(xs)).toEqual([]);
  });

  it("consecutive binary32 values across the edges of the fast ranges", () => {
    const edges = [0.0625, 19, 40, 110, 103.27892990343184, 17.328679513998633, 9.010913347279288, 2 ** -9, 1];
    expect(mismatches(edges.flatMap((x) => run(Math.fround(x), 300)))).toEqual([]);
  });

  it("is what float32's Arith computes", () => {
    const a = arithFor(parseFormat("float32"));
    expect([a.tanh, a.sigmoid, a.tanhRange, a.sigmoidRange]).toEqual([tanh32, sigmoid32, tanh32Range, sigmoid32Range]);
  });

  it("over an array, only the stretch asked for, in every format's Arith", () => {
    const rng = new Rng(1704);
    const xs = Array.from({ length: 64 }, () => Math.fround((rng.float() * 2 - 1) * 6));
    for (const name of ["float32", "float64", "float16", "bfloat16", "fixed:4.8"]) {
      const a = arithFor(parseFormat(name));
      const ys = xs.map(a.round);
      for (const [range, one] of [
        [a.sigmoidRange, a.sigmoid],
        [a.tanhRange, a.tanh],
      ] as const) {
        const buf = Float64Array.from(ys);
        range(buf, 5, 40);
        const want = ys.map((y, i) => (i >= 5 && i < 40 ? one(y) : y));
        expect(Array.from(buf), name).toEqual(want);
      }
    }
  });
});

describe("binary32 exp", () => {
  const wrong = (xs: number[]) => xs.filter((x) => !Object.is(exp32(x), expRounded(x, T)));

  it("expF64 is within its claimed bound over the fast range, which the half-width exceeds twice over", () => {
    expect(EXP_E).toBeGreaterThan(2 * EXP64_BOUND);
    const rng = new Rng(1705);
    let worst = 0;
    for (let i = 0; i < 1500; i++) {
      const x = Math.fround(i % 2 === 0 ? -104 + rng.float() * 193 : (rng.float() * 2 - 1) * 2 ** -rng.int(30));
      // bigOf: x's exact value (its shortest decimal is off by up to |x| 2^-53, which e^x turns into a relative error).
      if (x > -104 && x < 89) worst = Math.max(worst, relError(expF64(x), expBig(bigOf(x))));
    }
    expect(worst).toBeLessThan(EXP64_BOUND);
  });

  it("equals the general path on special values, random binary32 arguments and Mamba-like sizes", () => {
    expect(wrong([0, -0, Infinity, -Infinity, NaN, 3.4028234663852886e38, -3.4028234663852886e38, 2 ** -149])).toEqual(
      [],
    );
    const rng = new Rng(1706);
    const xs: number[] = [];
    for (let i = 0; i < 40000; i++) {
      xs.push(Math.fround(-110 + rng.float() * 200));
      xs.push(Math.fround(-rng.float() * 2 ** (rng.int(8) - 4))); // dt A: small and negative
    }
    expect(wrong(xs)).toEqual([]);
  });

  it("arguments whose image is next to a binary32 midpoint, and runs across the edges of the fast range", () => {
    const rng = new Rng(1707);
    const xs: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const y = Math.fround(2 ** (rng.float() * 250 - 149));
      bits[0] = y;
      code[0] = code[0]! + 1;
      const x = Math.log((y + bits[0]!) / 2);
      if (Number.isFinite(x)) xs.push(...run(Math.fround(Math.abs(x)), 2));
    }
    const edges = [104, 103.97207708399179, 89, 88.72283935546875, 87.33654475055310898, 0.5, 2 ** -24];
    expect(wrong([...xs, ...edges.flatMap((x) => run(Math.fround(x), 300))])).toEqual([]);
  });

  it("is what float32's Arith computes", () => {
    expect(arithFor(parseFormat("float32")).exp).toBe(exp32);
  });
});
