/**
 * The fast paths' proofs, checked: every double-double core's claimed error bound holds against the big.js
 * reference, |f - (hi + lo)| <= err, on seeded random arguments (seed printed on failure) over each core's whole
 * domain and at the places where a proof is most likely to be wrong: table boundaries (x = j ln2/256 for exp, the
 * cells of log's table), tiny arguments (where the bounds scale with x^2), and the ends of each domain. A bound
 * that is violated anywhere makes correct rounding unsafe; a bound much larger than the error only costs speed.
 */
import Big from "big.js";
import { describe, expect, it } from "vitest";
import { EXP_OUT, EXP_REL, expCore } from "../../src/numeric/exp-core.js";
import { LOG_OUT, log1pCore, logCore } from "../../src/numeric/log-core.js";
import { ERF_OUT, erfSmall, erfcMid } from "../../src/numeric/erf-core.js";
import { TRIG_OUT, trigCore } from "../../src/numeric/trig-core.js";
import { Rng } from "../../src/random.js";
import { bigOf, cosBig, erfBig, erfcBig, expBig, logBig, pow2Big, sinBig } from "./transcendental-reference.js";

interface Miss {
  what: string;
  x: number;
  ratio: number;
}

/** |ref - approx| / err, with approx = (hi + lo) 2^s exactly. */
function ratio(ref: Big, hi: number, lo: number, err: number, s = 0): number {
  const approx = bigOf(hi).plus(bigOf(lo)).times(pow2Big(s));
  const diff = ref.minus(approx).abs();
  if (err === 0) return diff.eq(0) ? 0 : Infinity;
  const bound = bigOf(err).times(pow2Big(s));
  return Number(diff.div(bound).toPrecision(6));
}

