import Big from "big.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactSumFor, log2Ceil } from "../../src/numeric/exact-sum.js";
import { parseFormat } from "../../src/numeric/parse.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import { valueOf } from "./arbitraries.js";

const SEED = 7741;
const FORMATS = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "fixed:1.2",
  "fixed:4.11",
  "fixed:3.4:nearest",
  "fixed:20.30",
].map((n) => parseFormat(n));

/** The exact value of a double as a decimal (Big(x) would parse the shortest decimal, not the binary value). */
function exactBig(x: number): Big {
  let m = x;
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2; // exact
    e++;
  }
  // x = m / 2^e = m 5^e / 10^e: an exact decimal, no division.
  return new Big(`${(BigInt(m) * 5n ** BigInt(e)).toString()}e-${e}`);
}

/** The exact sum of binary values as a decimal (big.js adds exactly). */
function exactSum(xs: readonly number[]): Big {
  return xs.reduce((s, x) => s.plus(exactBig(x)), new Big(0));
}

/** A value's independent reference rounding: binary64's correctly rounded decimal parse, then the format (one rounding when exact in binary64). */
function sumOf(format: NumberFormat, xs: readonly number[]): number {
  const acc = exactSumFor(format).accumulator();
  for (const x of xs) acc.add(x);
  return acc.rounded();
}

