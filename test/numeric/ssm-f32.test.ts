/**
 * The binary32 fast paths Mamba and S4D run on: softplus (src/numeric/softplus-f32.ts), SiLU (logistic-f32.ts), the
 * exact GELU (gelu-f32.ts), sqrt (sqrt.ts) and the exact sum's rounded quotient (exact-sum.ts, layer norm's mean and
 * variance, in layer norm and RMSNorm). For each: the binary64 value is within its claimed bound of big.js's, and the decided value equals the
 * general path's, bit for bit, on special values, seeded random binary32 arguments of every exponent and of model
 * sizes, arguments whose image lies next to a binary32 midpoint (where the fast path must decline), and runs of
 * consecutive binary32 values across the edges of its ranges. Every failure message names its seed.
 */
import { describe, expect, it } from "vitest";
import Big from "big.js";
import { arithFor, parseFormat } from "../../src/index.js";
import { float32, type IeeeFormat } from "../../src/numeric/ieee.js";
import { targetFor } from "../../src/numeric/round-target.js";
import { Rng } from "../../src/random.js";
import { SOFTPLUS64_BOUND, SOFTPLUS_E, softplus32, softplus64 } from "../../src/numeric/softplus-f32.js";
import { SIGMOID_E, SILU64_BOUND, silu32, silu64 } from "../../src/numeric/logistic-f32.js";
import { BOUNDS, ERFCX_BOUND, GELU64_BOUND, GELU_E, gelu32, gelu64 } from "../../src/numeric/gelu-f32.js";
import { sqrt32, sqrt64 } from "../../src/numeric/sqrt.js";
import { softplusRounded } from "../../src/numeric/exp-log.js";
import { siluRounded } from "../../src/numeric/logistic.js";
import { geluRounded } from "../../src/numeric/gelu.js";
import { exactSumFor } from "../../src/numeric/exact-sum.js";
import type { Arith } from "../../src/numeric/arith.js";
import { applyLayerNorm, type CompiledNorm } from "../../src/models/blocks/layer-norm.js";
import { applyRmsNorm } from "../../src/models/rms-norm.js";
import { geluBig, siluBig, softplusBig } from "./transcendental-reference.js";
import { bigOf, exactAdd, exactOf, refRoundIeee, type Exact } from "./reference.js";

const T = targetFor(float32);
const f = Math.fround;
const bits = new Float32Array(1);
const code = new Uint32Array(bits.buffer);
const U = 2 ** -53;

/** The binary32 values with codes c - k .. c + k around |x|'s code c, both signs. */
function run(x: number, k: number): number[] {
  bits[0] = Math.abs(x);
  const c = code[0]!;
  const out: number[] = [];
  for (let i = Math.max(0, c - k); i <= c + k; i++) {
    code[0] = i;
    out.push(bits[0]!, -bits[0]!);
  }
  return out;
}

/** The binary32 value after y > 0 and the midpoint between them. */
function midAbove(y: number): number {
  bits[0] = y;
  code[0] = code[0]! + 1;
  return (y + bits[0]!) / 2;
}

/** |approx - ref| / |ref|, exactly (big.js). */
function relError(approx: number, ref: Big): number {
  return new Big(approx).minus(ref).abs().div(ref.abs()).toNumber();
}

/**
 * A binary32 argument where an increasing fn (on [lo, hi]) reaches `target`: bisection on binary32 values with fn
 * itself, only to place test points (the tests then compare the decided values, not these).
 */
function where(fn: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 80; i++) {
    const m = f((lo + hi) / 2);
    if (m === lo || m === hi) break;
    if (fn(m) < target) lo = m;
    else hi = m;
  }
  return lo;
}

/** A binary32 value of random sign with a random exponent in [lo, hi). */
function anyExponent(rng: Rng, lo: number, hi: number): number {
  return f((rng.float() < 0.5 ? -1 : 1) * (1 + rng.float()) * 2 ** (lo + Math.floor(rng.float() * (hi - lo))));
}

