/**
 * The rounding decisions the transcendentals rest on, against the exact reference roundings of reference.ts (bigint
 * IEEE rounding, big.js fixed point): roundDD (a double-double rounded once), decideNear / decideQuick* (an interval
 * decided only when it lies in one rounding cell), decideScaled (values far outside binary64's range: subnormal
 * results, overflow, saturation), and the slow path's exact dyadic rounding roundExact. Seeded (printed on failure).
 */
import { describe, expect, it } from "vitest";
import { parseFormat } from "../../src/numeric/parse.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import type { FixedFormat } from "../../src/numeric/fixed.js";
import type { IeeeFormat } from "../../src/numeric/ieee.js";
import {
  decideNear,
  decideQuickFixed,
  decideQuickIeee,
  decideScaled,
  roundDD,
  targetFor,
} from "../../src/numeric/round-target.js";
import { roundExact } from "../../src/numeric/slow-path.js";
import { Rng } from "../../src/random.js";
import { bigOf, exactAdd, exactOf, refFixed, refRoundIeee, type Exact } from "./reference.js";
import { pow2Big } from "./transcendental-reference.js";

const SEED = 777;
const FORMATS = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "fixed:3.4",
  "fixed:3.4:nearest",
  "fixed:0.52",
  "fixed:20.30:nearest",
];

/** The exact rounding of sig 2^exp in the format (reference.ts's, not the library's). */
function refRound(v: Exact, format: NumberFormat): number {
  if (format.kind === "fixed") {
    const f = format as FixedFormat;
    const big =
      v.exp >= 0 ? bigOf(0).plus((v.sig << BigInt(v.exp)).toString()) : pow2Big(v.exp).times(v.sig.toString());
    return refFixed(big, f.intBits, f.fracBits, f.rounding);
  }
  const f = format as IeeeFormat;
  return refRoundIeee(v, f.exponentBits, f.mantissaBits);
}

/** A normalised double-double near a value of the format: a value, a midpoint or a grid point, nudged. */
function nearBoundary(format: NumberFormat, rng: Rng): [number, number] {
  const code =
    BigInt(rng.int(2 ** Math.min(format.bits, 32))) *
    (format.bits > 32 ? BigInt(rng.int(2 ** (format.bits - 32))) : 1n);
  const top = (1n << BigInt(format.bits)) - 1n;
  const a = format.decode(code % top);
  const b = format.decode((code % top) + 1n);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return [1.5, 0];
  // A value, or a point at a fraction of its cell (the quarter points catch a cell's wrong half-width, which is a
  // quarter quantum below a power of two), or below a power of two of the format.
  const fraction = [0, 0.5, 0.25, -0.25, 0.375, -0.375, 0.125][rng.int(7)]!;
  let h = a + (b - a) * fraction;
  if (rng.int(4) === 0 && format.kind === "ieee") {
    const p = 2 ** (rng.int(20) - 10);
    const below = p - format.decode(format.encode(p) - 1n); // the gap below p: half the one above
    h = p - below * [0.25, 0.5, 0.375, 0.125, 0.625][rng.int(5)]!;
  }
  const ulp = Math.abs(h) * 2 ** -52 || 2 ** -1074;
  const l = [0, ulp / 4, -ulp / 4, ulp / 2 ** 20, -ulp / 2 ** 20][rng.int(5)]!;
  const hi = h + l;
  return [hi, l - (hi - h)];
}

describe.each(FORMATS)("%s", (name) => {
  const format = parseFormat(name);
  const t = targetFor(format);

  it("roundDD rounds a double-double exactly, at midpoints and grid points where the low part decides", () => {
    const rng = new Rng(SEED);
    const bad: string[] = [];
    for (let i = 0; i < 400; i++) {
      const [h, l] = nearBoundary(format, rng);
      const want = refRound(exactAdd(exactOf(h), exactOf(l)), format);
      const got = roundDD(h, l, t);
      if (!Object.is(got, want)) bad.push(`roundDD(${h}, ${l}) = ${got}, expected ${want}`);
    }
    expect(bad, `seed ${SEED}\n${bad.slice(0, 5).join("\n")}`).toEqual([]);
  });

  it("decideNear and decideQuick decide only intervals inside one rounding cell, and decide them right", () => {
    const rng = new Rng(SEED + 1);
    const bad: string[] = [];
    let decided = 0;
    for (let i = 0; i < 400; i++) {
      const [h, l] = nearBoundary(format, rng);
      const err = Math.abs(h) * 2 ** -(40 + rng.int(40));
      const ends = [exactAdd(exactOf(h), exactOf(l - err)), exactAdd(exactOf(h), exactOf(l + err))];
      // The ends of [hi + lo - err, hi + lo + err] up to binary64's rounding of lo -+ err: inside the margins.
      const a = refRound(ends[0]!, format);
      const b = refRound(ends[1]!, format);
      const sameCell = Object.is(a, b);
      for (const [what, v] of [
        ["decideNear", decideNear(h, l, err, t)],
        [
          "decideQuick",
          t.kind === 0
            ? decideNear(h, l, err, t)
            : format.kind === "fixed"
              ? decideQuickFixed(h, l, err, t)
              : decideQuickIeee(h, l, err, t),
        ],
      ] as const) {
        if (v === v) {
          decided++;
          if (!sameCell || !Object.is(v, a))
            bad.push(`${what}(${h}, ${l}, ${err}) = ${v}; the ends round to ${a}, ${b}`);
        }
      }
    }
    expect(bad, `seed ${SEED + 1}\n${bad.slice(0, 5).join("\n")}`).toEqual([]);
    expect(decided).toBeGreaterThan(100);
  });

  it("decideScaled: (hi + lo) 2^s rounded exactly for s from -1200 to 1200 (subnormal results, overflow, saturation)", () => {
    const rng = new Rng(SEED + 2);
    const bad: string[] = [];
    for (let i = 0; i < 400; i++) {
      const hi = (1 + rng.float()) * (rng.int(2) ? -1 : 1);
      const lo = hi * 2 ** -53 * (rng.float() - 0.5);
      const s = rng.int(2401) - 1200;
      const v = decideScaled(hi, lo, 0, s, t);
      const want = refRound(
        { sig: exactAdd(exactOf(hi), exactOf(lo)).sig, exp: exactAdd(exactOf(hi), exactOf(lo)).exp + s },
        format,
      );
      if (v === v && !Object.is(v, want)) bad.push(`decideScaled(${hi}, ${lo}, 0, ${s}) = ${v}, expected ${want}`);
    }
    expect(bad, `seed ${SEED + 2}\n${bad.slice(0, 5).join("\n")}`).toEqual([]);
  });

  it("roundExact rounds a dyadic exactly (the slow path's last step)", () => {
    const rng = new Rng(SEED + 3);
    const bad: string[] = [];
    for (let i = 0; i < 400; i++) {
      const sig =
        BigInt(rng.int(2 ** 30)) * BigInt(rng.int(2 ** 30)) * (rng.int(2) ? -1n : 1n) + BigInt(rng.int(3) - 1);
      const exp = rng.int(2300) - 1200;
      const want = refRound({ sig, exp }, format);
      const got = roundExact(sig, exp, t);
      if (!Object.is(got, want)) bad.push(`roundExact(${sig}, ${exp}) = ${got}, expected ${want}`);
    }
    expect(bad, `seed ${SEED + 3}\n${bad.slice(0, 5).join("\n")}`).toEqual([]);
  });
});
