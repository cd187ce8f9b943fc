import type { Matrix, TransformerLayer, TransformerModelSpec } from "../models/spec.js";
import { arithFor, type Arith } from "../numeric/arith.js";
import { parseFormat } from "../numeric/parse.js";
import { equality } from "../tasks/equality.js";
import type { TaskOptions } from "../tasks/index.js";
import type { Task } from "../tasks/task.js";
import type {
  BuiltConstruction,
  Construction,
  ConstructionName,
  ConstructionOptions,
  ConstructionSize,
} from "./construction.js";
import {
  emptyHead,
  identity,
  intBitsFor,
  Layout,
  put,
  transformerFile,
  zeros,
  zeroVector,
  type Block,
} from "./layout.js";
import { checkCode, codeBound, codeword, signCode, type SignCode } from "./positional.js";
import { measuredSize } from "./size.js";

/**
 * Theorem 13 (notes §5.3): thresholds of k-sparse features, THRES_{k,N}, by a two-layer Transformer; Theorem 6
 * (equality) and disjointness are instances.
 *
 * Position i may carry a feature g(x_{I_i^1}, ..., x_{I_i^k}) of k inputs (its pointers I_i) and the output is 1 when
 * at least b features are 1. Bits are ±1 values.
 *   embedding of position i:  [x_i | r_1..r_H | g | avg | y | active | G one-hot | T(i) | T(I_i^1) .. T(I_i^H)]
 *   layer 1, head h:  Q = w T(I_i^h), K = T(j), V = x_j: hard attention retrieves x at pointer h into r_h; its FFN
 *                     writes g(r) into the g slot, one ReLU unit per satisfying σ in {±1}^k:
 *                     ReLU(<σ, r> + [g is this position's function] - k) is 1 exactly when r = σ.
 *   layer 2:          Q = 0, so attention is uniform over the n positions: avg = (#features that are 1) a0, with
 *                     a0 the format's 1/n rounded down; its FFN thresholds at b: y = ReLU(c t) - ReLU(c t - 1) with
 *                     t = avg - (b - 1) a0 and the integer c = ceil(1/a0), so c t >= 1 when the count is >= b and
 *                     c t <= 0 when it is below.
 *   readout:          "at or above" gets y, "below" gets 1 - y.
 * With `selfByResidual`, pointer 1 is always the position itself and r_1 is x_i from the residual stream, which
 * saves a head (Theorem 6's "another head or the residual connection").
 *
 * Hard attention from rounding (the paper's own device in Theorem 6): w is the least grid value with
 * exp(-w * gap) rounding down to 0, gap = k - max_{i != j} <T(i), T(j)>; then each retrieved value is exact.
 */
export interface ThresholdInstance {
  /** Input positions. */
  readonly n: number;
  /** k, the pointers per feature. */
  readonly arity: number;
  /** The feature functions: tables[g][σ] for σ read as k bits, bit j set when input j is +1. */
  readonly tables: readonly (readonly boolean[])[];
  /** Per position: its pointers (0-based positions) and which function, or null for no feature. */
  readonly features: readonly ({ readonly pointers: readonly number[]; readonly g: number } | null)[];
  /** b >= 1: the output is "at or above" when at least b features are 1. */
  readonly threshold: number;
  /** Each token's ±1 value. */
  readonly tokenValue: Readonly<Record<string, 1 | -1>>;
  readonly labels: { readonly below: string; readonly atOrAbove: string };
  readonly selfByResidual?: boolean;
}

export interface ThresholdPlan {
  readonly code: SignCode;
  readonly bound: number;
  readonly w: number;
  readonly intBits: number;
  readonly fracBits: number;
  readonly format: string;
  /** The uniform weight 1/n rounded down, and c = ceil(1/a0). */
  readonly a0: number;
  readonly c: number;
  readonly heads: number;
  readonly hidden: number;
}