const SPECIAL = [
  0,
  -0,
  Infinity,
  -Infinity,
  NaN,
  3.4028234663852886e38,
  -3.4028234663852886e38,
  2 ** -149,
  -(2 ** -149),
  2 ** -126,
  -(2 ** -126),
  1,
  -1,
];

interface Case {
  name: string;
  fast: (x: number) => number;
  general: (x: number) => number;
  /** The binary64 value, its claimed bound, the half-width, its range, and big.js's value. */
  f64: (x: number) => number;
  bound: number;
  halfWidth: number;
  range: [number, number];
  big: (x: Big) => Big;
  /** How many arguments the big.js bound test draws (big.js's erfc is slow). */
  bigCount: number;
  /** Model-like and edge-region arguments for the bound, and the edges of the fast range for runs. */
  draw: (rng: Rng) => number;
  edges: number[];
  /** Arguments near where the function reaches a binary32 midpoint. */
  nearMidpoints: (rng: Rng) => number[];
}

const CASES: Case[] = [
  {
    name: "softplus",
    fast: softplus32,
    general: (x) => softplusRounded(x, T),
    f64: softplus64,
    bound: SOFTPLUS64_BOUND,
    halfWidth: SOFTPLUS_E,
    range: [-104, 50],
    big: softplusBig,
    bigCount: 3000,
    draw: (rng) => {
      const r = rng.float();
      if (r < 0.3) return f(-104 + rng.float() * 154); // the whole fast range, subnormal results at its left end
      if (r < 0.5) return f(-104 + rng.float() * 20); // e^x near binary32's subnormals
      if (r < 0.8) return anyExponent(rng, -40, 3); // around 0 (w near 1, ln 2)
      return f((rng.float() * 2 - 1) * 6); // Mamba's dt before softplus
    },
    edges: [104, 103.27892990343184, 87.33654475055311, 50, 16.635532333438686, 1, 2 ** -20],
    nearMidpoints: (rng) => {
      // y = softplus(x) near a binary32 midpoint m: x = ln(e^m - 1), placed by bisection on softplus64.
      const y = f(2 ** (rng.float() * 10 - 8));
      return run(where(softplus64, midAbove(y), -30, 30), 2);
    },
  },
  {
    name: "silu",
    fast: silu32,
    general: (x) => siluRounded(x, T),
    f64: silu64,
    bound: SILU64_BOUND,
    halfWidth: SIGMOID_E,
    range: [-110, 40],
    big: siluBig,
    bigCount: 3000,
    draw: (rng) => {
      const r = rng.float();
      if (r < 0.3) return f(-110 + rng.float() * 150);
      if (r < 0.45) return f(-110 + rng.float() * 20); // subnormal results
      if (r < 0.8) return anyExponent(rng, -149, 3); // tiny |x|, subnormal arguments
      return f((rng.float() * 2 - 1) * 8);
    },
    edges: [110, 103.97, 40, 2 ** -126, 2 ** -140, 1],
    nearMidpoints: (rng) => {
      // silu is increasing on x > -1.27: its image near a binary32 midpoint, x > 0 and x in (-1.27, 0).
      const y = f(2 ** (rng.float() * 12 - 8));
      const neg = -f(0.27 * rng.float() * 2 ** -rng.int(6));
      return [...run(where(silu64, midAbove(y), 0, 300), 2), ...run(where(silu64, -midAbove(-neg), -1.27, 0), 2)];
    },
  },
  {
    name: "gelu",
    fast: gelu32,
    general: (x) => geluRounded(x, T),
    f64: gelu64,
    bound: GELU64_BOUND,
    halfWidth: GELU_E,
    range: [-14.5, 12],
    big: geluBig,
    bigCount: 1500,
    draw: (rng) => {
      const r = rng.float();
      if (r < 0.25) return f(-14.5 + rng.float() * 26.5);
      if (r < 0.4) return f(-14.5 + rng.float() * 2); // subnormal results
      if (r < 0.6) return f((rng.float() * 2 - 1) * 0.6875); // the series branch
      if (r < 0.8) return anyExponent(rng, -149, 0); // tiny |x|
      // next to a table point's boundary, z = (i + 1/2)/8: x = z sqrt 2
      return f(
        (rng.float() < 0.5 ? -1 : 1) *
          ((4 + rng.int(78) + 0.5) / 8) *
          Math.SQRT2 *
          (1 + (rng.float() - 0.5) * 2 ** -20),
      );
    },
    edges: [14.5, 13.5, 12, 0.6875, 2 ** -126, 2 ** -60, 0.75, 1, (4.5 / 8) * Math.SQRT2, 10.125 * Math.SQRT2],
    nearMidpoints: (rng) => {
      // gelu is increasing on x > -0.75: its image near a binary32 midpoint on both sides.
      const y = f(2 ** (rng.float() * 12 - 8));
      const neg = -f(0.17 * rng.float() * 2 ** -rng.int(8));
      return [...run(where(gelu64, midAbove(y), 0, 12), 2), ...run(where(gelu64, -midAbove(-neg), -0.75, 0), 2)];
    },
  },
];

