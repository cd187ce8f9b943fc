/** fast-check arbitraries for the numeric tests. */
import fc from "fast-check";
import type { NumberFormat } from "../../src/numeric/format.js";

/** Doubles of every kind: fast-check's full range (NaN, ±Infinity, ±0, subnormals, huge) and moderate magnitudes. */
export const anyDouble: fc.Arbitrary<number> = fc.oneof(
  fc.double(),
  fc.double({ min: -1e6, max: 1e6 }),
  fc.double({ min: -1e-3, max: 1e-3 }),
  fc.double({ min: -1e-38, max: 1e-38 }),
  fc
    .integer({ min: -1100, max: 1100 })
    .chain((e) => fc.double({ min: 1, max: 2, maxExcluded: true }).map((f) => f * 2 ** e * (e % 2 === 0 ? 1 : -1))),
);

/** A random code of a format with at most 53 bits, as a bigint. */
export function codeOf(format: NumberFormat): fc.Arbitrary<bigint> {
  return fc.bigInt({ min: 0n, max: (1n << BigInt(format.bits)) - 1n });
}

/** A random finite (non-NaN) value of the format, from a random code. */
export function valueOf(format: NumberFormat): fc.Arbitrary<number> {
  return codeOf(format)
    .map((c) => format.decode(c))
    .filter((x) => Number.isFinite(x));
}

/**
 * Doubles near the format's rounding boundaries: the midpoint of two neighbouring values of the format (a tie),
 * nudged by nothing or by a tiny relative amount either way. Neighbours are consecutive codes of the same sign (for 1-bit fixed point, the codes 0 and 1: 0 and -1).
 */
export function nearTie(format: NumberFormat): fc.Arbitrary<number> {
  const top = (1n << BigInt(format.bits - 1)) - 1n;
  return fc
    .tuple(fc.bigInt({ min: 0n, max: top > 0n ? top - 1n : 0n }), fc.boolean(), fc.constantFrom(-1, 0, 1))
    .map(([c, negative, nudge]) => {
      const a = format.decode(c);
      const b = format.decode(c + 1n);
      const mid = Number.isFinite(b) ? (a + b) / 2 : a + (a - format.decode(c - 1n)) / 2;
      const x = mid + nudge * (mid === 0 ? 1e-300 : Math.abs(mid) * 2 ** -45);
      return negative ? -x : x;
    });
}
