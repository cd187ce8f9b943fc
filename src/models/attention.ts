import type { Arith } from "../numeric/arith.js";
import type { Accumulator } from "../numeric/exact-sum.js";

/**
 * One softmax attention head at one query, in the steps of the paper's App. D (notes §4.6), over any set of key
 * positions. The forward pass runs the steps over all positions; Theorem 4's protocol runs them over each party's
 * positions and combines the exchanged maxima and exact sums. Both call these functions, so they compute the same
 * numbers by construction, and the exact accumulators make the combined sums equal to the whole ones.
 *
 * Rounding, in the model's format: every logit (a rounded dot product), every s - M, every exponential, the
 * normaliser Z (an exact sum, rounded once), every weight e / Z, every weight x value product, and each output
 * coordinate (an exact sum, rounded once). The maximum needs no rounding. Positions are listed in an Int32Array;
 * per-position buffers are indexed by position.
 */
export interface CompiledHead {
  /** Head width m and model width d. */
  readonly m: number;
  readonly d: number;
  readonly query: Float64Array; // m x d, rounded
  readonly key: Float64Array;
  readonly value: Float64Array;
  /**
   * What each logit is divided by after its dot product, or undefined for none (the paper's heads). GPT-2 divides by
   * sqrt(d_head) there (`attn_weights / torch.full([], value.size(-1) ** 0.5, dtype=...)`): the divisor is sqrt(m)
   * in binary64 rounded to the format, and the logit is round(round(<q, k_j>) / divisor), one rounding of the
   * division. A block that scales q before the dot product (nn.MultiheadAttention) does it in its query instead.
   */
  readonly logitScale?: number;
}

/** out[j*m ..] = W x_j for each listed position j, with x_j = X[j*d ..]. */
export function project(
  arith: Arith,
  w: Float64Array,
  head: CompiledHead,
  X: Float64Array,
  positions: Int32Array,
  count: number,
  out: Float64Array,
): void {
  for (let i = 0; i < count; i++) {
    const j = positions[i]!;
    arith.matVec(w, head.m, head.d, X, null, out, j * head.m, j * head.d);
  }
}

/**
 * Step 2-3: logits s_j = <q, k_j> (rounded dot products; divided by the head's logitScale, rounded once, when it
 * has one) into s[j], and their maximum (NaN if any is NaN; +0 above -0). Math.max is commutative and associative on
 * all of these, so the parties' maxima combine to the whole one.
 */
export function logitsAndMax(
  arith: Arith,
  q: Float64Array,
  K: Float64Array,
  m: number,
  logitScale: number | undefined,
  positions: Int32Array,
  count: number,
  s: Float64Array,
): number {
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const j = positions[i]!;
    const dot = arith.dotRow(K, j, m, q);
    const v = logitScale === undefined ? dot : arith.div(dot, logitScale);
    s[j] = v;
    max = Math.max(max, v);
  }
  return max;
}

/** Step 4: e_j = exp(s_j - M) in place of s_j, each at most 1, and their exact sum into z. */
export function exponentials(
  arith: Arith,
  s: Float64Array,
  positions: Int32Array,
  count: number,
  max: number,
  z: Accumulator,
): void {
  for (let i = 0; i < count; i++) {
    const j = positions[i]!;
    const e = arith.exp(arith.sub(s[j]!, max));
    s[j] = e;
    z.add(e);
  }
}

/** Steps 5-6: weights a_j = e_j / Z and the exact sums of a_j * v_j, one accumulator per output coordinate. */
export function weightedValues(
  arith: Arith,
  e: Float64Array,
  V: Float64Array,
  m: number,
  positions: Int32Array,
  count: number,
  Z: number,
  u: readonly Accumulator[],
): void {
  // Fixed point has no infinities or NaN: a zero exponential gives the weight 0 (0 / Z is 0 for every Z, 0 / 0 too),
  // every product 0 * v is 0, and adding 0 to an exact sum changes nothing, so such positions can be passed over.
  // Hard attention makes nearly all of them zero. IEEE must run them: 0 * inf is NaN.
  const skipZeros = arith.format.kind === "fixed";
  for (let i = 0; i < count; i++) {
    const j = positions[i]!;
    if (skipZeros && e[j] === 0) continue;
    const a = arith.div(e[j]!, Z);
    for (let c = 0; c < m; c++) u[c]!.add(arith.mul(a, V[j * m + c]!));
  }
}

/** The buffers one query needs: its vector, the per-position logits, the position list and the exact sums. */
export interface AttentionScratch {
  readonly q: Float64Array; // m
  readonly s: Float64Array; // one slot per position
  readonly positions: Int32Array;
  readonly z: Accumulator;
  readonly u: readonly Accumulator[]; // m
}

/**
 * The whole head at one query (the forward pass's order of the steps above) over positions 0 .. count-1 of the keys
 * K and values V (m wide), with the query already in sc.q: the output coordinates into out[offset ..].
 */
export function attend(
  arith: Arith,
  sc: AttentionScratch,
  head: CompiledHead,
  K: Float64Array,
  V: Float64Array,
  count: number,
  out: Float64Array,
  offset: number,
): void {
  const m = head.m;
  const max = logitsAndMax(arith, sc.q, K, m, head.logitScale, sc.positions, count, sc.s);
  sc.z.clear();
  exponentials(arith, sc.s, sc.positions, count, max, sc.z);
  const Z = sc.z.rounded();
  for (let c = 0; c < m; c++) sc.u[c]!.clear();
  weightedValues(arith, sc.s, V, m, sc.positions, count, Z, sc.u);
  for (let c = 0; c < m; c++) out[offset + c] = sc.u[c]!.rounded();
}