for (const c of CASES) {
  describe(`binary32 ${c.name}`, () => {
    const wrong = (xs: number[]) => xs.filter((x) => !Object.is(c.fast(x), c.general(x)));

    it("the binary64 value is within its claimed bound of big.js's, which the half-width exceeds twice over", () => {
      expect(c.halfWidth).toBeGreaterThan(2 * c.bound + U);
      const seed = 1801;
      const rng = new Rng(seed);
      let worst = 0;
      let at = NaN;
      for (let i = 0; i < c.bigCount; i++) {
        const x = c.draw(rng);
        if (!(x > c.range[0] && x < c.range[1]) || x === 0) continue;
        const y = c.f64(x);
        if (y !== y) continue; // gelu64 declines near a table boundary
        const e = relError(y, c.big(bigOf(x)));
        if (e > worst) [worst, at] = [e, x];
      }
      expect(worst, `seed ${seed}: worst at x = ${at}`).toBeLessThan(c.bound);
    }, 120_000);

    it("equals the general path on special values and 60,000 seeded binary32 arguments", () => {
      expect(wrong(SPECIAL)).toEqual([]);
      const seed = 1802;
      const rng = new Rng(seed);
      const xs: number[] = [];
      for (let i = 0; i < 20000; i++) {
        xs.push(anyExponent(rng, -149, 8)); // every exponent up to 256
        xs.push(c.draw(rng));
        xs.push(f((rng.float() * 2 - 1) * 4)); // model-like sizes
      }
      expect(wrong(xs), `seed ${seed}`).toEqual([]);
    });

    it("equals the general path next to binary32 midpoints and across the edges of the fast range", () => {
      const seed = 1803;
      const rng = new Rng(seed);
      const xs: number[] = [];
      for (let i = 0; i < 2000; i++) xs.push(...c.nearMidpoints(rng));
      for (const e of c.edges) xs.push(...run(f(e), 300));
      expect(wrong(xs), `seed ${seed}`).toEqual([]);
    });
  });
}

describe("gelu-f32's table bounds", () => {
  it("the erfcx entries and the series are within the bounds the comment claims (checked when built, too)", () => {
    gelu32(1);
    expect(BOUNDS.erfcx).toBeGreaterThan(0);
    expect(BOUNDS.erfcx).toBeLessThanOrEqual(ERFCX_BOUND);
    expect(BOUNDS.series).toBeLessThanOrEqual(1.6 * U);
  });
});

