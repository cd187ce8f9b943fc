/**
 * nn.TransformerEncoderLayer (torch 1.13, torch/nn/modules/transformer.py and F.multi_head_attention_forward in
 * torch/nn/functional.py), the Python path a call with a `mask` takes:
 *   norm_first: x = x + sa(norm1(x)); x = x + ff(norm2(x))      else: x = norm1(x + sa(x)); x = norm2(x + ff(x))
 *   sa(a) = out_proj(heads), q|k|v = in_proj(a) (in_proj_weight's rows q | k | v), q = q / sqrt(head_dim) before
 *   the dot product (`q_scaled = q / math.sqrt(E)`: one rounding of each coordinate by sqrt(E) rounded to the format),
 *   ff(a) = linear2(activation(linear1(a))), activation relu or gelu (erf GELU, F.gelu's default; Arith.gelu).
 * ccbound always runs it causally (the mask nn.Transformer.generate_square_subsequent_mask(n) gives); the last
 * position, all a one-layer model's output reads, sees every position either way. Dropout is off (evaluation).
 * What the weights cannot say (nhead, norm_first, activation, eps) comes from the file's settings.
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
  type Affine,
  type PackedParts,
  type PartNames,
} from "./packed.js";

export interface TorchEncoderLayer {
  block: "torch-encoder";
  /** nhead: the heads split d, each d / heads wide. */
  headCount: number;
  normFirst: boolean;
  activation: "relu" | "gelu";
  /** self_attn.in_proj_weight / in_proj_bias: 3d x d, rows q | k | v. */
  inProj: Affine;
  outProj: Affine;
  linear1: Affine;
  linear2: Affine;
  norm1: LayerNorm;
  norm2: LayerNorm;
}

const affine = (rows: string, cols: string, what: string) =>
  z.strictObject({ weight: matrix.describe(`${rows} x ${cols}: ${what}`), bias: vector.describe(rows) });

const schema = z.strictObject({
  block: z.literal("torch-encoder"),
  headCount: z.number().int().min(1).max(MAX_DIM).describe("nhead; each head is d / heads wide"),
  normFirst: z.boolean().describe("norm_first: layer norms before attention and the FFN, else after each residual"),
  activation: z.enum(["relu", "gelu"]).describe("the FFN's activation; gelu is the erf GELU"),
  inProj: affine("3d", "d", "self_attn.in_proj_weight, rows q | k | v"),
  outProj: affine("d", "d", "self_attn.out_proj"),
  linear1: affine("f", "d", "linear1"),
  linear2: affine("d", "f", "linear2"),
  norm1: layerNormSchema.describe("norm1"),
  norm2: layerNormSchema.describe("norm2"),
});

// Compile-time proof that the schema and the type describe the same objects, both ways.
const schemaMatchesType: Same<z.output<typeof schema>, TorchEncoderLayer> = true;
void schemaMatchesType;

const PARTS: PartNames = {
  qkv: "inProj",
  out: "outProj",
  fc: "linear1",
  proj: "linear2",
  norm1: "norm1",
  norm2: "norm2",
};

const parts = (l: TorchEncoderLayer): PackedParts => ({
  heads: l.headCount,
  qkv: l.inProj,
  out: l.outProj,
  fc: l.linear1,
  proj: l.linear2,
  norm1: l.norm1,
  norm2: l.norm2,
});

const fromParts = (p: PackedParts, l: Pick<TorchEncoderLayer, "normFirst" | "activation">): TorchEncoderLayer => ({
  block: "torch-encoder",
  headCount: p.heads,
  normFirst: l.normFirst,
  activation: l.activation,
  inProj: p.qkv,
  outProj: p.out,
  linear1: p.fc,
  linear2: p.proj,
  norm1: p.norm1,
  norm2: p.norm2,
});

/** The encoder's layer l in a module that holds nn.TransformerEncoder as `encoder` (docs/pytorch.md). */
const at = (l: number) => `encoder.layers.${l}`;

function readLinear(r: TensorSource, module: string, rows: number | undefined, cols: number, why: string): Affine {
  const weight = r.matrix(`${module}.weight`, rows, cols, why);
  return {
    weight,
    bias: r.optionalVector(`${module}.bias`, weight.length, `the rows of "${r.name(`${module}.weight`)}"`),
  };
}

/** An nn.LayerNorm; without a bias (`bias=False`, torch 2.1 and later) its bias is zeros. */
function readNorm(r: TensorSource, module: string, d: number, width: string): LayerNorm {
  return {
    weight: r.vector(`${module}.weight`, d, width),
    bias: r.optionalVector(`${module}.bias`, d, width),
    eps: r.normEps(module),
  };
}