function gaussian(rng: Rng): number {
  const u = Math.max(rng.float(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

const SEED = 20261202;
const misses = (m: Miss[]) => m.map((v) => `${v.what}(${v.x}): error ${v.ratio} x its bound (seed ${SEED})`).join("\n");

describe("expCore", () => {
  it("e^x = 2^m (hi + lo) within err (its running bound) and within EXP_REL |hi| 2^m, |x| <= 1500", () => {
    const rng = new Rng(SEED);
    const xs: number[] = [];
    for (let i = 0; i < 60; i++) xs.push(12 * gaussian(rng));
    for (let i = 0; i < 20; i++) xs.push((rng.float() * 2 - 1) * 1500);
    for (let i = 0; i < 20; i++) xs.push((rng.float() * 2 - 1) * 2 ** -(10 + rng.int(60))); // tiny
    // Next to the table's cells: j ln2/256 + a few ulps, where n rounds either way.
    for (let i = 0; i < 20; i++) {
      const x = ((rng.int(4000) - 2000) * Math.LN2) / 256;
      xs.push(x, x + (x === 0 ? 1e-20 : Math.abs(x) * 2 ** -50), x + (rng.int(2) ? 0.5 : -0.5) * (Math.LN2 / 256));
    }
    xs.push(1500, -1500, 709.78, -745.13, 2 ** -1074, -(2 ** -1074));
    const m: Miss[] = [];
    for (const x of xs) {
      const s = expCore(x, 0);
      const [hi, lo, err] = [EXP_OUT[0]!, EXP_OUT[1]!, EXP_OUT[2]!];
      const ref = expBig(bigOf(x), 60);
      const r = ratio(ref, hi, lo, err, s);
      if (!(r <= 1)) m.push({ what: "exp", x, ratio: r });
      const r2 = ratio(ref, hi, lo, EXP_REL * Math.abs(hi), s);
      if (!(r2 <= 1)) m.push({ what: "exp (EXP_REL)", x, ratio: r2 });
      expect(Math.abs(hi)).toBeGreaterThanOrEqual(0.99);
      expect(Math.abs(hi)).toBeLessThan(2.01);
    }
    expect(m, misses(m)).toEqual([]);
  });

  it("with a double-double argument x + xl (|xl| <= 2^-40 |x|), as erfc's e^(-z^2) uses it", () => {
    const rng = new Rng(SEED + 1);
    const m: Miss[] = [];
    for (let i = 0; i < 40; i++) {
      const x = -(rng.float() * 800);
      const xl = (rng.float() * 2 - 1) * Math.abs(x) * 2 ** -(40 + rng.int(20));
      const s = expCore(x, xl);
      const r = ratio(expBig(bigOf(x).plus(bigOf(xl)), 60), EXP_OUT[0]!, EXP_OUT[1]!, EXP_OUT[2]!, s);
      if (!(r <= 1)) m.push({ what: `exp(x + ${xl})`, x, ratio: r });
    }
    expect(m, misses(m)).toEqual([]);
  });
});

describe("logCore and log1pCore", () => {
  it("ln x within err: random exponents, every table cell and both sides of 1", () => {
    const rng = new Rng(SEED + 2);
    const xs: number[] = [];
    for (let i = 0; i < 40; i++) xs.push((1 + rng.float()) * 2 ** (rng.int(2100) - 1074));
    for (let j = 0; j < 128; j += 3) xs.push(1 + (j + rng.float()) / 128); // every third cell of the table
    for (let i = 0; i < 20; i++) xs.push(1 + (rng.float() * 2 - 1) * 2 ** -(7 + rng.int(45)));
    xs.push(2 ** -1074, 1 - 2 ** -53, 1 + 2 ** -52, Number.MAX_VALUE, Math.SQRT2, Math.SQRT1_2);
    const m: Miss[] = [];
    for (const x of xs) {
      if (x === 1) continue;
      logCore(x);
      const r = ratio(logBig(bigOf(x)), LOG_OUT[0]!, LOG_OUT[1]!, LOG_OUT[2]!);
      if (!(r <= 1)) m.push({ what: "log", x, ratio: r });
    }
    expect(m, misses(m)).toEqual([]);
  });

  it("ln(1 + w) within err for w in (2^-60, 1] given exactly (softplus's w = e^-|x|)", () => {
    const rng = new Rng(SEED + 3);
    const m: Miss[] = [];
    for (let i = 0; i < 40; i++) {
      const w = rng.float() * 2 ** -rng.int(60) || 2 ** -60;
      log1pCore(w, 0, 0);
      const r = ratio(logBig(bigOf(w).plus(1)), LOG_OUT[0]!, LOG_OUT[1]!, LOG_OUT[2]!);
      if (!(r <= 1)) m.push({ what: "log1p", x: w, ratio: r });
    }
    expect(m, misses(m)).toEqual([]);
  });
});

describe("erfSmall and erfcMid", () => {
  it("erf z within err for 2^-900 <= z < 1/2; erfc z = 2^s (hi + lo) within err for 1/2 <= z < 28", () => {
    const rng = new Rng(SEED + 4);
    const m: Miss[] = [];
    for (let i = 0; i < 30; i++) {
      const z = i < 20 ? rng.float() * 0.5 : 2 ** -(rng.int(800) + 2);
      erfSmall(z, 0);
      const r = ratio(erfBig(bigOf(z)), ERF_OUT[0]!, ERF_OUT[1]!, ERF_OUT[2]!);
      if (!(r <= 1)) m.push({ what: "erf", x: z, ratio: r });
    }
    // Every cell of the table at a random point, and its two ends.
    for (let i = 4; i <= 224; i += 11) {
      for (const z of [i / 8 + (rng.float() - 0.5) / 8, i / 8 - 1 / 16, i / 8 + 1 / 16 - 2 ** -40]) {
        if (z < 0.5 || z >= 28) continue;
        const s = erfcMid(z, 0);
        const r = ratio(erfcBig(bigOf(z)), ERF_OUT[0]!, ERF_OUT[1]!, ERF_OUT[2]!, s);
        if (!(r <= 1)) m.push({ what: "erfc", x: z, ratio: r });
      }
    }
    expect(m, misses(m)).toEqual([]);
  });
});

describe("trigCore", () => {
  it("sin x and cos x within err: moderate, huge, table-cell edges, near multiples of pi/2, both reductions", () => {
    const rng = new Rng(SEED + 5);
    const xs: number[] = [];
    for (let i = 0; i < 30; i++) xs.push(8 * gaussian(rng));
    for (let i = 0; i < 10; i++) xs.push((rng.float() * 2 - 1) * 2 ** 20); // Cody-Waite's whole range
    for (let i = 0; i < 6; i++) xs.push((rng.float() * 2 - 1) * 2 ** (20 + rng.int(1004))); // Payne-Hanek
    // r = x - k pi/2 at the table's cell edges (j +- 1/2)/128 and centres, in several quadrants.
    for (let i = 0; i < 12; i++) {
      const k = rng.int(9) - 4;
      const j = rng.int(101);
      xs.push((k * Math.PI) / 2 + (j + (rng.int(2) ? 0.5 : 0)) / 128);
    }
    // Next to multiples of pi/2, where r cancels most of x.
    for (let i = 1; i < 8; i++) {
      const x = (i * 355 * Math.PI) / 2;
      xs.push(x, x + Math.abs(x) * 2 ** -52);
    }
    xs.push(2 ** -27, 0.7853981633974483, 1048575.9999999999, 1048576, 6381956970095103 * 2 ** 797);
    const m: Miss[] = [];
    for (const x of xs)
      for (const cos of [false, true]) {
        trigCore(x, cos);
        const ref = cos ? cosBig(bigOf(x)) : sinBig(bigOf(x));
        // The reference's own error (relative 1e-44, transcendental-reference.ts) is allowed for: where the bound is
        // far below it (cos r - 1 ~ 1e-37 next to a multiple of pi/2) the check is the reference's precision.
        const r = ratio(ref, TRIG_OUT[0]!, TRIG_OUT[1]!, TRIG_OUT[2]! + Math.abs(TRIG_OUT[0]!) * 1e-44);
        if (!(r <= 1)) m.push({ what: cos ? "cos" : "sin", x, ratio: r });
        // The bound is tight enough to be useful: within 2^-64 of the value.
        if (!(TRIG_OUT[2]! <= Math.abs(TRIG_OUT[0]!) * 2 ** -64)) m.push({ what: "loose bound", x, ratio: r });
      }
    expect(m, misses(m)).toEqual([]);
  });
});
