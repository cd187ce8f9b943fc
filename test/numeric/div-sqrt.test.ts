import { describe, expect, it } from "vitest";
import { arithFor } from "../../src/numeric/arith.js";
import { parseFormat } from "../../src/numeric/parse.js";
import type { FixedFormat } from "../../src/numeric/fixed.js";
import { Rng } from "../../src/random.js";

/** Every value of a small format, from its codes. */
function values(format: FixedFormat): number[] {
  return Array.from({ length: 2 ** format.bits }, (_, c) => format.decode(BigInt(c)));
}

/** The reference: the code of a rational A/B on the grid, floor or nearest-even, by integer arithmetic on bigints. */
function roundRational(num: bigint, den: bigint, f: FixedFormat): number {
  if (den < 0n) [num, den] = [-num, -den];
  let k = num / den;
  let rest = num - k * den;
  if (rest < 0n) [k, rest] = [k - 1n, rest + den];
  if (f.rounding === "nearest" && (2n * rest > den || (2n * rest === den && (k & 1n) === 1n))) k += 1n;
  const kmax = 2 ** (f.intBits + f.fracBits) - 1;
  return Math.min(Math.max(Number(k), -kmax - 1), kmax) * 2 ** -f.fracBits;
}

describe("fixed-point division and square root are exact (every pair of values of fixed:3.4 and fixed:2.5:nearest)", () => {
  for (const name of ["fixed:3.4", "fixed:2.5:nearest"]) {
    const f = parseFormat(name) as FixedFormat;
    const arith = arithFor(f);
    const all = values(f);
    const scale = 2 ** f.fracBits;
    it(`${name}: a / b = round(A 2^F / B) for all ${all.length}^2 pairs; b = 0 saturates by the sign of a`, () => {
      let checked = 0;
      for (const a of all)
        for (const b of all) {
          const expected =
            b === 0
              ? a > 0
                ? f.max
                : a < 0
                  ? f.min
                  : 0
              : roundRational(BigInt(a * scale) * BigInt(scale), BigInt(b * scale), f);
          if (arith.div(a, b) !== expected) expect([a, b, arith.div(a, b)]).toEqual([a, b, expected]);
          checked++;
        }
      expect(checked).toBe(all.length ** 2);
    });
    it(`${name}: sqrt(x) is the integer square root on the grid for all ${all.length} values (0 for x <= 0)`, () => {
      for (const x of all) {
        const n = x * scale * scale;
        let k = 0;
        while ((k + 1) * (k + 1) <= n) k++;
        if (f.rounding === "nearest" && n - k * k > k) k++;
        const expected = x <= 0 ? 0 : Math.min(k, 2 ** (f.intBits + f.fracBits) - 1) / scale;
        expect(arith.sqrt(x)).toBe(expected);
      }
    });
  }
});

describe("fixed-point division on wide formats agrees with bigint arithmetic on both of its paths (seeded)", () => {
  // Quotients of numerators below 2^52 are computed in binary64 with a remainder correction, the rest in bigints;
  // these formats put random pairs on both sides of that line, including quotients just below an integer.
  for (const name of ["fixed:20.16", "fixed:12.26:nearest", "fixed:30.20", "fixed:5.40"]) {
    const f = parseFormat(name) as FixedFormat;
    const arith = arithFor(f);
    const scale = 2 ** f.fracBits;
    it(`${name}: 20,000 seeded pairs (seed 7)`, () => {
      const rng = new Rng(7);
      const code = () => Math.floor(rng.float() * 2 ** (f.intBits + f.fracBits + 1)) - 2 ** (f.intBits + f.fracBits);
      const magnitude = () => 2 ** -Math.floor(rng.float() * (f.intBits + f.fracBits)); // small values too
      for (let i = 0; i < 20_000; i++) {
        const a = f.round((code() * magnitude()) / scale);
        const b = f.round((code() * magnitude()) / scale);
        if (b === 0) continue;
        const expected = roundRational(BigInt(a * scale) * BigInt(scale), BigInt(b * scale), f);
        if (arith.div(a, b) !== expected) expect([a, b, arith.div(a, b)]).toEqual([a, b, expected]);
      }
    });
  }
});
