import type { TransformerModelSpec } from "../models/spec.js";
import { arithFor } from "../numeric/arith.js";
import { parseFormat } from "../numeric/parse.js";
import { inductionHeads, INDUCTION_MIN_N } from "../tasks/induction-heads.js";
import type { BuiltConstruction, Construction, ConstructionOptions, ConstructionSize } from "./construction.js";
import { emptyHead, identity, intBitsFor, Layout, transformerFile, zeros, zeroVector } from "./layout.js";
import { measuredSize } from "./size.js";
import { TWO_LAYER_MAX_N } from "./threshold.js";

/**
 * The two-layer induction head (Olsson et al. 2022; Sanford, Hsu and Telgarsky 2024: h, m = O(1), p = O(log n)), as
 * exact fixed-point weights. Position j (0-based) carries in its position embedding j - 1, j, j^2, 1 and c j.
 *
 *   layer 1 (previous token): position j attends with logits c (2 (j - 1) i - i^2) = c ((j - 1)^2 - (i - (j - 1))^2),
 *                      largest at i = j - 1 and at least c below it elsewhere, so exp rounds every other term to 0
 *                      and the head copies the one-hot token of position j - 1 into a "previous" block (position 0
 *                      copies its own).
 *   layer 2 (induction): the last position attends with logits w [previous_j = last token] + c j, w = c n: every
 *                      position whose previous token is the last token beats every other by at least 2c, and among
 *                      them the latest wins by at least c; the value is position j's own token, the follower.
 *   readout:           logit of label s = the answer block's coordinate s.
 *
 * Every weight and every intermediate value is an integer of magnitude at most 3 c n^2, so fixed:I.F with
 * I = ⌈log2(3 c n^2 + 1)⌉ holds them exactly; c is the least integer with exp(-c) rounding to 0 at F fraction bits.
 * A false match at position 0 (its "previous" token is its own) has the least recency, and the task guarantees a
 * real match at some j >= 1, which beats it by at least c. Width 3|V| + 5, one head a layer: constant in n.
 */
interface Plan {
  readonly c: number;
  readonly intBits: number;
  readonly fracBits: number;
  readonly format: string;
}

function plan(n: number, options: ConstructionOptions): Plan {
  const fracBits = options.fracBits ?? 1;
  const intBits = (c: number) => intBitsFor(3 * c * n * n);
  const zero = (c: number) => arithFor(parseFormat(`fixed:${intBits(c)}.${fracBits}`)).exp(-c) === 0;
  let c = 1;
  while (!zero(c)) c++;
  return { c, intBits: intBits(c), fracBits, format: options.format ?? `fixed:${intBits(c)}.${fracBits}` };
}

function spec(n: number, alphabet: number, p: Plan): TransformerModelSpec {
  const task = inductionHeads(n, alphabet);
  const V = task.vocab.length;
  const layout = new Layout();
  const token = layout.block(V);
  const previous = layout.block(V);
  const answer = layout.block(V);
  const before = layout.block(1); // j - 1
  const here = layout.block(1); // j
  const square = layout.block(1); // j^2
  const one = layout.block(1);
  const recency = layout.block(1); // c j
  const d = layout.width;
  const { c } = p;

  const tokenEmbedding = task.vocab.map((_, t) => {
    const row = zeroVector(d);
    row[token.start + t] = 1;
    return row;
  });
  const positionEmbedding = Array.from({ length: n }, (_, j) => {
    const row = zeroVector(d);
    row[before.start] = j - 1;
    row[here.start] = j;
    row[square.start] = j * j;
    row[one.start] = 1;
    row[recency.start] = c * j;
    return row;
  });

  const m1 = Math.max(2, V);
  const prev = emptyHead(m1, d);
  prev.query[0]![before.start] = 2 * c;
  prev.query[1]![one.start] = -c;
  prev.key[0]![here.start] = 1;
  prev.key[1]![square.start] = 1;
  identity(prev.value, { start: 0, size: V }, token);
  const prevOut = zeros(d, m1);
  identity(prevOut, previous, { start: 0, size: V });

  const m2 = V + 1;
  const induction = emptyHead(m2, d);
  identity(induction.query, { start: 0, size: V }, token, c * n);
  induction.query[V]![one.start] = 1;
  identity(induction.key, { start: 0, size: V }, previous);
  induction.key[V]![recency.start] = 1;
  identity(induction.value, { start: 0, size: V }, token);
  const inductionOut = zeros(d, m2);
  identity(inductionOut, answer, { start: 0, size: V });

  const weight = task.labels.map((_, s) => {
    const row = zeroVector(d);
    row[answer.start + s] = 1;
    return row;
  });
  return transformerFile({
    name: `induction-heads-N${n}`,
    description: `the two-layer induction head for induction-heads at n = ${n} over ${V} tokens (c = ${c}); built by ccbound construct`,
    vocab: [...task.vocab],
    labels: [...task.labels],
    format: p.format,
    tokenEmbedding,
    positionEmbedding,
    layers: [
      { heads: [prev], output: prevOut, ffn: null },
      { heads: [induction], output: inductionOut, ffn: null },
    ],
    head: { weight, bias: new Array<number>(task.labels.length).fill(0) },
  });
}

/** The size from the formulas: d = 3|V| + 5, m = max(2, |V|) and |V| + 1, p = 1 + I + F. */
function sizeOf(n: number, alphabet: number, p: Plan): ConstructionSize {
  const V = alphabet + 1;
  const d = 3 * V + 5;
  const m1 = Math.max(2, V);
  const m2 = V + 1;
  const numbers = V * d + n * d + 4 * m1 * d + 4 * m2 * d + V * d + V;
  const precision = 1 + p.intBits + p.fracBits;
  return { width: Math.max(d, m1, m2), layers: 2, heads: 1, precision, parameterBits: numbers * precision };
}

function checkN(n: number): void {
  if (!Number.isInteger(n) || n < INDUCTION_MIN_N) throw new RangeError(`induction-heads needs n >= 3, got ${n}`);
}

export const inductionHeadsConstruction: Construction = {
  name: "induction-heads",
  theorem: "sanford-induction-2",
  description: "the two-layer induction head (Sanford et al. 2024): one head a layer, width 3|V| + 5",
  takes: ["alphabet"],
  maxN: TWO_LAYER_MAX_N,
  build(n, options = {}): BuiltConstruction {
    checkN(n);
    const alphabet = options.task?.alphabet ?? 2;
    const p = plan(n, options);
    const weights = spec(n, alphabet, p);
    return {
      name: "induction-heads",
      theorem: "sanford-induction-2",
      task: inductionHeads(n, alphabet),
      spec: weights,
      size: measuredSize(weights),
      parameters: { c: p.c, w: p.c * n, format: p.format },
      paper: { heads: 1, width: "O(1)", precision: "O(log n)", layers: 2 },
    };
  },
  size(n, options = {}) {
    checkN(n);
    return sizeOf(n, options.task?.alphabet ?? 2, plan(n, options));
  },
};