function readLayer(r: TensorSource, l: number, d: number, width: string): TorchEncoderLayer {
  const heads = r.setting("heads");
  if (heads === undefined)
    r.fail(`the number of heads (nhead) is not in the tensors: give "ccbound.heads" (in a sidecar or the metadata)`);
  if (d % heads !== 0) r.fail(`"ccbound.heads" is ${heads}, which does not divide ${width}`);
  const p = `${at(l)}.`;
  const weight = r.matrix(`${p}self_attn.in_proj_weight`, 3 * d, d, `${width}; rows q | k | v, 3d`);
  const inProj = {
    weight,
    bias: r.optionalVector(
      `${p}self_attn.in_proj_bias`,
      3 * d,
      `3d, the rows of "${r.name(`${p}self_attn.in_proj_weight`)}"`,
    ),
  };
  const linear1 = readLinear(r, `${p}linear1`, undefined, d, width);
  const f = linear1.weight.length;
  return {
    block: "torch-encoder",
    headCount: heads,
    normFirst: r.setting("normFirst") ?? false,
    activation: r.setting("activation") ?? "relu",
    inProj,
    outProj: readLinear(r, `${p}self_attn.out_proj`, d, d, width),
    linear1,
    linear2: readLinear(r, `${p}linear2`, d, f, `${width}; f = ${f}, the rows of "${r.name(`${p}linear1.weight`)}"`),
    norm1: readNorm(r, `${p}norm1`, d, width),
    norm2: readNorm(r, `${p}norm2`, d, width),
  };
}

/** nn.TransformerEncoderLayer's state_dict order: self_attn (in_proj, out_proj), linear1, linear2, norm1, norm2. */
function writeLayer(layer: TorchEncoderLayer, l: number): StateTensor[] {
  const p = `${at(l)}.`;
  const lin = (a: Affine, module: string) => [
    stateMatrix(`${p}${module}.weight`, a.weight),
    stateVector(`${p}${module}.bias`, a.bias),
  ];
  const norm = (n: LayerNorm, module: string) => [
    stateVector(`${p}${module}.weight`, n.weight),
    stateVector(`${p}${module}.bias`, n.bias),
  ];
  return [
    stateMatrix(`${p}self_attn.in_proj_weight`, layer.inProj.weight),
    stateVector(`${p}self_attn.in_proj_bias`, layer.inProj.bias),
    ...lin(layer.outProj, "self_attn.out_proj"),
    ...lin(layer.linear1, "linear1"),
    ...lin(layer.linear2, "linear2"),
    ...norm(layer.norm1, "norm1"),
    ...norm(layer.norm2, "norm2"),
  ];
}

export const torchEncoder: BlockKind<TorchEncoderLayer> = {
  name: "torch-encoder",
  about: "nn.TransformerEncoderLayer: in_proj q|k|v, q / sqrt(head_dim), out_proj, relu or gelu FFN, norm_first or not",
  schema,
  checkShapes: (layer, path, d, report) => checkPackedShapes(layer, PARTS, path, d, report),
  compile: (layer, d, arith, sums) =>
    compilePacked(
      "torch-encoder",
      parts(layer),
      { normFirst: layer.normFirst, activation: layer.activation, scaling: "query" },
      d,
      arith,
      sums,
    ),
  parameters: (layer) => packedParameters(parts(layer)),
  parameterCount: ({ d, ffn }) => packedCount(d, ffn),
  inFormat: (layer, round) => fromParts(roundedParts(parts(layer), round), layer),
  random: (o) =>
    fromParts(randomParts(o, "torch-encoder"), {
      normFirst: o.normFirst ?? false,
      activation: o.activation ?? "relu",
    }),
  describe: (layers) => {
    const l = layers[0];
    const m = l ? l.norm1.weight.length / l.headCount : 0;
    const how = l ? `${l.normFirst ? "norm first" : "post-norm"}, ${l.activation}` : "";
    return `torch-encoder (${how}), m ${m}, heads ${layers.map((x) => x.headCount).join("/")}`;
  },
  alwaysCausal: true,
  torch: {
    tokenEmbedding: "embed.weight",
    positionEmbedding: "pos_embed.weight",
    head: "head",
    finalNorm: "encoder.norm",
    marker: (l) => `${at(l)}.self_attn.in_proj_weight`,
    readLayer,
    writeLayer,
    norms: (layer, l) => [
      { module: `${at(l)}.norm1`, eps: layer.norm1.eps },
      { module: `${at(l)}.norm2`, eps: layer.norm2.eps },
    ],
    settings: ["heads", "normFirst", "activation"],
    settingsOf: (layers) => ({
      heads: layers[0]!.headCount,
      normFirst: layers[0]!.normFirst,
      activation: layers[0]!.activation,
    }),
  },
};