describe("exact sums, rounded once", () => {
  it("any partition of the addends, encoded, decoded and merged, gives the same sum bit for bit (8 formats, up to 40 addends)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS).chain((f) =>
          fc.record({
            f: fc.constant(f),
            xs: fc.array(valueOf(f), { minLength: 1, maxLength: 40 }),
            mask: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
          }),
        ),
        ({ f, xs, mask }) => {
          const sums = exactSumFor(f);
          const parts = [xs.filter((_, i) => mask[i]), xs.filter((_, i) => !mask[i])];
          const total = sums.accumulator();
          for (const part of parts) {
            if (part.length === 0) continue;
            const acc = sums.accumulator();
            part.forEach((x) => acc.add(x));
            const { code, width } = acc.encode(part.length);
            expect(width).toBe(sums.messageBits(part.length));
            expect(code >> BigInt(width)).toBe(0n);
            const back = sums.accumulator();
            back.decode(code, part.length);
            total.merge(back);
          }
          expect(Object.is(total.rounded(), sumOf(f, xs))).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 600 },
    );
  });

  it("float64: the rounded sum is the correctly rounded exact sum (big.js reference), incl. cancellation and subnormals", () => {
    const f = parseFormat("float64");
    const values = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }),
      fc.double({ min: -1e-300, max: 1e-300, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(values, { minLength: 1, maxLength: 12 }), (xs) => {
        const reference = Number(exactSum(xs).toFixed());
        expect(sumOf(f, xs)).toBe(reference === 0 ? 0 : reference);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("float32, float16, bfloat16: equals one rounding of the exact binary64 sum, when that sum is exact (exponent span < 20)", () => {
    for (const f of [parseFormat("float32"), parseFormat("float16"), parseFormat("bfloat16")]) {
      const value = fc
        .integer({ min: -6, max: 6 })
        .chain((e) => fc.double({ min: 1, max: 2, maxExcluded: true, noNaN: true }).map((m) => f.round(m * 2 ** e)));
      fc.assert(
        fc.property(
          fc.array(
            fc.tuple(value, fc.boolean()).map(([v, neg]) => (neg ? -v : v)),
            { minLength: 1, maxLength: 16 },
          ),
          (xs) => {
            let s = 0;
            for (const x of xs) s += x; // exact: 24 + 12 + 4 bits < 53
            expect(sumOf(f, xs)).toBe(f.round(s) + 0);
          },
        ),
        { seed: SEED, numRuns: 300 },
      );
    }
  });

  it("a tie in the exact sum rounds to even, where a binary64 sum would round twice (float32)", () => {
    // 1 + 2^-24 + 2^-60: above the tie, so it rounds up to 1 + 2^-23; binary64 would lose 2^-60 and then round to 1.
    const f = parseFormat("float32");
    expect(sumOf(f, [1, 2 ** -24, 2 ** -60])).toBe(1 + 2 ** -23);
    expect(sumOf(f, [1, 2 ** -24])).toBe(1); // exact tie: to even
    expect(sumOf(f, [1, 2 ** -24, -(2 ** -60)])).toBe(1);
  });

  it("fixed point saturates once, at the end: partial overflow that cancels is no overflow", () => {
    const f = parseFormat("fixed:1.2");
    expect(sumOf(f, [1.75, 1.75, -1.75])).toBe(1.75);
    expect(sumOf(f, [1.75, 1.75])).toBe(1.75);
    expect(sumOf(f, [-2, -2])).toBe(-2);
  });

  it("IEEE specials: NaN wins, +inf and -inf make NaN, one infinity stays", () => {
    const f = parseFormat("float16");
    expect(sumOf(f, [1, Infinity, 2])).toBe(Infinity);
    expect(sumOf(f, [Infinity, -Infinity])).toBeNaN();
    expect(sumOf(f, [NaN, 1])).toBeNaN();
    expect(sumOf(f, [65504, 65504])).toBe(Infinity); // overflow of the rounded sum
  });

  it("roundedQuotient(k) is the correctly rounded quotient (big.js reference at 400 digits; float64, float32, fixed)", () => {
    Big.DP = 400;
    for (const name of ["float64", "float32", "fixed:4.11", "fixed:4.11:nearest"]) {
      const f = parseFormat(name);
      fc.assert(
        fc.property(
          fc.array(valueOf(f), { minLength: 1, maxLength: 8 }),
          fc.integer({ min: 1, max: 4096 }),
          (xs, k) => {
            const acc = exactSumFor(f).accumulator();
            xs.forEach((x) => acc.add(x));
            const q = exactSum(xs).div(k);
            const expected = f.kind === "fixed" ? fixedRound(f, q) : f.round(Number(q.toFixed(400)));
            if (f.name === "float32" && !Number.isFinite(expected)) return;
            expect(acc.roundedQuotient(k)).toBe(expected + 0);
          },
        ),
        { seed: SEED, numRuns: 300 },
      );
    }
  });

  it("long sums pass the chunks' carry point exactly: 600000 additions in float32 and float64, with cancellation", () => {
    const f32 = parseFormat("float32");
    const x = 1 - 2 ** -24;
    const xs = new Array<number>(600000).fill(x);
    expect(sumOf(f32, xs)).toBe(Math.fround(600000 * x)); // exact in binary64: 600000 x needs 44 bits
    const f64 = parseFormat("float64");
    const ys = Array.from({ length: 600000 }, (_, i) => (i % 2 === 0 ? 2 ** 600 : -(2 ** 600)));
    ys.push(2 ** -1074);
    expect(sumOf(f64, ys)).toBe(2 ** -1074);
  });

  it("log2Ceil on 1..2^20 against the definition", () => {
    for (let c = 1, bits = 0; c <= 1 << 20; c++) {
      while (2 ** bits < c) bits++;
      if (log2Ceil(c) !== bits) expect(log2Ceil(c)).toBe(bits);
    }
  });
});

/** Floor or nearest-even of a decimal on the fixed grid, saturating. */
function fixedRound(f: NumberFormat, q: Big): number {
  const fixed = f as NumberFormat & { fracBits: number; rounding: string };
  const scaled = q.times(2 ** fixed.fracBits);
  const k =
    fixed.rounding === "nearest"
      ? scaled.round(0, Big.roundHalfEven)
      : scaled.round(0, Big.roundDown).minus(scaled.lt(scaled.round(0, Big.roundDown)) ? 1 : 0);
  return Math.min(Math.max(Number(k) * 2 ** -fixed.fracBits, f.min), f.max);
}
