import type { TransformerModelSpec } from "../models/spec.js";
import { arithFor } from "../numeric/arith.js";
import { parseFormat } from "../numeric/parse.js";
import { indexLookup } from "../tasks/index-lookup.js";
import type { BuiltConstruction, Construction, ConstructionOptions, ConstructionSize } from "./construction.js";
import { digits, emptyHead, identity, intBitsFor, Layout, put, transformerFile, zeros, zeroVector } from "./layout.js";
import { checkCode, codeBound, codeword, paperCodeWidth, signCode, type SignCode } from "./positional.js";
import { measuredSize } from "./size.js";

/**
 * Theorem 1 (notes §5.1): a one-layer, one-head Transformer that does index lookup.
 *
 *   symbol s at position i:  x_i = [ρ(s), 0_k, T(i)]        index token @p:  [0_b, T(p), 0_k]  (position N+1 adds 0)
 *   Q = w [O, I, O],  K = [O, O, I],  V = [I_b, O, O],  W_O puts the head's output in the ρ block.
 *
 * The index position's query w T(p) meets key T(p) with logit w k and every other key with at most w <T(p), T(i)>,
 * so the softmax puts its weight on position p and the output is ρ(s_p). ccbound's T are ±1 (positional.ts), so
 * w = η / k is the paper's η for unit vectors.
 *
 * Two regimes, both verified by running the model in its own format:
 * - soft (the paper's): a code with <T(i), T(j)> <= γ k, η = 2 ln(3N), weight > 3/4 on p, and the paper's ReLU
 *   threshold FFN turns each output coordinate into a bit. The scale w = η / k is rounded up to the format's grid
 *   (2 fraction bits unless --frac-bits says otherwise), and with the Reed–Solomon or random codes at γ = 1/4 the
 *   exponentials off p then round to 0 as well: attention is soft only with enough fraction bits (about 12 at
 *   N = 64). The FFN is built exactly when some exponential can be nonzero (the `hard` flag, from the format);
 * - hard (ccbound's default, the smallest that verifies): the binary code, k = ceil(log2 N), whose inner products
 *   reach k - 2, with w = 1 and no fraction bits: every exponential below the maximum, e^(-2) or less, rounds down
 *   to 0 (the paper's rounding, App. B.2), so attention is exactly hard and no FFN is needed.
 */
export const indexLookupConstruction: Construction = {
  name: "index-lookup",
  theorem: "thm1",
  description: "Theorem 1: one layer, one head, width O(log N)",
  takes: ["alphabet"],
  build: buildIndexLookup,
  size: (n, options) => sizeOf(plan(n, options, false)),
};

interface Plan {
  readonly n: number;
  readonly alphabet: number;
  /** Bits of ρ(s). */
  readonly b: number;
  readonly code: SignCode;
  /** The code's guaranteed bound on <T(i), T(j)>, i != j (codeBound); a built code is checked against it. */
  readonly maxInner: number;
  /** The query scale per unit of inner product: logits are w <T(p), T(i)>, η = w k. */
  readonly w: number;
  readonly intBits: number;
  readonly fracBits: number;
  readonly format: string;
  /** Exponentials below the maximum all round to 0: attention is exactly one-hot. */
  readonly hard: boolean;
}

function plan(n: number, options: ConstructionOptions = {}, check = true): Plan {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`index-lookup needs N >= 2, got ${n}`);
  const alphabet = options.task?.alphabet ?? 2;
  const b = Math.max(1, Math.ceil(Math.log2(alphabet)));
  const kind = options.code ?? "binary";
  const code = signCode(kind, n, options);
  const maxInner = codeBound(code, options.gamma ?? 0.25);
  if (check && kind === "random") checkCode(code, maxInner); // the other two codes' bounds are proved
  const soft = kind !== "binary";
  const fracBits = options.fracBits ?? (soft ? 2 : 0);
  const eta = options.eta ?? (soft ? 2 * Math.log(3 * n) : code.k);
  const w = Math.ceil((eta / code.k) * 2 ** fracBits) / 2 ** fracBits;
  // Ranges: logits and their differences from the maximum (|.| <= 2 w k), the normaliser (<= N + 1), the head (<= b).
  const intBits = Math.max(intBitsFor(2 * w * code.k), soft ? intBitsFor(n + 2) : 0, intBitsFor(b));
  const format = options.format ?? `fixed:${intBits}.${fracBits}`;
  const arith = arithFor(parseFormat(format));
  const hard = arith.exp(arith.round(-w * (code.k - maxInner))) === 0;
  return { n, alphabet, b, code, maxInner, w, intBits, fracBits, format, hard };
}

