/**
 * GPT-2's block (HF transformers GPT2Block, src/transformers/models/gpt2/modeling_gpt2.py at commit
 * c44b2d9976e8eafbdcb89cb2710141b2bc9b138f, its eager `_attn` path): pre-norm,
 *   a = ln_1(x); q|k|v = c_attn(a), split into heads; s_j = (q . k_j) / sqrt(d_head); causal softmax;
 *   h = x + c_proj([heads]); y = h + mlp.c_proj(gelu_new(mlp.c_fc(ln_2(h))))
 * with the division one rounding of round(dot) by sqrt(d_head) rounded to the format (attention.ts logitScale), and
 * gelu_new the tanh GELU, correctly rounded (Arith.geluTanh). Not covered: scale_attn_weights = False,
 * scale_attn_by_inverse_layer_idx and reorder_and_upcast_attn (config options GPT-2 itself does not use), dropout
 * (ccbound evaluates), cross-attention. Conv1D keeps its weight in x out; the file keeps nn.Linear's out x in, and the
 * PyTorch layout transposes on read and on write.
 */
import * as z from "zod";
import { MAX_DIM } from "../../limits.js";
import { matrix, vector, type Same } from "../file-schema.js";
import { stateMatrix, stateVector, type StateTensor, type TensorSource } from "../state-dict.js";
import type { BlockKind } from "./block.js";
import { layerNormSchema, type LayerNorm } from "./layer-norm.js";
import {
  checkPackedShapes,
  compilePacked,
  packedCount,
  packedParameters,
  randomParts,
  roundedParts,
  transposed,
  type Affine,
  type PackedParts,
  type PartNames,
} from "./packed.js";

export interface Gpt2Layer {
  block: "gpt2";
  /** n_head: the heads split d, each d / heads wide. */
  headCount: number;
  ln1: LayerNorm;
  /** attn.c_attn: 3d x d, rows q | k | v (the transpose of Conv1D's d x 3d). */
  attn: Affine;
  /** attn.c_proj: d x d. */
  attnProj: Affine;
  ln2: LayerNorm;
  /** mlp.c_fc: f x d; mlp.c_proj: d x f. */
  fc: Affine;
  proj: Affine;
}

const affine = (rows: string, cols: string, what: string) =>
  z.strictObject({
    weight: matrix.describe(`${rows} x ${cols}: ${what} (nn.Linear's out x in, the transpose of Conv1D's weight)`),
    bias: vector.describe(rows),
  });

const schema = z.strictObject({
  block: z.literal("gpt2"),
  headCount: z.number().int().min(1).max(MAX_DIM).describe("n_head; each head is d / heads wide"),
  ln1: layerNormSchema.describe("ln_1, before attention"),
  attn: affine("3d", "d", "attn.c_attn, rows q | k | v"),
  attnProj: affine("d", "d", "attn.c_proj"),
  ln2: layerNormSchema.describe("ln_2, before the MLP"),
  fc: affine("f", "d", "mlp.c_fc"),
  proj: affine("d", "f", "mlp.c_proj"),
});

// Compile-time proof that the schema and the type describe the same objects, both ways.
const schemaMatchesType: Same<z.output<typeof schema>, Gpt2Layer> = true;
void schemaMatchesType;

const PARTS: PartNames = { qkv: "attn", out: "attnProj", fc: "fc", proj: "proj", norm1: "ln1", norm2: "ln2" };

const parts = (l: Gpt2Layer): PackedParts => ({
  heads: l.headCount,
  qkv: l.attn,
  out: l.attnProj,
  fc: l.fc,
  proj: l.proj,
  norm1: l.ln1,
  norm2: l.ln2,
});

const fromParts = (p: PackedParts): Gpt2Layer => ({
  block: "gpt2",
  headCount: p.heads,
  ln1: p.norm1,
  attn: p.qkv,
  attnProj: p.out,
  ln2: p.norm2,
  fc: p.fc,
  proj: p.proj,
});

/** GPT2ForSequenceClassification's names (GPT2Model's under `transformer.`). */
const at = (l: number) => `transformer.h.${l}`;
const CONV1D = [
  ["attn", "attn.c_attn"],
  ["attnProj", "attn.c_proj"],
  ["fc", "mlp.c_fc"],
  ["proj", "mlp.c_proj"],
] as const;

