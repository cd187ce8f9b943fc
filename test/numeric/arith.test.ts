import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { arithFor, type Arith } from "../../src/numeric/arith.js";
import { fixedFormat, type FixedFormat } from "../../src/numeric/fixed.js";
import { bfloat16, float16, float32, float64, ieeeFormat, type IeeeFormat } from "../../src/numeric/ieee.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import { CcboundError } from "../../src/errors.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { valueOf } from "./arbitraries.js";
import { targetFor } from "../../src/numeric/round-target.js";
import { sigmoidRounded, siluRounded, tanhRounded } from "../../src/numeric/logistic.js";
import { expRounded, logRounded, softplusRounded } from "../../src/numeric/exp-log.js";
import { bigOf, exactAdd, exactMul, exactOf, refFixed, refRoundIeee } from "./reference.js";

const SEED = 42;
const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);
const SHAPES: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0, 4],
  [3, 4],
  [7, 8],
  [15, 16],
  [20, 30],
  [0, 52],
  [52, 0],
  [26, 26],
  [1, 51],
  [10, 42],
];
const FIXED: FixedFormat[] = SHAPES.flatMap(([i, f]) => [fixedFormat(i, f), fixedFormat(i, f, "nearest")]);
const IEEE: IeeeFormat[] = [float64, float32, float16, bfloat16];

/** Fixed-point operands: uniform over the grid, small, near powers of two (where long products and ties live), the ends. */
function fixedOperand(f: FixedFormat): fc.Arbitrary<number> {
  const kmax = 2 ** (f.intBits + f.fracBits) - 1;
  const clampK = (k: number) => Math.max(-kmax - 1, Math.min(kmax, k));
  return fc
    .oneof(
      fc.integer({ min: -kmax - 1, max: kmax }),
      valueOf(f).map((x) => x * 2 ** f.fracBits),
      fc.integer({ min: -300, max: 300 }),
      fc
        .tuple(fc.integer({ min: 0, max: f.intBits + f.fracBits }), fc.integer({ min: -3, max: 3 }), fc.boolean())
        .map(([j, d, neg]) => (neg ? -1 : 1) * (2 ** j + d)),
      fc.constantFrom(kmax, -kmax - 1, 2 ** (f.fracBits - 1), 1, -1, 0),
    )
    .map((k) => clampK(Math.trunc(k)) * 2 ** -f.fracBits + 0);
}

/** The exact fixed-point result of an operation, rounded by the format's rule (big.js reference). */
function refFixedOp(f: FixedFormat, op: "add" | "sub" | "mul", a: number, b: number): number {
  const x = bigOf(a);
  const y = bigOf(b);
  const exact = op === "add" ? x.plus(y) : op === "sub" ? x.minus(y) : x.times(y);
  return refFixed(exact, f.intBits, f.fracBits, f.rounding);
}

/** The exact IEEE result of an operation rounded once (bigint reference), with IEEE's sign rules for exact zeros. */
function refIeeeOp(f: IeeeFormat, op: "add" | "sub" | "mul", a: number, b: number): number {
  // Infinities and NaN (an overflowed accumulator): the result is ±Infinity or NaN in every format, as in binary64.
  if (!Number.isFinite(a) || !Number.isFinite(b)) return op === "add" ? a + b : op === "sub" ? a - b : a * b;
  const x = exactOf(a);
  const y = exactOf(op === "sub" ? -b : b);
  const bb = op === "sub" ? -b : b;
  if (op === "mul")
    return refRoundIeee(
      exactMul(x, y),
      f.exponentBits,
      f.mantissaBits,
      (Object.is(a, -0) || a < 0) !== (Object.is(b, -0) || b < 0) ? -1 : 1,
    );
  return refRoundIeee(exactAdd(x, y), f.exponentBits, f.mantissaBits, Object.is(a, -0) && Object.is(bb, -0) ? -1 : 1);
}