export function thresholdPlan(inst: ThresholdInstance, options: ConstructionOptions = {}, check = true): ThresholdPlan {
  const code = signCode(options.code ?? "binary", inst.n, options);
  const bound = codeBound(code, options.gamma ?? 0.25);
  if (check && code.kind === "random") checkCode(code, bound);
  const fracBits = options.fracBits ?? Math.ceil(Math.log2(inst.n)); // a0 = 1/n rounded down must not be 0
  const a0 = Math.floor(2 ** fracBits / inst.n) / 2 ** fracBits;
  if (a0 === 0)
    throw new RangeError(
      `threshold: ${fracBits} fraction bits cannot hold 1/${inst.n}; use at least ${Math.ceil(Math.log2(inst.n))}`,
    );
  const c = Math.ceil(1 / a0);
  const k = inst.arity;
  const heads = inst.selfByResidual ? k - 1 : k;
  if (heads < 1)
    throw new RangeError(
      "threshold: a feature of the position alone needs no attention; give it at least one other pointer",
    );
  const hidden = inst.tables.reduce((s, t) => s + t.filter(Boolean).length, 0);
  // Ranges: layer-1 logits and their spread (2 w k_T), the uniform normaliser n, c * avg <= c n a0 < 2n, FFN sums 2k.
  const rangeFor = (w: number) =>
    Math.max(intBitsFor(2 * w * code.k), intBitsFor(2 * inst.n), intBitsFor(2 * k + 1), intBitsFor(c));
  const gap = code.k - bound;
  const w = options.eta !== undefined ? options.eta / code.k : hardScale(gap, fracBits, rangeFor);
  const intBits = rangeFor(w);
  return {
    code,
    bound,
    w,
    intBits,
    fracBits,
    format: options.format ?? `fixed:${intBits}.${fracBits}`,
    a0,
    c,
    heads,
    hidden,
  };
}

/** The least w on the 2^-F grid whose exp(-w gap) rounds down to 0 in the format it implies. */
function hardScale(gap: number, fracBits: number, rangeFor: (w: number) => number): number {
  const grid = 2 ** fracBits;
  let w = Math.max(1, Math.floor(((fracBits * Math.LN2) / gap) * grid)) / grid;
  const zero = (v: number) => arith(rangeFor(v), fracBits).exp(-v * gap) === 0;
  while (!zero(w)) w += 1 / grid;
  while (w > 1 / grid && zero(w - 1 / grid)) w -= 1 / grid;
  return w;
}

function arith(intBits: number, fracBits: number): Arith {
  return arithFor(parseFormat(`fixed:${intBits}.${fracBits}`));
}

interface Slots {
  readonly x: Block;
  readonly r: Block;
  readonly g: Block;
  readonly avg: Block;
  readonly y: Block;
  readonly active: Block;
  readonly which: Block;
  readonly pos: Block;
  readonly pointers: Block[];
  readonly d: number;
}

function slots(inst: ThresholdInstance, kT: number, heads: number): Slots {
  const layout = new Layout();
  const x = layout.block(1);
  const r = layout.block(heads); // one slot per fetched input; with selfByResidual the first is x itself
  const g = layout.block(1);
  const avg = layout.block(1);
  const y = layout.block(1);
  const active = layout.block(1);
  const which = layout.block(inst.tables.length);
  const pos = layout.block(kT);
  const pointers = Array.from({ length: heads }, () => layout.block(kT));
  return { x, r, g, avg, y, active, which, pos, pointers, d: layout.width };
}

export function thresholdSpec(
  inst: ThresholdInstance,
  plan: ThresholdPlan,
  vocab: readonly string[],
  meta: { name: string; description: string },
): TransformerModelSpec {
  const kT = plan.code.k;
  const s = slots(inst, kT, plan.heads);
  const first = inst.selfByResidual ? 1 : 0; // the pointer the first head serves
  const tokenEmbedding = vocab.map((t) => {
    const row = zeroVector(s.d);
    row[s.x.start] = inst.tokenValue[t] ?? 0;
    return row;
  });
  const positionEmbedding = inst.features.map((f, i) => {
    const row = zeroVector(s.d);
    put(row, s.pos, codeword(plan.code, i + 1));
    s.pointers.forEach((block, h) => put(row, block, codeword(plan.code, (f ? f.pointers[first + h]! : i) + 1)));
    if (f) {
      row[s.active.start] = 1;
      row[s.which.start + f.g] = 1;
    }
    return row;
  });
  return transformerFile({
    ...meta,
    vocab: [...vocab],
    labels: [inst.labels.below, inst.labels.atOrAbove],
    format: plan.format,
    tokenEmbedding,
    positionEmbedding,
    layers: [retrieveLayer(inst, plan, s), countLayer(inst, plan, s)],
    head: { weight: [unit(s.d, s.y.start, -1), unit(s.d, s.y.start, 1)], bias: [1, 0] },
  });
}