/** A Conv1D: weight in x out (transposed here to out x in), bias out. */
function readConv1D(r: TensorSource, module: string, inputs: number, outputs: number | undefined, why: string): Affine {
  const stored = r.matrix(`${module}.weight`, inputs, outputs, `Conv1D keeps in x out; ${why}`);
  const out = stored[0]?.length ?? 0;
  return {
    weight: transposed(stored),
    bias: r.vector(`${module}.bias`, out, `the columns of "${r.name(`${module}.weight`)}"`),
  };
}

function readNorm(r: TensorSource, module: string, d: number, width: string): LayerNorm {
  return {
    weight: r.vector(`${module}.weight`, d, width),
    bias: r.vector(`${module}.bias`, d, width),
    eps: r.normEps(module),
  };
}

function readLayer(r: TensorSource, l: number, d: number, width: string): Gpt2Layer {
  const heads = r.setting("heads");
  if (heads === undefined)
    r.fail(
      `the number of heads (GPT2Config.n_head) is not in the tensors: give "ccbound.heads" (in a sidecar or the metadata)`,
    );
  if (d % heads !== 0) r.fail(`"ccbound.heads" is ${heads}, which does not divide ${width}`);
  const p = `${at(l)}.`;
  const attn = readConv1D(r, `${p}attn.c_attn`, d, 3 * d, `${width}, 3d columns (q | k | v)`);
  const attnProj = readConv1D(r, `${p}attn.c_proj`, d, d, width);
  const fc = readConv1D(r, `${p}mlp.c_fc`, d, undefined, width);
  const f = fc.bias.length;
  const proj = readConv1D(
    r,
    `${p}mlp.c_proj`,
    f,
    d,
    `${width}; f = ${f}, the columns of "${r.name(`${p}mlp.c_fc.weight`)}"`,
  );
  return {
    block: "gpt2",
    headCount: heads,
    ln1: readNorm(r, `${p}ln_1`, d, width),
    attn,
    attnProj,
    ln2: readNorm(r, `${p}ln_2`, d, width),
    fc,
    proj,
  };
}

/** GPT2Block's state_dict order: ln_1, attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj. */
function writeLayer(layer: Gpt2Layer, l: number): StateTensor[] {
  const p = `${at(l)}.`;
  const norm = (n: LayerNorm, module: string) => [
    stateVector(`${p}${module}.weight`, n.weight),
    stateVector(`${p}${module}.bias`, n.bias),
  ];
  const conv = ([key, module]: (typeof CONV1D)[number]) => [
    stateMatrix(`${p}${module}.weight`, transposed(layer[key].weight)),
    stateVector(`${p}${module}.bias`, layer[key].bias),
  ];
  return [
    ...norm(layer.ln1, "ln_1"),
    ...conv(CONV1D[0]),
    ...conv(CONV1D[1]),
    ...norm(layer.ln2, "ln_2"),
    ...conv(CONV1D[2]),
    ...conv(CONV1D[3]),
  ];
}

export const gpt2: BlockKind<Gpt2Layer> = {
  name: "gpt2",
  about: "GPT-2's block (HF GPT2Block): pre-norm, c_attn q|k|v, logits / sqrt(d_head), causal, gelu_new MLP",
  schema,
  checkShapes: (layer, path, d, report) => checkPackedShapes(layer, PARTS, path, d, report),
  compile: (layer, d, arith, sums) =>
    compilePacked(
      "gpt2",
      parts(layer),
      { normFirst: true, activation: "gelu_tanh", scaling: "logits" },
      d,
      arith,
      sums,
    ),
  parameters: (layer) => packedParameters(parts(layer)),
  parameterCount: ({ d, ffn }) => packedCount(d, ffn),
  inFormat: (layer, round) => fromParts(roundedParts(parts(layer), round)),
  random: (o) => fromParts(randomParts(o, "gpt2")),
  describe: (layers) => `gpt2, m ${layerWidth(layers[0])}, heads ${layers.map((l) => l.headCount).join("/")}`,
  alwaysCausal: true,
  torch: {
    tokenEmbedding: "transformer.wte.weight",
    positionEmbedding: "transformer.wpe.weight",
    head: "score",
    headBias: false,
    finalNorm: "transformer.ln_f",
    marker: (l) => `${at(l)}.attn.c_attn.weight`,
    readLayer,
    writeLayer,
    norms: (layer, l) => [
      { module: `${at(l)}.ln_1`, eps: layer.ln1.eps },
      { module: `${at(l)}.ln_2`, eps: layer.ln2.eps },
    ],
    settings: ["heads"],
    settingsOf: (layers) => ({ heads: layers[0]!.headCount }),
  },
};

function layerWidth(l: Gpt2Layer | undefined): number {
  return l ? l.ln1.weight.length / l.headCount : 0;
}