function buildIndexLookup(n: number, options: ConstructionOptions = {}): BuiltConstruction {
  const p = plan(n, options);
  const task = indexLookup(n, p.alphabet);
  const spec = indexLookupSpec(p, task.vocab, task.labels);
  return {
    name: "index-lookup",
    theorem: "thm1",
    task,
    spec,
    size: measuredSize(spec),
    parameters: {
      code: p.code.kind,
      k: p.code.k,
      ...p.code.recipe,
      maxInnerProduct: `${p.maxInner}/${p.code.k}`,
      eta: p.w * p.code.k,
      format: p.format,
      attention: p.hard ? "hard (all other weights round to 0)" : "soft, with the threshold FFN",
    },
    paper: paperIndexLookup(n, p.b),
  };
}

/** The paper's choices: Corollary 8.1's γ = 1/4 code at Lemma 2's width, η = 2 ln(3N), precision O(log N). */
function paperIndexLookup(n: number, b: number): Record<string, number | string> {
  const k = paperCodeWidth(n, 0.25);
  return {
    k,
    width: b + 2 * k,
    eta: Number((2 * Math.log(3 * n)).toFixed(3)),
    precision: "O(log N)",
    heads: 1,
    layers: 1,
  };
}

function indexLookupSpec(p: Plan, vocab: readonly string[], labels: readonly string[]): TransformerModelSpec {
  const { n, b, code, alphabet } = p;
  const k = code.k;
  const layout = new Layout();
  const sym = layout.block(b);
  const qry = layout.block(k);
  const key = layout.block(k);
  const d = layout.width;
  const m = Math.max(k, b);
  const rho = (s: number) => digits(s, b);

  const tokenEmbedding = [
    ...Array.from({ length: alphabet }, (_, s) => row(d, (r) => put(r, sym, rho(s)))),
    ...Array.from({ length: n }, (_, i) => row(d, (r) => put(r, qry, codeword(code, i + 1)))),
  ];
  const positionEmbedding = Array.from({ length: n + 1 }, (_, i) =>
    row(d, (r) => i < n && put(r, key, codeword(code, i + 1))),
  );
  const head = emptyHead(m, d);
  identity(head.query, { start: 0, size: k }, qry, p.w);
  identity(head.key, { start: 0, size: k }, key);
  identity(head.value, { start: 0, size: b }, sym);
  const output = zeros(d, m);
  identity(output, sym, { start: 0, size: b });
  return transformerFile({
    name: `index-lookup-N${n}`,
    description: `Theorem 1's one-layer Transformer for index lookup at N = ${n} (${code.kind} code, k = ${k}); built by ccbound construct`,
    vocab: [...vocab],
    labels: [...labels],
    format: p.format,
    tokenEmbedding,
    positionEmbedding,
    layers: [{ heads: [head], output, ffn: p.hard ? null : thresholdFfn(d, sym.start, b) }],
    head: readout(d, sym.start, alphabet, rho),
  });
}

function row(d: number, fill: (r: number[]) => unknown): number[] {
  const r = zeroVector(d);
  fill(r);
  return r;
}

/**
 * The paper's threshold, per coordinate u in [0, 1] of the ρ block: ReLU(2u - 1/2) - ReLU(2u - 3/2) is 0 for
 * u <= 1/4 and 1 for u >= 3/4. The FFN adds to its input, so it also subtracts u = ReLU(u).
 */
function thresholdFfn(d: number, at: number, b: number) {
  const weight1 = zeros(3 * b, d);
  const bias1 = zeroVector(3 * b);
  const weight2 = zeros(d, 3 * b);
  for (let j = 0; j < b; j++) {
    [2, 2, 1].forEach((w, h) => (weight1[3 * j + h]![at + j] = w));
    [-0.5, -1.5, 0].forEach((c, h) => (bias1[3 * j + h] = c));
    [1, -1, -1].forEach((w, h) => (weight2[at + j]![3 * j + h] = w));
  }
  return { weight1, bias1, weight2, bias2: zeroVector(d) };
}

/** Logit of symbol s: the number of bits of ρ(s) the ρ block matches, Σ_j (2ρ_j(s) - 1) y_j + #{j: ρ_j(s) = 0}. */
function readout(d: number, at: number, alphabet: number, rho: (s: number) => number[]) {
  const weight = zeros(alphabet, d);
  const bias = zeroVector(alphabet);
  for (let s = 0; s < alphabet; s++) {
    rho(s).forEach((bit, j) => {
      weight[s]![at + j] = 2 * bit - 1;
      bias[s]! += 1 - bit;
    });
  }
  return { weight, bias };
}

/** The size from the plan's formulas: d = b + 2k, m = max(k, b), and every parameter counted. */
function sizeOf(p: Plan): ConstructionSize {
  const { n, b, alphabet } = p;
  const k = p.code.k;
  const d = b + 2 * k;
  const m = Math.max(k, b);
  const precision = 1 + p.intBits + p.fracBits;
  const ffn = p.hard ? 0 : 3 * b * d + 3 * b + d * 3 * b + d;
  const numbers = (alphabet + n) * d + (n + 1) * d + 3 * m * d + d * m + ffn + alphabet * d + alphabet;
  return { width: Math.max(d, m), layers: 1, heads: 1, precision, parameterBits: numbers * precision };
}