function unit(d: number, at: number, value: number): number[] {
  const row = zeroVector(d);
  row[at] = value;
  return row;
}

/** Layer 1: head h fetches x at pointer h into r_h; the FFN computes the position's g into the g slot. */
function retrieveLayer(inst: ThresholdInstance, plan: ThresholdPlan, s: Slots): TransformerLayer {
  const kT = plan.code.k;
  const m = kT;
  const heads = s.pointers.map((block) => {
    const head = emptyHead(m, s.d);
    identity(head.query, { start: 0, size: kT }, block, plan.w);
    identity(head.key, { start: 0, size: kT }, s.pos);
    head.value[0]![s.x.start] = 1;
    return head;
  });
  const output = zeros(s.d, m * heads.length);
  heads.forEach((_, h) => (output[s.r.start + h]![h * m] = 1));
  // r_1 is x itself when the first pointer is the position: read x where the others read r.
  const offset = inst.selfByResidual ? 1 : 0;
  const input = (j: number) => (j < offset ? s.x.start : s.r.start + j - offset);
  const k = inst.arity;
  const weight1: Matrix = [];
  const bias1: number[] = [];
  inst.tables.forEach((table, g) =>
    table.forEach((one, sigma) => {
      if (!one) return;
      const row = zeroVector(s.d);
      for (let j = 0; j < k; j++) row[input(j)] = (sigma >> j) & 1 ? 1 : -1;
      row[s.which.start + g] = 1;
      weight1.push(row);
      bias1.push(-k);
    }),
  );
  const weight2 = zeros(s.d, weight1.length);
  weight2[s.g.start]!.fill(1);
  return { heads, output, ffn: { weight1, bias1, weight2, bias2: zeroVector(s.d) } };
}

/** Layer 2: uniform attention averages g; the FFN thresholds the average at b into y. */
function countLayer(inst: ThresholdInstance, plan: ThresholdPlan, s: Slots): TransformerLayer {
  const head = emptyHead(1, s.d);
  head.value[0]![s.g.start] = 1;
  const output = zeros(s.d, 1);
  output[s.avg.start]![0] = 1;
  const shift = plan.c * (1 - inst.threshold) * plan.a0; // 0, not -0, at b = 1: the file keeps no -0
  const weight1 = [unit(s.d, s.avg.start, plan.c), unit(s.d, s.avg.start, plan.c)];
  const weight2 = zeros(s.d, 2);
  weight2[s.y.start] = [1, -1];
  return { heads: [head], output, ffn: { weight1, bias1: [shift, shift - 1], weight2, bias2: zeroVector(s.d) } };
}

/** The size from the plan: d from the slots, m = max(k_T, 1), and every parameter counted. */
export function thresholdSize(inst: ThresholdInstance, plan: ThresholdPlan, vocab: number): ConstructionSize {
  const kT = plan.code.k;
  const d = slots(inst, kT, plan.heads).d;
  const H = plan.heads;
  const layer1 = 3 * H * kT * d + d * kT * H + plan.hidden * d + plan.hidden + d * plan.hidden + d;
  const layer2 = 3 * d + d + 2 * d + 2 + 2 * d + d;
  const numbers = vocab * d + inst.n * d + layer1 + layer2 + 2 * d + 2;
  const precision = 1 + plan.intBits + plan.fracBits;
  return { width: Math.max(d, kT), layers: 2, heads: Math.max(H, 1), precision, parameterBits: numbers * precision };
}