describe("binary32 sqrt", () => {
  const wrong = (xs: number[]) => xs.filter((x) => !Object.is(sqrt32(x), f(sqrt64(x))));

  it("equals round32(sqrt64) on special values, squares and their neighbours, and 60,000 seeded arguments", () => {
    expect(wrong([...SPECIAL, -(2 ** -149), 0.1, 1 / 3, 2 ** 127, 2 ** -148])).toEqual([]);
    const seed = 1804;
    const rng = new Rng(seed);
    const xs: number[] = [];
    for (let i = 0; i < 20000; i++) {
      xs.push(Math.abs(anyExponent(rng, -149, 128)));
      const r = Math.abs(anyExponent(rng, -74, 64));
      xs.push(...run(f(r * r), 1)); // around exact squares, where a candidate off by one is caught
      xs.push(f(rng.float() * 4)); // layer norm's variances
    }
    // doubles that are not binary32 values take the general path
    xs.push(0.1 + 2 ** -60, Math.PI);
    expect(wrong(xs), `seed ${seed}`).toEqual([]);
    expect(gelu32(Math.PI)).toBe(geluRounded(Math.PI, T)); // and for gelu, whose x^2 must be exact
  });

  it("is what float32's Arith computes, with softplus, silu and gelu", () => {
    const a = arithFor(parseFormat("float32"));
    expect([a.sqrt, a.softplus, a.silu, a.gelu]).toEqual([sqrt32, softplus32, silu32, gelu32]);
  });
});

describe("the exact sum's rounded quotient in formats of at most 24 fraction bits", () => {
  /** sum / k rounded to the format, from the exact sum in integers (round to odd, then refRoundIeee). */
  function reference(xs: number[], k: number, fmt: IeeeFormat): number {
    let s: Exact = { sig: 0n, exp: 0 };
    for (const x of xs) s = exactAdd(s, exactOf(x));
    if (s.sig === 0n) return 0;
    const negative = s.sig < 0n;
    const num = (negative ? -s.sig : s.sig) << 200n;
    const q = num / BigInt(k);
    const sticky = q * BigInt(k) === num ? 0n : 1n;
    const v: Exact = { sig: ((q << 1n) | sticky) * (negative ? -1n : 1n), exp: s.exp - 201 };
    return refRoundIeee(v, fmt.exponentBits, fmt.mantissaBits, negative ? -1 : 1);
  }

  it("equals the exact reference on layer-norm-like vectors, cancellations, tiny and huge values, ties", () => {
    for (const name of ["float32", "float16", "bfloat16"]) {
      const fmt = parseFormat(name) as IeeeFormat;
      const emax = 2 ** (fmt.exponentBits - 1) - 1;
      const acc = exactSumFor(fmt).accumulator();
      const seed = 1805;
      const rng = new Rng(seed);
      const bad: string[] = [];
      for (let i = 0; i < 4000; i++) {
        const d = 1 + rng.int(96);
        const kind = i % 5;
        const xs: number[] = [];
        for (let j = 0; j < d; j++) {
          let x: number;
          if (kind === 0)
            x = (rng.float() * 2 - 1) * 3; // activations
          else if (kind === 1)
            x = (rng.float() * 2 - 1) ** 2; // squares of centred values
          else if (kind === 2)
            x = (rng.float() < 0.5 ? -1 : 1) * 2 ** (rng.float() * 2 * emax - emax - fmt.mantissaBits);
          else if (kind === 3)
            x = (j % 2 === 0 ? 1 : -1) * 2 ** (emax - 2) * (1 + rng.int(4) / 4); // cancelling
          else x = (rng.float() < 0.5 ? -1 : 1) * rng.int(8) * 2 ** (1 - emax - fmt.mantissaBits); // subnormals
          xs.push(fmt.round(x));
        }
        const k = rng.float() < 0.5 ? d : 1 + rng.int(5000);
        acc.clear();
        for (const x of xs) acc.add(x);
        const got = acc.roundedQuotient(k);
        const want = reference(xs, k, fmt);
        if (!Object.is(got, want)) bad.push(`${name} k=${k} [${xs.join(",")}]: ${got} != ${want}`);
      }
      // exact midpoints: (2j + 1) least subnormals over 2 ties to even; 3 x 2^-1 over 2 and 3 is exact
      const least = 2 ** (1 - emax - fmt.mantissaBits);
      for (const [xs, k] of [
        [[3 * least], 2],
        [[5 * least], 2],
        [[least, least, least], 6],
        [[1.5], 3],
        [[-3 * least], 2],
        [[-least], 4],
        [[], 7],
      ] as [number[], number][]) {
        acc.clear();
        for (const x of xs) acc.add(x);
        const got = acc.roundedQuotient(k);
        const want = reference(xs, k, fmt);
        if (!Object.is(got, want)) bad.push(`${name} k=${k} [${xs.join(",")}]: ${got} != ${want}`);
      }
      expect(bad, `seed ${seed}`).toEqual([]);
    }
  });
});

