/** Building blocks for evaluating bounds: exact (in)equalities and the paper's recurring sub-formulas. */
import { ceil, ceilTimesLn, decimal, log2Ceil, rational, ratString, type Rational } from "./exact.js";
import type { Evaluation, Params, Quantity } from "./types.js";

/** `quantity >= value`, with the least integer that satisfies it. */
export function atLeast(quantity: string, formula: string, value: Rational, per?: string): Quantity {
  const least = ceil(value);
  const exact = ratString(value);
  const unit = per ? ` ${per}` : "";
  const text =
    value.den === 1n
      ? `${quantity} >= ${exact}${unit}`
      : `${quantity} >= ${least}${unit} (${exact} ≈ ${decimal(value)})`;
  return { quantity, relation: ">=", formula, exact: value, approx: decimal(value), least, text, ...(per && { per }) };
}

/** `quantity <= value` (a cost): used with `per` for coefficients. */
export function atMost(quantity: string, formula: string, value: Rational, per?: string): Quantity {
  const exact = ratString(value);
  const unit = per ? ` ${per}` : "";
  return {
    quantity,
    relation: "<=",
    formula,
    exact: value,
    approx: decimal(value),
    least: ceil(value),
    text: `${quantity} <= ${exact}${unit}`,
    ...(per && { per }),
  };
}

/** `quantity = value` for a size the paper's formula gives exactly. */
export function equals(quantity: string, formula: string, value: bigint): Quantity {
  return {
    quantity,
    relation: "=",
    formula,
    exact: rational(value),
    approx: value.toString(),
    least: value,
    text: `${quantity} = ${value}`,
  };
}

/** `quantity = ceil(value)` for a size whose formula is irrational (a natural log): the least integer that works. */
export function equalsCeil(quantity: string, formula: string, least: bigint, approx: Rational): Quantity {
  return { quantity, relation: "=", formula, approx: decimal(approx), least, text: `${quantity} = ${least}` };
}

export const N = (p: Params): Rational => rational(p.n);

/** The paper's "log N": ceil(log2 N), the extra bits a sum of N p-bit values needs (see log2Ceil). */
export const logN = (p: Params): bigint => BigInt(log2Ceil(p.n));

export const LOG_N_NOTE =
  "log N = ⌈log2 N⌉: a sum of N values of p bits each fits p + ⌈log2 N⌉ bits (Theorem 4's normalisers)";
export const LN_NOTE =
  "ln is the natural log: Lemma 2's k solves 2N² exp(-kγ²/4) < 1/2 (Hoeffding and a union bound), so k >= (8/γ²) ln 2N";
export const PRECISION_NOTE =
  "precision p = O(log N): the paper fixes p = 2 K_c log N for an unspecified constant K_c, so no number is given";

/**
 * Lemma 2: `count` vectors in {±1/√k}^k with pairwise inner products below `gamma` need k >= (8/γ²) ln 2·count;
 * the least such k, certified.
 */
export function lemma2Dimension(count: bigint, gamma: Rational): { least: bigint; approx: Rational } {
  return ceilTimesLn(rational(8n * gamma.den * gamma.den, gamma.num * gamma.num), 2n * count);
}

/** Corollary 8.1 = Lemma 2 at γ = 1/4: k = 128 ln 2N. */
export const corollary81Dimension = (count: bigint) => lemma2Dimension(count, rational(1n, 4n));

export function notApplicable(why: string): Evaluation {
  return { applicable: false, why };
}

/** The tasks built on two halves (EQ, DISJ, Dyck's odd/even split, NN's N/2 pairs) need an even N. */
export function needsEven(p: Params, what: string): Evaluation | undefined {
  return p.n % 2n === 0n ? undefined : notApplicable(`${what} needs an even N`);
}