/** Two-layer constructions are built up to this N: one forward pass there is about 2 * 10^8 attention steps. */
export const TWO_LAYER_MAX_N = 4096;

// ---- Instances on the two halves of the input: INEQ (XOR) and DISJ (AND) ----

/** XOR and AND of (x_j, x_partner), as tables over σ (bit 0: x_j = +1, bit 1: x_partner = +1). */
export const XOR_TABLE = [false, true, true, false];
export const AND_TABLE = [false, false, false, true];

/**
 * One feature per position j of the second half, on (x_j, x_{partner}) with partner the same place in the first half
 * (after the separator, if the input has one). Count >= 1 is INEQ for XOR and intersection for AND.
 */
export function halvesInstance(
  n: number,
  table: readonly boolean[],
  labels: ThresholdInstance["labels"],
  options: { separator?: boolean; selfByResidual?: boolean } = {},
): ThresholdInstance {
  const half = n / 2;
  const offset = options.separator ? half + 1 : half;
  const length = options.separator ? n + 1 : n;
  const features = Array.from({ length }, (_, j) => (j >= offset ? { pointers: [j, j - offset], g: 0 } : null));
  return {
    n: length,
    arity: 2,
    tables: [table],
    features,
    threshold: 1,
    tokenValue: { "0": -1, "1": 1, "|": 1 },
    labels,
    ...(options.selfByResidual && { selfByResidual: true }),
  };
}

/** A construction from an instance of the halves: build the task, plan, weights, and report both sizes. */
export function halvesConstruction(
  name: ConstructionName,
  theorem: string,
  description: string,
  make: (n: number, options: ConstructionOptions) => { task: Task; instance: ThresholdInstance },
  paper: (n: number) => Record<string, number | string>,
  takes: readonly (keyof TaskOptions)[],
): Construction {
  const checkN = (n: number) => {
    if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) throw new RangeError(`${name} needs an even N >= 2, got ${n}`);
  };
  return {
    name,
    theorem,
    description,
    takes,
    maxN: TWO_LAYER_MAX_N,
    build(n, options = {}): BuiltConstruction {
      checkN(n);
      const { task, instance } = make(n, options);
      const plan = thresholdPlan(instance, options);
      const spec = thresholdSpec(instance, plan, task.vocab, {
        name: `${name}-N${n}`,
        description: `${description}, N = ${n} (${plan.code.kind} code, k = ${plan.code.k}); built by ccbound construct`,
      });
      return {
        name,
        theorem,
        task,
        spec,
        size: measuredSize(spec),
        parameters: {
          code: plan.code.kind,
          k: plan.code.k,
          ...plan.code.recipe,
          eta: plan.w * plan.code.k,
          format: plan.format,
          "heads in layer 1": plan.heads,
          "uniform weight a0": plan.a0,
        },
        paper: paper(n),
      };
    },
    size(n, options = {}) {
      checkN(n);
      const { task, instance } = make(n, options);
      return thresholdSize(instance, thresholdPlan(instance, options, false), task.vocab.length);
    },
  };
}

/** Theorem 13's first instance, INEQ = [some x_j != x_{j - N/2}], with its k = 2 heads. */
export const thresholdConstruction: Construction = halvesConstruction(
  "threshold",
  "thm13",
  "Theorem 13 (THRES_{2,N}, the INEQ instance): two layers, k = 2 heads",
  (n, options) => {
    const task = equality(n, { ineq: true, ...(options.task?.separator && { separator: true }) });
    return {
      task,
      instance: halvesInstance(
        n,
        XOR_TABLE,
        { below: "0", atOrAbove: "1" },
        { separator: options.task?.separator ?? false },
      ),
    };
  },
  paperTwoLayer(2),
  ["separator"],
);

/** The paper's sizes for its two-layer constructions: m, p = O(log N), H heads, total O((log N)^3). */
export function paperTwoLayer(heads: number): (n: number) => Record<string, number | string> {
  return (n) => ({
    width: "O(log N)",
    precision: "O(log N)",
    heads,
    layers: 2,
    "total bits": `O((log N)^3) = ${Math.ceil(Math.log2(n)) ** 3} x const`,
  });
}
