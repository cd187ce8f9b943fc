import type { TransformerModelSpec } from "../models/spec.js";
import { arithFor } from "../numeric/arith.js";
import { parseFormat } from "../numeric/parse.js";
import { assocRecall } from "../tasks/assoc-recall.js";
import { defaultDim, nearestNeighbor } from "../tasks/nearest-neighbor.js";
import type { TaskOptions } from "../tasks/index.js";
import type { Task } from "../tasks/task.js";
import type {
  BuiltConstruction,
  Construction,
  ConstructionName,
  ConstructionOptions,
  ConstructionSize,
} from "./construction.js";
import { digits, emptyHead, identity, intBitsFor, Layout, put, transformerFile, zeros, zeroVector } from "./layout.js";
import { binaryCode, codeBound, codeword, signCode, checkCode, type SignCode } from "./positional.js";
import { measuredSize } from "./size.js";
import { TWO_LAYER_MAX_N } from "./threshold.js";

/**
 * Theorem 7 (notes §5.4): nearest neighbour, and with it MQAR and associative recall, by a two-layer Transformer
 * with width and precision O(log N). Inputs are x_1, y_1, ..., x_n, y_n, x_q (keys at even positions, labels at odd).
 *
 *   layer 1 (copy):    every label token fetches the key just before it, by hard attention on position codes
 *                      (Q = w T(pointer), K = T(j), V = key block), into a "copied key" block; every other token
 *                      points at itself and copies its own key.
 *   layer 2 (nearest): the query attends with logits w <x_q, copied_j> + β [j is a label token], β = 2 w D + 2w,
 *                      so every label token beats every other token and among them the nearest key wins by at
 *                      least 2w (dot products of ±1 keys differ by 2 or more); V = the label's ±1 bits.
 *   readout:           logit of label s = Σ_j (2 ρ_j(s) - 1) u_j.
 *
 * This reverses the paper's order (it finds the nearest key in layer 1 and fetches its label in layer 2 through a
 * second position code). Repeated keys are why: the task lets a key repeat with its label (Theorem 8's protocol feeds
 * such inputs), and then several positions tie for nearest; averaging their label addresses breaks the paper's layer
 * 2, while averaging their labels, which agree, does not (t tied positions each get the weight 1/t rounded down, so
 * the output keeps its sign while 2^F >= t, whence F = ceil(log2 n)).
 */
interface Recall {
  readonly task: Task;
  /** D, the key vectors' length, and each key token's ±1 vector. */
  readonly dim: number;
  readonly keyVector: ReadonlyMap<string, readonly number[]>;
  /** b bits per label; each label token's index in task.labels. */
  readonly labelBits: number;
  readonly labelIndex: ReadonlyMap<string, number>;
  readonly pairs: number;
}

function nearestRecall(n: number, options: ConstructionOptions): Recall {
  const dim = options.task?.dim ?? defaultDim(n);
  const task = nearestNeighbor(n, { dim, ...(options.task?.mqar && { mqar: true }) });
  const keys = new Map<string, number[]>();
  for (let i = 0; i < 2 ** dim; i++)
    keys.set(
      `v${i}`,
      digits(i, dim).map((bit) => 1 - 2 * bit),
    );
  return {
    task,
    dim,
    keyVector: keys,
    labelBits: 1,
    labelIndex: new Map([
      ["0", 0],
      ["1", 1],
    ]),
    pairs: n,
  };
}

function assocRecallOf(n: number, options: ConstructionOptions): Recall {
  const alphabet = options.task?.alphabet ?? 2;
  const task = assocRecall(n, alphabet);
  const code = binaryCode(n);
  const keys = new Map(Array.from({ length: n }, (_, i) => [`k${i + 1}`, codeword(code, i + 1)] as const));
  return {
    task,
    dim: code.k,
    keyVector: keys,
    labelBits: Math.max(1, Math.ceil(Math.log2(alphabet))),
    labelIndex: new Map(task.labels.map((l, i) => [l, i])),
    pairs: n,
  };
}