describe("layer norm and RMSNorm with the binary64 quotients", () => {
  /** The two norms as they were, every quotient from the exact accumulator. */
  function layerNormRef(arith: Arith, v: Float64Array, n: CompiledNorm): void {
    const acc = exactSumFor(arith.format).accumulator();
    const d = v.length;
    for (let c = 0; c < d; c++) acc.add(v[c]!);
    const mean = acc.roundedQuotient(d);
    acc.clear();
    for (let c = 0; c < d; c++) {
      v[c] = arith.sub(v[c]!, mean);
      acc.add(arith.mul(v[c]!, v[c]!));
    }
    const scale = arith.sqrt(arith.add(acc.roundedQuotient(d), n.eps));
    for (let c = 0; c < d; c++) v[c] = arith.add(arith.mul(arith.div(v[c]!, scale), n.weight[c]!), n.bias[c]!);
  }
  function rmsNormRef(arith: Arith, x: Float64Array, w: Float64Array, eps: number, out: Float64Array): void {
    const acc = exactSumFor(arith.format).accumulator();
    for (const v of x) acc.add(arith.mul(v, v));
    const s = arith.sqrt(arith.add(acc.roundedQuotient(x.length), eps));
    for (let c = 0; c < x.length; c++) out[c] = arith.mul(arith.div(x[c]!, s), w[c]!);
  }

  it("give the accumulator's values on seeded vectors: activations, spreads of exponents, ties, non-finite values", () => {
    for (const name of ["float32", "float16", "bfloat16", "float64"]) {
      const arith = arithFor(parseFormat(name));
      const acc = exactSumFor(arith.format).accumulator();
      const seed = 1806;
      const rng = new Rng(seed);
      const bad: string[] = [];
      for (let i = 0; i < 3000; i++) {
        const d = 1 + rng.int(80);
        const kind = i % 6;
        const v = new Float64Array(d);
        for (let c = 0; c < d; c++) {
          let x: number;
          if (kind === 0) x = (rng.float() * 2 - 1) * 3;
          else if (kind === 1) x = (rng.float() < 0.5 ? -1 : 1) * 2 ** (rng.float() * 60 - 30);
          else if (kind === 2)
            x = c % 2 === 0 ? 1 : -1; // mean 0 or 1/d, variance 1: exact quotients
          else if (kind === 3)
            x = 2 ** -20 * rng.int(3) + 100; // a large common part, tiny differences
          else if (kind === 4) x = [0, -0, 1, 2 ** -140, 2 ** -149][rng.int(5)]!;
          else x = c === 0 ? [NaN, Infinity, -Infinity, 3e38][rng.int(4)]! : rng.float();
          v[c] = arith.round(x);
        }
        const norm: CompiledNorm = {
          weight: v.map(() => arith.round(rng.float() * 2)),
          bias: v.map(() => arith.round(rng.float() - 0.5)),
          eps: arith.round(2 ** -10 * rng.int(2)),
        };
        const got = Float64Array.from(v);
        const want = Float64Array.from(v);
        applyLayerNorm(arith, acc, got, norm);
        layerNormRef(arith, want, norm);
        const rGot = new Float64Array(d);
        const rWant = new Float64Array(d);
        applyRmsNorm(arith, acc, v, 0, d, norm.weight, norm.eps, rGot);
        rmsNormRef(arith, v, norm.weight, norm.eps, rWant);
        const same = (a: Float64Array, b: Float64Array) => a.every((x, c) => Object.is(x, b[c]));
        if (!same(got, want) || !same(rGot, rWant)) bad.push(`${name} [${Array.from(v).join(",")}]`);
      }
      expect(bad, `seed ${seed}`).toEqual([]);
    }
  });
});
