import { fail } from "../errors.js";
import { arithFor } from "../numeric/arith.js";
import type { FixedFormat } from "../numeric/fixed.js";
import { parseFormat } from "../numeric/parse.js";
import type { Matrix, TransformerModelSpec } from "../models/spec.js";
import { dyckVocab } from "../tasks/dyck.js";

/**
 * counting-dyck: a one-layer Transformer for Dyck-(2,2) at length n that is right on every member and on most other
 * strings, but not on all (a zoo model: almost right, for benchmarking refuters).
 *
 * What it checks. Write the word s_1..s_n (1-based) and let k = floor(i/2) be the "relation" of position i: the even
 * position 2k and the odd position 2k+1 after it. Every word of Dyck-(2,2) satisfies (Lemma 1's structure, paper
 * notes §4.7: the depth before an odd position is 0 or 2, before an even one 1):
 *   (A) for 1 <= k < n/2 and each type u: s_2k opens u  <=>  s_2k+1 closes u   (an inner pair straddles the relation),
 *   (B) s_1 is an open bracket and s_n a close bracket,
 *   (C) for each type u: #(opens of u at odd positions) = #(closes of u at even positions)   (the outer pairs).
 * The model folds all of them into ONE integer identity, sum_i g(i, s_i) = 0, with sigma_0 = +1, sigma_1 = -1:
 *   odd i = 2k+1:  open u -> +sigma_u b,        close u -> -sigma_u (2k+1)
 *   even i = 2k:   open u -> +sigma_u (2k+1),   close u -> -sigma_u b,      b = 2 ceil(n/4) (even: n/2 rounded up)
 * (B) is the relations k = 0 (a close at s_1) and k = n/2 (an open at s_n), whose other side is missing.
 * Every member satisfies it, so the model has no false negatives. The four weights at a position are distinct (the
 * relation weights are odd and distinct, b is even), so a member with one symbol changed is always caught (checked
 * for every member at n = 8 and 12); two or more changes cancel rarely. What no sum over positions can see at all is
 * whether each block's outer close has the type of its outer open (only how many of each type there are): a word
 * whose outer brackets read "( ... ] [ ... )" passes. That is the blind spot, and Lemma 1 says every small
 * one-layer Transformer has one (Theorem 5).
 *
 * How a one-layer Transformer computes it. The value of a position is linear in token embedding + position
 * embedding, so on its own it cannot weight a symbol by where it stands. The token x position interaction comes from
 * the number format: the embedding x = round(token + position) saturates at the format's minimum -2^I. Coordinate
 * sigma (one per symbol) gets -2^I from the token when the token is sigma and 0 otherwise, and -2^I + 8 w_sigma(i)
 * from the position, with 0 <= 8 w < 2^I; so it is exactly -2^I (clamped) when the token is sigma, else
 * -2^I + 8 w_sigma(i). With value weights -1/8 on the four symbol coordinates and -1 on a position-only bias
 * coordinate, the value of position i is exactly w_{s_i}(i) = G_i - g(i, s_i), an integer, where G_i = max_s g(i, s).
 * Attention has zero queries and keys: every logit is 0, every exponential exp(0) = 1, Z = n, and every weight is
 * a = 1/n rounded once to the format (exactly 1/n when n is a power of two, 2^-F otherwise). The head output is
 * S = a * sum_i v_i, exact (integers times a, summed exactly), written by W_O into its own coordinate. On members
 * sum_i v_i = V* = sum_i G_i. The FFN computes |S - a V*| = relu(S - aV*) + relu(aV* - S) and writes
 * r = 1/2 - 2^ceil(log2 n) |S - aV*| into a third coordinate: r = 1/2 on a pass, r <= -1/2 otherwise. The readout is
 * logit0 = 0, logit1 = r: label "1" exactly when the identity holds, never a tie.
 *
 * Exactness. In the default format fixed:I.F (F = max(3, ceil(log2 n)), I the least with 2^I >= 4 n (2n+2)) every value the
 * forward pass computes is a value of the format and no operation rounds, except two deliberate ones: the clamp of
 * the embedding sum at -2^I (the mechanism above) and, for n not a power of two, the weight 1/n, rounded down to 2^-F
 * once (nothing downstream loses a bit: the identity is tested at the scale 2^-F instead of 1/n). The FFN never
 * saturates. Theorem 4's protocol therefore reproduces the forward pass, and its messages are exact partial sums.
 */
export interface CountingDyckOptions {
  /** The input length (even, >= 2): Dyck-(2,2) words of length n. */
  n: number;
  /** The number format; default: the fixed-point format of this n that makes every computation exact (see above). */
  format?: string;
}

/** The symbols of dyckVocab(2), in id order: "(" ")" "[" "]". Id 2u opens type u, 2u + 1 closes it. */
const SYMBOLS = 4;
const SIGMA = [1, -1] as const;
/** Embedding coordinates: 0..3 the symbols, then the value's bias, the head output S, the verdict r. */
const BIAS = 4,
  SUM = 5,
  VERDICT = 6,
  D = 7;

