/**
 * The class of hole: an exact sum that forgets a NaN or an infinity when it is split, sent and merged (Theorem 4's
 * protocol once answered a finite number where the forward pass had NaN, because merge cleared the special class).
 * For every IEEE format, the sum over any partition, each part encoded, decoded and merged, is the whole sum, and the
 * whole sum follows IEEE addition on its special values.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exactSumFor } from "../../src/numeric/exact-sum.js";
import { parseFormat } from "../../src/numeric/parse.js";

const SEED = 1313;
const IEEE = ["float64", "float32", "float16", "bfloat16"] as const;

/** Values of a format: finite ones of every magnitude (overflowing sums too), and NaN and both infinities. */
const valueArb = (name: string) => {
  const format = parseFormat(name);
  return fc.oneof(
    { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(format.round), weight: 6 },
    { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity), weight: 1 },
  );
};

/** What IEEE addition gives on the special values of the addends (undefined: all finite). */
function ieeeSpecial(xs: readonly number[]): number | undefined {
  if (xs.some((x) => Number.isNaN(x))) return NaN;
  const pos = xs.includes(Infinity);
  const neg = xs.includes(-Infinity);
  if (pos && neg) return NaN;
  return pos ? Infinity : neg ? -Infinity : undefined;
}

describe("exact sums keep NaN and infinities through a split, the messages and the merge", () => {
  for (const name of IEEE) {
    it(`${name}: sum of the merged decoded parts === the whole sum, bit for bit, and IEEE's special value`, () => {
      const sums = exactSumFor(parseFormat(name));
      const caseArb = fc.array(valueArb(name), { minLength: 1, maxLength: 24 }).chain((xs) =>
        fc.record({
          xs: fc.constant(xs),
          mask: fc.array(fc.boolean(), { minLength: xs.length, maxLength: xs.length }),
        }),
      );
      fc.assert(
        fc.property(caseArb, ({ xs, mask }) => {
          const whole = sums.accumulator();
          for (const x of xs) whole.add(x);
          const parts = [xs.filter((_, i) => mask[i]), xs.filter((_, i) => !mask[i])];
          const merged = sums.accumulator();
          for (const part of parts) {
            if (part.length === 0) continue;
            const acc = sums.accumulator();
            for (const x of part) acc.add(x);
            const { code, width } = acc.encode(part.length);
            expect(width).toBe(sums.messageBits(part.length));
            const received = sums.accumulator();
            received.decode(code, part.length);
            merged.merge(received);
          }
          expect(Object.is(merged.rounded(), whole.rounded())).toBe(true);
          const special = ieeeSpecial(xs);
          if (special !== undefined) expect(Object.is(whole.rounded(), special)).toBe(true);
        }),
        { seed: SEED, numRuns: 400 },
      );
    });
  }

  it("a NaN added before the carry pass (2^19 additions) is still there after it", () => {
    const sums = exactSumFor(parseFormat("float32"));
    const acc = sums.accumulator();
    acc.add(NaN);
    for (let i = 0; i < (1 << 19) + 10; i++) acc.add(1);
    expect(acc.rounded()).toBeNaN();
    const inf = sums.accumulator();
    inf.add(-Infinity);
    for (let i = 0; i < (1 << 19) + 10; i++) inf.add(0.5);
    expect(inf.rounded()).toBe(-Infinity);
  });

  it("clear() forgets a special value (a new sum starts finite)", () => {
    const acc = exactSumFor(parseFormat("float16")).accumulator();
    acc.add(Infinity);
    acc.clear();
    acc.add(2);
    expect(acc.rounded()).toBe(2);
  });
});
