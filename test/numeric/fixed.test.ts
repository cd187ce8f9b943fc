import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fixedFormat, type FixedFormat } from "../../src/numeric/fixed.js";
import { CcboundError } from "../../src/errors.js";
import { anyDouble, codeOf, nearTie, valueOf } from "./arbitraries.js";
import { bigOf, refFixed } from "./reference.js";

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
];
const FORMATS: FixedFormat[] = SHAPES.flatMap(([i, f]) => [fixedFormat(i, f), fixedFormat(i, f, "nearest")]);
const inputs = (f: FixedFormat) => fc.oneof(anyDouble, nearTie(f), fc.double({ min: 2 * f.min, max: 2 * f.max }));

describe.each(FORMATS.map((f) => [f.name, f] as const))("%s", (_name, f) => {
  it("rounding is idempotent, monotone and never -0", () => {
    fc.assert(
      fc.property(inputs(f), (x) => same(f.round(f.round(x)), f.round(x)) && !Object.is(f.round(x), -0)),
      { seed: SEED, numRuns: 1500 },
    );
    const pair = fc.tuple(inputs(f), inputs(f)).filter(([x, y]) => x === x && y === y);
    fc.assert(
      fc.property(pair, ([x, y]) => (x <= y ? f.round(x) <= f.round(y) : f.round(y) <= f.round(x))),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it("rounds a double like the exact big.js reference (floor or nearest-even, saturating)", () => {
    const finite = inputs(f).filter((x) => Number.isFinite(x));
    fc.assert(
      fc.property(finite, (x) => same(f.round(x), refFixed(bigOf(x), f.intBits, f.fracBits, f.rounding))),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it("decode(encode(x)) is x, codes fit in p bits, and encode is injective", () => {
    fc.assert(
      fc.property(valueOf(f), (x) => {
        const c = f.encode(x);
        return same(f.decode(c), x) && c >= 0n && c < 1n << BigInt(f.bits);
      }),
      { seed: SEED, numRuns: 1500 },
    );
    fc.assert(
      fc.property(valueOf(f), valueOf(f), (x, y) => x === y || f.encode(x) !== f.encode(y)),
      { seed: SEED, numRuns: 1500 },
    );
    fc.assert(
      fc.property(codeOf(f), (c) => f.encode(f.decode(c)) === c),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it("saturates at both ends, infinities included; NaN rounds to NaN but is not a value", () => {
    for (const x of [Infinity, 1e300, f.max + 2 ** -f.fracBits, f.max + 0.75 * 2 ** -f.fracBits])
      expect(f.round(x)).toBe(f.max);
    for (const x of [-Infinity, -1e300, f.min - 2 ** -f.fracBits, f.min - 0.75 * 2 ** -f.fracBits])
      expect(f.round(x)).toBe(f.min);
    expect(f.round(NaN)).toBeNaN();
    expect(f.isRepresentable(NaN)).toBe(false);
    expect(() => f.encode(NaN)).toThrow(RangeError);
    expect(Object.is(f.round(-0), 0)).toBe(true);
    expect(f.isRepresentable(-0)).toBe(false);
  });

  it("has the paper's grid: max = 2^I - 2^-F, min = -2^I, p = 1 + I + F", () => {
    expect(f.max).toBe(2 ** f.intBits - 2 ** -f.fracBits);
    expect(f.min).toBe(-(2 ** f.intBits));
    expect(f.bits).toBe(1 + f.intBits + f.fracBits);
  });
});

describe("fixed point, exhaustively for p <= 12", () => {
  const small = [
    [0, 0],
    [1, 0],
    [0, 1],
    [2, 3],
    [3, 4],
    [5, 6],
    [0, 11],
    [11, 0],
    [4, 7],
  ].flatMap(([i, f]) => [fixedFormat(i!, f!), fixedFormat(i!, f!, "nearest")]);
  it.each(small.map((f) => [f.name, f] as const))(
    "%s: every code decodes to a distinct value k * 2^-F in order of k, and re-encodes to itself",
    (_n, f) => {
      const count = 2 ** f.bits;
      const values = new Set<number>();
      for (let c = 0; c < count; c++) {
        const x = f.decode(BigInt(c));
        const k = c < count / 2 ? c : c - count; // two's complement
        expect(x).toBe(k * 2 ** -f.fracBits + 0);
        expect(f.isRepresentable(x)).toBe(true);
        expect(f.encode(x)).toBe(BigInt(c));
        values.add(x);
      }
      expect(values.size).toBe(count);
    },
  );
});

describe("fixed-point rounding rules", () => {
  it("floor is the paper's rule: down to the grid, also for negatives", () => {
    const f = fixedFormat(3, 2);
    expect([0.1, 0.24, 0.25, -0.1, -0.25, -0.26].map(f.round)).toEqual([0, 0, 0.25, -0.25, -0.25, -0.5]);
  });

  it("nearest breaks ties to even", () => {
    const f = fixedFormat(3, 2, "nearest");
    expect([0.125, 0.375, -0.125, -0.375, 0.126, 2.5 * 0.25].map(f.round)).toEqual([0, 0.5, 0, -0.5, 0.25, 0.5]);
  });

  it("names: floor is the default and unmarked", () => {
    expect(fixedFormat(1, 2).name).toBe("fixed:1.2");
    expect(fixedFormat(1, 2, "nearest").name).toBe("fixed:1.2:nearest");
    expect(fixedFormat(1, 2)).toBe(fixedFormat(1, 2, "floor"));
  });

  it("rejects shapes outside 0 <= I, F and p <= 53", () => {
    for (const [i, f] of [
      [-1, 2],
      [2, -1],
      [30, 30],
      [0, 53],
      [1.5, 2],
    ] as const) {
      expect(() => fixedFormat(i, f)).toThrow(CcboundError);
    }
    expect(() => fixedFormat(1, 2, "up" as "floor")).toThrow(CcboundError);
    try {
      fixedFormat(40, 40);
    } catch (e) {
      expect((e as CcboundError).code).toBe("invalid-format");
    }
  });
});