/** g(i, s) for a 1-based position i and symbol id s: the weight of s at i in the identity sum_i g(i, s_i) = 0. */
export function countingDyckWeight(n: number, i: number, s: number): number {
  const u = s >> 1;
  const open = s % 2 === 0;
  const relation = 2 * Math.floor(i / 2) + 1;
  const sigma = SIGMA[u as 0 | 1];
  const outer = 2 * Math.ceil(n / 4); // even, so never equal to a relation weight: the 4 weights at i are distinct
  if (i % 2 === 1) return open ? sigma * outer : -sigma * relation;
  return open ? sigma * relation : -sigma * outer;
}

/** The default format for length n: fixed:I.F with F = max(3, ceil(log2 n)) and 2^I >= 4 n (2n + 2). */
export function countingDyckFormat(n: number): string {
  checkLength(n);
  return `fixed:${minIntBits(n)}.${fracBits(n)}`;
}

export function countingDyck(o: CountingDyckOptions): TransformerModelSpec {
  const { n } = o;
  checkLength(n);
  const formatName = o.format ?? countingDyckFormat(n);
  const format = parseFormat(formatName, "format");
  if (
    format.kind !== "fixed" ||
    (format as FixedFormat).intBits < minIntBits(n) ||
    (format as FixedFormat).fracBits < fracBits(n)
  ) {
    fail(
      "invalid-format",
      `counting-dyck at n=${n} needs a fixed-point format with I >= ${minIntBits(n)} and F >= ${fracBits(n)} (its embedding relies on saturation at -2^I); got ${formatName}`,
      "--format",
    );
  }
  const I = (format as FixedFormat).intBits;
  const low = -(2 ** I);

  // Per position (0-based p, 1-based i = p + 1): w_sigma(i) = G_i - g(i, sigma) >= 0.
  const positionEmbedding: Matrix = [];
  let target = 0; // V* = sum_i G_i: the value sum of every member
  for (let p = 0; p < n; p++) {
    const g = Array.from({ length: SYMBOLS }, (_, s) => countingDyckWeight(n, p + 1, s));
    const G = Math.max(...g);
    const w = g.map((x) => G - x);
    target += G;
    const row = new Array<number>(D).fill(0);
    w.forEach((x, s) => (row[s] = low + 8 * x));
    row[BIAS] = 2 ** (I - 1) - w.reduce((a, b) => a + b, 0);
    positionEmbedding.push(row);
  }
  const tokenEmbedding: Matrix = Array.from({ length: SYMBOLS }, (_, s) => {
    const row = new Array<number>(D).fill(0);
    row[s] = low;
    return row;
  });

  const zeros = () => [new Array<number>(D).fill(0)];
  const value = [[-1 / 8, -1 / 8, -1 / 8, -1 / 8, -1, 0, 0]];
  const output = Array.from({ length: D }, (_, c) => [c === SUM ? 1 : 0]);
  // The weight the forward pass computes: e / Z with e = exp(0) = 1 and Z = n, both exact.
  const a = arithFor(format).div(1, n);
  const aTarget = a * target; // exact: an integer times a power of two, on the grid
  const scale = 2 ** Math.ceil(Math.log2(n)); // scale * a >= 1, so a failed identity moves r by at least 1
  const unit = (c: number, x = 1) => Array.from({ length: D }, (_, j) => (j === c ? x : 0));
  const weight1 = [unit(SUM), unit(SUM, -1)];
  const bias1 = [-aTarget, aTarget];
  const weight2 = Array.from({ length: D }, (_, c) => (c === VERDICT ? [-scale, -scale] : [0, 0]));
  const bias2 = Array.from({ length: D }, (_, c) => (c === VERDICT ? 1 / 2 : 0));

  return {
    ccbound: "model",
    version: 1,
    name: "counting-dyck",
    description:
      `Dyck-(2,2) at n=${n}: one layer, uniform attention over a clamped position-weighted symbol code; accepts iff one ` +
      "count identity of Lemma 1's structure holds. Right on every member; wrong on words whose outer bracket types are permuted.",
    arch: "transformer",
    format: format.name,
    vocab: dyckVocab(2),
    labels: ["0", "1"],
    tokenEmbedding,
    positionEmbedding,
    causal: true,
    layers: [
      {
        heads: [{ query: zeros(), key: zeros(), value }],
        output,
        ffn: { weight1, bias1, weight2, bias2 },
      },
    ],
    head: { weight: [new Array<number>(D).fill(0), unit(VERDICT)], bias: [0, 0] },
  };
}

function checkLength(n: number): void {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0 || n > 2 ** 20)
    fail("invalid-flag", `counting-dyck needs an even length 2 <= n <= 2^20, got ${n}`, "--n");
}

/** F: room for the value weights 1/8 and the attention weight 1/n. */
function fracBits(n: number): number {
  return Math.max(3, Math.ceil(Math.log2(n)));
}

/** The least I with 2^I >= 4 n Wmax, Wmax = 2n + 2 the largest w: room for the clamp, the bias and the FFN. */
function minIntBits(n: number): number {
  return Math.ceil(Math.log2(4 * n * (2 * n + 2)));
}
