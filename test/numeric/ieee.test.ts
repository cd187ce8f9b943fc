import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { f16round } from "@petamoriken/float16";
import { bfloat16, float16, float32, float64, ieeeFormat, ieeeRounder } from "../../src/numeric/ieee.js";
import { CcboundError } from "../../src/errors.js";
import { anyDouble, codeOf, nearTie, valueOf } from "./arbitraries.js";
import { refRoundDouble } from "./reference.js";

const SEED = 42;
const same = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);
const FORMATS = [float64, float32, float16, bfloat16];
const inputs = (f: typeof float16) => fc.oneof(anyDouble, nearTie(f));

describe.each(FORMATS.map((f) => [f.name, f] as const))("%s", (_name, f) => {
  it("rounding is idempotent", () => {
    fc.assert(
      fc.property(inputs(f), (x) => same(f.round(f.round(x)), f.round(x))),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("rounding is monotone", () => {
    const pair = fc.tuple(inputs(f), inputs(f)).filter(([x, y]) => x === x && y === y);
    fc.assert(
      fc.property(pair, ([x, y]) => (x <= y ? f.round(x) <= f.round(y) : f.round(y) <= f.round(x))),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("isRepresentable(x) is round(x) === x, NaN included", () => {
    fc.assert(
      fc.property(inputs(f), (x) => f.isRepresentable(x) === same(f.round(x), x)),
      { seed: SEED, numRuns: 2000 },
    );
    expect(f.isRepresentable(NaN)).toBe(true);
  });

  it("decode(encode(x)) is x on representable values, and codes fit in `bits` bits", () => {
    const values = fc.oneof(
      valueOf(f),
      inputs(f).map(f.round),
      fc.constantFrom(0, -0, Infinity, -Infinity, f.max, f.min),
    );
    fc.assert(
      fc.property(values, (x) => {
        const code = f.encode(x);
        return same(f.decode(code), x) && code >= 0n && code < 1n << BigInt(f.bits);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("encode is injective on random pairs of representable values", () => {
    fc.assert(
      fc.property(valueOf(f), valueOf(f), (x, y) => Object.is(x, y) || f.encode(x) !== f.encode(y)),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it("decode then encode is the identity on non-NaN codes", () => {
    fc.assert(
      fc.property(codeOf(f), (c) => {
        const x = f.decode(c);
        return x !== x || f.encode(x) === c;
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it("rounds to nearest even, once, like an exact reference", () => {
    fc.assert(
      fc.property(inputs(f), (x) => same(f.round(x), refRoundDouble(x, f.exponentBits, f.mantissaBits))),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("keeps the sign of zero, NaN and infinities", () => {
    expect(Object.is(f.round(-0), -0)).toBe(true);
    expect(Object.is(f.round(0), 0)).toBe(true);
    expect(Object.is(f.round(-Number.MIN_VALUE), f === float64 ? -Number.MIN_VALUE : -0)).toBe(true);
    expect(f.round(NaN)).toBeNaN();
    expect(f.round(Infinity)).toBe(Infinity);
    expect(f.round(-Infinity)).toBe(-Infinity);
    expect(f.round(f.max)).toBe(f.max);
    expect(f.min).toBe(-f.max);
  });

  it("rejects non-representable values and out-of-range codes", () => {
    if (f !== float64) expect(() => f.encode(1 + 2 ** -40)).toThrow(RangeError);
    expect(() => f.decode(-1n)).toThrow(RangeError);
    expect(() => f.decode(1n << BigInt(f.bits))).toThrow(RangeError);
  });
});

describe("IEEE rounding against other oracles", () => {
  it("float32 round equals Math.fround on arbitrary doubles", () => {
    fc.assert(
      fc.property(inputs(float32), (x) => same(float32.round(x), Math.fround(x))),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("the generic rounder at float32 widths (8, 23) equals Math.fround", () => {
    const round = ieeeRounder(8, 23);
    fc.assert(
      fc.property(inputs(float32), (x) => same(round(x), Math.fround(x))),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("float16 round equals f16round from @petamoriken/float16 on arbitrary doubles", () => {
    fc.assert(
      fc.property(inputs(float16), (x) => same(float16.round(x), f16round(x))),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("bfloat16 rounds once: 1 + 2^-8 + 2^-30 -> 1 + 2^-7 (the float32-bits trick gives 1)", () => {
    expect(bfloat16.round(1 + 2 ** -8 + 2 ** -30)).toBe(1 + 2 ** -7);
    expect(bfloat16.round(1 + 2 ** -8)).toBe(1); // a true tie goes to even
    expect(bfloat16.round(1 + 3 * 2 ** -8)).toBe(1 + 2 ** -6);
  });

  it("the widest generic rounder (11 exponent bits, 50 mantissa bits) matches the exact reference", () => {
    const round = ieeeRounder(11, 50);
    fc.assert(
      fc.property(anyDouble, (x) => same(round(x), refRoundDouble(x, 11, 50))),
      { seed: SEED, numRuns: 5000 },
    );
  });

  it("a 53-bit generic format (11, 41) rounds and round-trips like the reference", () => {
    const f = ieeeFormat("e11m41", 11, 41);
    fc.assert(
      fc.property(fc.oneof(anyDouble, nearTie(f)), (x) => {
        const r = f.round(x);
        return same(r, refRoundDouble(x, 11, 41)) && same(f.decode(f.encode(r)), r);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it("overflow: at or above max + ulp/2 goes to infinity, below it to max", () => {
    expect(float16.round(65504 + 15.999)).toBe(65504);
    expect(float16.round(65520)).toBe(Infinity);
    expect(float16.round(-65520)).toBe(-Infinity);
    const bmax = bfloat16.max;
    expect(bfloat16.round(bmax + 2 ** 119)).toBe(Infinity);
    expect(bfloat16.round(bmax + 2 ** 119 - 2 ** 80)).toBe(bmax);
  });
});

describe("IEEE codes", () => {
  it("known bit patterns", () => {
    expect(float16.encode(1)).toBe(0x3c00n);
    expect(float16.encode(-2)).toBe(0xc000n);
    expect(float16.encode(65504)).toBe(0x7bffn);
    expect(float16.encode(2 ** -24)).toBe(1n);
    expect(float16.encode(-0)).toBe(0x8000n);
    expect(float16.encode(Infinity)).toBe(0x7c00n);
    expect(float16.encode(-Infinity)).toBe(0xfc00n);
    expect(bfloat16.encode(1)).toBe(0x3f80n);
    expect(float32.encode(1)).toBe(0x3f800000n);
    expect(float64.encode(1)).toBe(0x3ff0000000000000n);
  });

  it("NaN encodes to the canonical quiet NaN", () => {
    expect(float16.encode(NaN)).toBe(0x7e00n);
    expect(bfloat16.encode(NaN)).toBe(0x7fc0n);
    expect(float32.encode(NaN)).toBe(0x7fc00000n);
    expect(float64.encode(NaN)).toBe(0x7ff8000000000000n);
  });

  it("float32 and float64 codes are the platform's bit patterns (DataView)", () => {
    const view = new DataView(new ArrayBuffer(8));
    fc.assert(
      fc.property(
        anyDouble.filter((x) => x === x),
        (x) => {
          view.setFloat64(0, x);
          const b64 = view.getBigUint64(0);
          view.setFloat32(0, x);
          return float64.encode(x) === b64 && float32.encode(Math.fround(x)) === BigInt(view.getUint32(0));
        },
      ),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it.each([float16, bfloat16].map((f) => [f.name, f] as const))(
    "%s: exhaustively over all 65536 codes, decode/encode round-trip and distinct values",
    (_n, f) => {
      const seen = new Set<number | string>();
      let nans = 0;
      for (let c = 0n; c < 1n << 16n; c++) {
        const x = f.decode(c);
        if (x !== x) {
          nans++;
          continue;
        }
        expect(f.encode(x)).toBe(c);
        expect(f.isRepresentable(x)).toBe(true);
        seen.add(Object.is(x, -0) ? "-0" : x); // a Set treats -0 as 0: count it through a stand-in
      }
      const mantissaCount = 2 ** f.mantissaBits;
      expect(nans).toBe(2 * (mantissaCount - 1));
      expect(seen.size).toBe(2 ** 16 - nans);
    },
  );
});

describe("ieeeFormat parameters", () => {
  it("rejects widths it cannot round or encode exactly", () => {
    for (const [e, m] of [
      [11, 51],
      [1, 5],
      [12, 10],
      [8, 0],
      [11, 42],
      [5.5, 10],
    ] as const) {
      expect(() => ieeeFormat("bad", e, m)).toThrow(CcboundError);
    }
  });

  it("describes each format", () => {
    expect([float64.bits, float32.bits, float16.bits, bfloat16.bits]).toEqual([64, 32, 16, 16]);
    expect(float64.max).toBe(Number.MAX_VALUE);
    expect(float32.max).toBe(3.4028234663852886e38);
    expect(float16.max).toBe(65504);
    expect(bfloat16.max).toBe(3.3895313892515355e38);
  });
});