interface Plan {
  readonly code: SignCode;
  readonly w: number;
  readonly beta: number;
  readonly intBits: number;
  readonly fracBits: number;
  readonly format: string;
}

function plan(r: Recall, options: ConstructionOptions, check: boolean): Plan {
  const length = 2 * r.pairs + 1;
  const code = signCode(options.code ?? "binary", length, options);
  const bound = codeBound(code, options.gamma ?? 0.25);
  if (check && code.kind === "random") checkCode(code, bound);
  const fracBits = options.fracBits ?? Math.max(1, Math.ceil(Math.log2(r.pairs)));
  const range = (w: number) =>
    Math.max(
      intBitsFor(2 * w * code.k),
      intBitsFor(4 * w * r.dim + 2 * w),
      intBitsFor(length),
      intBitsFor(r.labelBits),
    );
  // The smallest grid w with both gaps' exponentials rounding to 0: layer 1's (k - bound) and layer 2's (2).
  const gap = Math.min(code.k - bound, 2);
  const grid = 2 ** fracBits;
  const zero = (w: number) => arithFor(parseFormat(`fixed:${range(w)}.${fracBits}`)).exp(-w * gap) === 0;
  let w = options.eta !== undefined ? options.eta / code.k : 1 / grid;
  if (options.eta === undefined) while (!zero(w)) w += 1 / grid;
  const intBits = range(w);
  return {
    code,
    w,
    beta: 2 * w * r.dim + 2 * w,
    intBits,
    fracBits,
    format: options.format ?? `fixed:${intBits}.${fracBits}`,
  };
}

function recallSpec(r: Recall, p: Plan, name: string): TransformerModelSpec {
  const { dim: D, labelBits: b } = r;
  const kT = p.code.k;
  const layout = new Layout();
  const key = layout.block(D);
  const label = layout.block(b);
  const isLabel = layout.block(1);
  const one = layout.block(1);
  const pos = layout.block(kT);
  const ptr = layout.block(kT);
  const copied = layout.block(D);
  const out = layout.block(b);
  const d = layout.width;
  const length = 2 * r.pairs + 1;
  const { vocab, labels } = r.task;

  const tokenEmbedding = vocab.map((t) => {
    const row = zeroVector(d);
    const k = r.keyVector.get(t);
    if (k) put(row, key, k);
    const l = r.labelIndex.get(t);
    if (l !== undefined && !k) {
      put(
        row,
        label,
        digits(l, b).map((bit) => 2 * bit - 1),
      );
      row[isLabel.start] = 1;
    }
    return row;
  });
  const positionEmbedding = Array.from({ length }, (_, j) => {
    const row = zeroVector(d);
    row[one.start] = 1;
    put(row, pos, codeword(p.code, j + 1));
    put(row, ptr, codeword(p.code, j % 2 === 1 ? j : j + 1)); // a label (odd j) points at its key, j - 1
    return row;
  });

  const m1 = Math.max(kT, D);
  const copy = emptyHead(m1, d);
  identity(copy.query, { start: 0, size: kT }, ptr, p.w);
  identity(copy.key, { start: 0, size: kT }, pos);
  identity(copy.value, { start: 0, size: D }, key);
  const copyOut = zeros(d, m1);
  identity(copyOut, copied, { start: 0, size: D });

  const m2 = Math.max(D + 1, b);
  const nearest = emptyHead(m2, d);
  identity(nearest.query, { start: 0, size: D }, copied, p.w);
  nearest.query[D]![one.start] = 1;
  identity(nearest.key, { start: 0, size: D }, copied);
  nearest.key[D]![isLabel.start] = p.beta;
  identity(nearest.value, { start: 0, size: b }, label);
  const nearestOut = zeros(d, m2);
  identity(nearestOut, out, { start: 0, size: b });

  const weight = labels.map((l) => {
    const row = zeroVector(d);
    const s = r.labelIndex.get(l)!;
    put(
      row,
      out,
      digits(s, b).map((bit) => 2 * bit - 1),
    );
    return row;
  });
  return transformerFile({
    name,
    description: `Theorem 7's two-layer Transformer for ${r.task.name} with ${r.pairs} pairs (keys of dimension ${D}, ${p.code.kind} position code k = ${kT}); built by ccbound construct`,
    vocab: [...vocab],
    labels: [...labels],
    format: p.format,
    tokenEmbedding,
    positionEmbedding,
    layers: [
      { heads: [copy], output: copyOut, ffn: null },
      { heads: [nearest], output: nearestOut, ffn: null },
    ],
    head: { weight, bias: new Array<number>(labels.length).fill(0) },
  });
}