describe.each(FIXED.map((f) => [f.name, f] as const))("%s arithmetic", (_n, f) => {
  const arith = arithFor(f);
  it.each(["add", "sub", "mul"] as const)("%s equals the exact big.js result rounded by the format's rule", (op) => {
    fc.assert(
      fc.property(fixedOperand(f), fixedOperand(f), (a, b) => same(arith[op](a, b), refFixedOp(f, op, a, b))),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it("mul is exact on long products next to the grid (k = ±(2^t + d), 2^s = ka kb >= 2^53, exhaustively over d)", () => {
    // e.g. (2^27 - 1)(2^27 + 1) = 2^54 - 1: binary64 rounds the product up onto a grid point, the exact floor is below it.
    const n = f.intBits + f.fracBits;
    for (let s = 53; s <= Math.min(2 * n, 58); s++) {
      const lo = Math.max(0, s - n);
      const hi = Math.min(n, s);
      for (const t of new Set([lo, lo + 1, Math.floor(s / 2), hi - 1, hi].filter((t) => t >= lo && t <= hi))) {
        for (let d1 = -3; d1 <= 3; d1++) {
          for (let d2 = -3; d2 <= 3; d2++) {
            const ka = Math.min(2 ** t + d1, 2 ** n - 1);
            const kb = Math.min(2 ** (s - t) + d2, 2 ** n - 1);
            for (const a of [ka * 2 ** -f.fracBits, -ka * 2 ** -f.fracBits + 0]) {
              const b = kb * 2 ** -f.fracBits;
              expect(arith.mul(a, b), `mul(${a}, ${b})`).toBe(refFixedOp(f, "mul", a, b));
            }
          }
        }
      }
    }
  });

  it("saturates at both ends", () => {
    const step = 2 ** -f.fracBits;
    expect(arith.add(f.max, step)).toBe(f.max);
    expect(arith.sub(f.min, step)).toBe(f.min);
    if (f.intBits >= 2) {
      expect(arith.mul(f.max, f.max)).toBe(f.max);
      expect(arith.mul(f.min, f.max)).toBe(f.min);
      expect(arith.mul(f.min, f.min)).toBe(f.max);
    }
  });
});

describe.each(IEEE.map((f) => [f.name, f] as const))("%s arithmetic", (_n, f) => {
  const arith = arithFor(f);
  it.each(["add", "sub", "mul"] as const)("%s equals the exact result rounded once (no double rounding)", (op) => {
    fc.assert(
      fc.property(valueOf(f), valueOf(f), (a, b) => same(arith[op](a, b), refIeeeOp(f, op, a, b))),
      { seed: SEED, numRuns: 3000 },
    );
  });
});

describe("activations", () => {
  const all: NumberFormat[] = [...IEEE, ...FIXED];
  it.each(all.map((f) => [f.name, f] as const))(
    "%s: the transcendentals are the correctly rounded functions of the format's target; relu rounds x",
    (_n, f) => {
      // The functions themselves are checked against an independent big.js reference in transcendentals.test.ts;
      // here, that each Arith method is that function for this format.
      const arith = arithFor(f);
      const t = targetFor(f);
      fc.assert(
        fc.property(fc.double({ min: -40, max: 40, noNaN: true }), (x) => {
          return (
            same(arith.tanh(x), tanhRounded(x, t)) &&
            same(arith.sigmoid(x), sigmoidRounded(x, t)) &&
            same(arith.exp(x), expRounded(x, t)) &&
            same(arith.silu(x), siluRounded(x, t)) &&
            same(arith.softplus(x), softplusRounded(x, t)) &&
            same(arith.log(Math.abs(x)), logRounded(Math.abs(x), t)) &&
            same(arith.relu(f.round(x)), f.round(x) > 0 ? f.round(x) : 0)
          );
        }),
        { seed: SEED, numRuns: 100 },
      );
      expect(Object.is(arith.relu(-0), 0)).toBe(true);
      // Every result is a value of the format (fixed point never returns -0).
      for (const x of [-0, 0, -1e-300, 1e-300, -3, 3, -50, 50])
        for (const g of [
          arith.tanh,
          arith.sigmoid,
          arith.exp,
          arith.silu,
          arith.erf,
          arith.gelu,
          arith.geluTanh,
          arith.sin,
          arith.cos,
        ])
          expect(f.isRepresentable(g(x)), `${g.name}(${x})`).toBe(true);
    },
  );
});

describe("saturating activations round the exact value, not binary64's 1", () => {
  it("fixed:5.2 floor: tanh(20) and sigmoid(40) are 0.75 (exact values are below 1); tanh(-20) is -1; nearest gives 1", () => {
    const floor = arithFor(parseFormat("fixed:5.2"));
    expect(floor.tanh(20)).toBe(0.75);
    expect(floor.sigmoid(40)).toBe(0.75);
    expect(floor.tanh(-20)).toBe(-1);
    expect(floor.tanh(0.5)).toBe(0.25); // tanh(0.5) = 0.46...
    const nearest = arithFor(parseFormat("fixed:5.2:nearest"));
    expect(nearest.tanh(20)).toBe(1);
    expect(nearest.sigmoid(40)).toBe(1);
    expect(arithFor(parseFormat("fixed:3.0")).tanh(20)).toBe(0); // integer grid: the exact value 0.99... rounds down to 0
  });
});

/** The naive reference: acc = R(acc + R(w * v)) from column 0, then R(acc + bias), with exact reference rounding. */
function refOps(f: NumberFormat): { add(a: number, b: number): number; mul(a: number, b: number): number } {
  if (f.kind === "fixed") {
    const g = f as FixedFormat;
    return { add: (a, b) => refFixedOp(g, "add", a, b), mul: (a, b) => refFixedOp(g, "mul", a, b) };
  }
  const g = f as IeeeFormat;
  return { add: (a, b) => refIeeeOp(g, "add", a, b), mul: (a, b) => refIeeeOp(g, "mul", a, b) };
}

function naiveMatVec(
  f: NumberFormat,
  w: number[],
  rows: number,
  cols: number,
  v: number[],
  bias: number[] | null,
): number[] {
  const ref = refOps(f);
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let j = 0; j < cols; j++) acc = ref.add(acc, ref.mul(w[r * cols + j]!, v[j]!));
    out.push(bias === null ? acc : ref.add(acc, bias[r]!));
  }
  return out;
}

describe("matVec and dotRow", () => {
  const formats: NumberFormat[] = [
    ...IEEE,
    fixedFormat(3, 4),
    fixedFormat(3, 4, "nearest"),
    fixedFormat(7, 8),
    fixedFormat(20, 30, "nearest"),
    fixedFormat(26, 26),
  ];
  const valueArb = (f: NumberFormat) => (f.kind === "fixed" ? fixedOperand(f as FixedFormat) : valueOf(f));
  const problem = (f: NumberFormat) =>
    fc
      .record({
        rows: fc.integer({ min: 0, max: 5 }),
        cols: fc.integer({ min: 0, max: 7 }),
        outOffset: fc.integer({ min: 0, max: 2 }),
        vOffset: fc.integer({ min: 0, max: 2 }),
        withBias: fc.boolean(),
      })
      .chain((s) =>
        fc.record({
          s: fc.constant(s),
          w: fc.array(valueArb(f), { minLength: s.rows * s.cols, maxLength: s.rows * s.cols }),
          v: fc.array(valueArb(f), { minLength: s.cols + s.vOffset, maxLength: s.cols + s.vOffset }),
          bias: fc.array(valueArb(f), { minLength: s.rows, maxLength: s.rows }),
        }),
      );

  it.each(formats.map((f) => [f.name, f] as const))(
    "%s: matVec equals a naive reference rounding per operation, dotRow equals its rows",
    (_n, f) => {
      const arith: Arith = arithFor(f);
      fc.assert(
        fc.property(problem(f), ({ s, w, v, bias }) => {
          const out = new Float64Array(s.rows + s.outOffset).fill(7);
          const b = s.withBias ? Float64Array.from(bias) : null;
          const wa = Float64Array.from(w);
          const va = Float64Array.from(v);
          arith.matVec(wa, s.rows, s.cols, va, b, out, s.outOffset, s.vOffset);
          const expected = naiveMatVec(f, w, s.rows, s.cols, v.slice(s.vOffset), s.withBias ? bias : null);
          const noBias = naiveMatVec(f, w, s.rows, s.cols, v.slice(s.vOffset), null);
          for (let r = 0; r < s.rows; r++) {
            if (!same(out[s.outOffset + r]!, expected[r]!)) return false;
            if (!same(arith.dotRow(wa, r, s.cols, va, s.vOffset), noBias[r]!)) return false;
          }
          for (let r = 0; r < s.outOffset; r++) if (out[r] !== 7) return false; // nothing written before the offset
          return true;
        }),
        { seed: SEED, numRuns: 300 },
      );
    },
  );

  it("rejects shapes that do not fit the arrays", () => {
    const a = arithFor(float16);
    expect(() => a.matVec(new Float64Array(6), 2, 4, new Float64Array(4), null, new Float64Array(2))).toThrow(
      RangeError,
    );
    expect(() => a.matVec(new Float64Array(8), 2, 4, new Float64Array(4), null, new Float64Array(2), 1)).toThrow(
      RangeError,
    );
    expect(() =>
      a.matVec(new Float64Array(8), 2, 4, new Float64Array(4), new Float64Array(1), new Float64Array(2)),
    ).toThrow(RangeError);
    expect(() => a.dotRow(new Float64Array(8), 2, 4, new Float64Array(4))).toThrow(RangeError);
    expect(() => a.dotRow(new Float64Array(8), 1, 4, new Float64Array(4), 1)).toThrow(RangeError);
  });
});

describe("arithFor", () => {
  it("returns one Arith per format, whose methods work unbound", () => {
    expect(arithFor(float16)).toBe(arithFor(float16));
    const { mul, round } = arithFor(fixedFormat(3, 4));
    expect(mul(1.5, 1.5)).toBe(2.25);
    expect([0.1, 0.2].map(round)).toEqual([0.0625, 0.1875]);
  });

  it("refuses IEEE formats too wide for binary64-then-round to be exact", () => {
    expect(() => arithFor(ieeeFormat("e8m30", 8, 30))).toThrow(CcboundError);
    expect(arithFor(ieeeFormat("e8m24", 8, 24)).mul(1 + 2 ** -24, 1 + 2 ** -24)).toBe(1 + 2 ** -23);
  });
});
