/**
 * The theorem registry: every result of the paper (notes §3) with its statement, kind, task, architecture, the
 * problem it reduces from, its bound evaluated exactly at given parameters, the code that executes it and its writeup.
 * A low layer: it imports only task names and errors, and does its exact arithmetic itself (bigint rationals).
 */
import { fail } from "../errors.js";
import { log2Ceil, rational, type Rational } from "./exact.js";
import { RESULTS } from "./results.js";
import type { Params, RegistryResult } from "./types.js";

export * from "./types.js";
export { RESULTS, indexBits, indexBitsBig } from "./results.js";
export { SUMMARY_TABLE, summaryTable, type TableCell, type TableRow, type EvaluatedResult } from "./summary.js";
export { PAPER, SARROF, GRAZZI, JELASSI, type Paper } from "./paper.js";
export {
  rational,
  ratString,
  decimal,
  parseRational,
  log2Ceil,
  lnInterval,
  ceilTimesLn,
  type Rational,
} from "./exact.js";
export { lemma2Dimension, corollary81Dimension } from "./quantities.js";

/** Every id a result answers to: ids and aliases (thm10 is thm5). */
export const RESULT_IDS: readonly string[] = RESULTS.flatMap((r) => [r.id, ...r.aliases]);

/** The result with this id or alias (case-insensitive), or undefined. */
export function findResult(id: string): RegistryResult | undefined {
  const key = id.trim().toLowerCase();
  return RESULTS.find((r) => r.id === key || r.aliases.includes(key));
}

/** Largest N the registry evaluates: 2^64 (exact arithmetic would go further; the limit keeps outputs readable). */
export const MAX_BOUND_N = 1n << 64n;
export const MAX_BOUND_PRECISION = 1n << 20n;

export interface ParamsInput {
  n: bigint | number;
  p: bigint | number;
  alphabet?: bigint | number;
  gamma?: Rational;
  sparsity?: bigint | number;
  passes?: bigint | number;
}

/** Parameters for evaluation, checked: one CcboundError ("invalid-flag"/"too-large") per bad value, naming the flag. */
export function boundParams(input: ParamsInput): Params {
  const n = BigInt(input.n);
  const p = BigInt(input.p);
  const alphabet = BigInt(input.alphabet ?? 2);
  const sparsity = BigInt(input.sparsity ?? 2);
  const passes = BigInt(input.passes ?? 1);
  const gamma = input.gamma ?? rational(1n, 4n);
  if (n < 1n) fail("invalid-flag", `N must be at least 1, got ${n}`, "--n");
  if (n > MAX_BOUND_N) fail("too-large", `N = ${n} is over the largest supported N (2^64 = ${MAX_BOUND_N})`, "--n");
  if (p < 1n) fail("invalid-flag", `the precision must be at least 1 bit, got ${p}`, "--precision");
  if (p > MAX_BOUND_PRECISION)
    fail("too-large", `a precision of ${p} bits is over the largest supported (${MAX_BOUND_PRECISION})`, "--precision");
  if (alphabet < 2n || alphabet > 1n << 32n)
    fail("invalid-flag", `the alphabet size must be 2..2^32, got ${alphabet}`, "--alphabet");
  if (sparsity < 1n || sparsity > 64n)
    fail("invalid-flag", `the sparsity k must be 1..64, got ${sparsity}`, "--sparsity");
  if (gamma.num <= 0n || gamma.num > gamma.den)
    fail("invalid-flag", `the margin γ must be in (0, 1], got ${gamma.num}/${gamma.den}`, "--gamma");
  if (passes < 1n || passes > 16n)
    fail("invalid-flag", `the number of passes must be 1..16, got ${passes}`, "--passes");
  return { n, p, alphabet, gamma, sparsity, passes };
}

/** Lemma 4: a DFA whose minimal automaton has this many states needs ⌈log2 states⌉ bits of recurrent state. */
export function lemma4Bits(states: bigint): number {
  return log2Ceil(states);
}