function sizeOf(r: Recall, p: Plan): ConstructionSize {
  const { dim: D, labelBits: b } = r;
  const kT = p.code.k;
  const d = 2 * D + 2 * b + 2 + 2 * kT;
  const m1 = Math.max(kT, D);
  const m2 = Math.max(D + 1, b);
  const length = 2 * r.pairs + 1;
  const labels = r.task.labels.length;
  const numbers = r.task.vocab.length * d + length * d + 4 * m1 * d + 4 * m2 * d + labels * d + labels;
  const precision = 1 + p.intBits + p.fracBits;
  return { width: Math.max(d, m1, m2), layers: 2, heads: 1, precision, parameterBits: numbers * precision };
}

function recallConstruction(
  name: ConstructionName,
  description: string,
  takes: readonly (keyof TaskOptions)[],
  recall: (n: number, o: ConstructionOptions) => Recall,
): Construction {
  const checkN = (n: number) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} needs n >= 1 pairs, got ${n}`);
  };
  return {
    name,
    theorem: "thm7",
    description,
    takes,
    maxN: TWO_LAYER_MAX_N / 2, // n pairs are 2n + 1 tokens
    build(n, options = {}): BuiltConstruction {
      checkN(n);
      const r = recall(n, options);
      const p = plan(r, options, true);
      const spec = recallSpec(r, p, `${name}-N${n}`);
      return {
        name,
        theorem: "thm7",
        task: r.task,
        spec,
        size: measuredSize(spec),
        parameters: {
          code: p.code.kind,
          k: p.code.k,
          ...p.code.recipe,
          "key dimension": r.dim,
          eta: p.w * p.code.k,
          beta: p.beta,
          format: p.format,
        },
        paper: paperNearest(n, r.dim),
      };
    },
    size(n, options = {}) {
      checkN(n);
      const r = recall(n, options);
      return sizeOf(r, plan(r, options, false));
    },
  };
}

/** The paper's choices: JL codes T(1..2N) with error γ/100, k = O(log N / γ^2), η = (5 / 4γ) ln(18N), d = 3k + d' + 2. */
function paperNearest(n: number, dim: number): Record<string, number | string> {
  const gamma = 2 / dim; // the task's margin for ±1/√D keys
  return {
    gamma: Number(gamma.toFixed(4)),
    eta: Number(((5 / (4 * gamma)) * Math.log(18 * n)).toFixed(3)),
    width: "3k + D + 2, k = O(log N / γ^2)",
    precision: "O(log N)",
    heads: 2,
    layers: 2,
  };
}

export const nearestNeighborConstruction = recallConstruction(
  "nearest-neighbor",
  "Theorem 7 (nearest neighbour, MQAR): two layers, one head each",
  ["dim", "mqar"],
  nearestRecall,
);
export const assocRecallConstruction = recallConstruction(
  "assoc-recall",
  "Theorem 7's corollary (single-query associative recall): two layers, one head each",
  ["alphabet"],
  assocRecallOf,
);
