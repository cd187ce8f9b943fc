/**
 * `arch: "transformer"`: token and absolute position embeddings, layers of any registered block
 * (src/models/blocks/), and a linear head read at the last position.
 */
import * as z from "zod";
import { fail } from "../../errors.js";
import { BLOCKS, blockIn, blockOf, layerSchema, type TransformerLayer } from "../blocks/index.js";
import { checkLayerNorm, layerNormSchema, type LayerNorm } from "../blocks/layer-norm.js";
import { modelFile, formatName, header, linearHead, names, tokenMatrix, type Same } from "../file-schema.js";
import { randomTransformer } from "../random-transformer.js";
import { asArray, asRecord, checkEmbedding, checkHead, checkMatrix, type Report } from "../shapes.js";
import type { Matrix, Vector } from "../spec.js";
import { compileTransformer } from "../transformer.js";
import type { ArchKind, ModelHeader } from "./arch.js";

/**
 * A Transformer as in the paper: token plus absolute position embeddings, L layers of H heads, a linear head read at
 * the last position. `causal` masks attention to earlier positions (it makes no difference to the last position).
 */
export interface TransformerModelSpec extends ModelHeader {
  arch: "transformer";
  format: string;
  tokenEmbedding: Matrix; // vocab x d
  positionEmbedding: Matrix; // maxLength x d: inputs are at most this long
  causal: boolean;
  layers: TransformerLayer[];
  /** A layer norm after the last layer, read before the head: GPT-2's ln_f, nn.TransformerEncoder's norm. */
  finalNorm?: LayerNorm;
  head: { weight: Matrix; bias: Vector }; // labels x d, labels
}

const fileSchema = modelFile(
  {
    ...header,
    arch: z.literal("transformer"),
    format: formatName.describe('number format name, e.g. "float32", "fixed:8.8"'),
    ...names,
    tokenEmbedding: tokenMatrix.describe("vocab x d"),
    positionEmbedding: tokenMatrix.describe("maxLength x d: one row per position; inputs are at most maxLength tokens"),
    causal: z.boolean().describe("attend only to earlier positions (the last position sees all either way)"),
    layers: z.array(layerSchema).min(1).max(64),
    finalNorm: layerNormSchema
      .optional()
      .describe("layer norm after the last layer, before the head (GPT-2's ln_f, nn.TransformerEncoder's norm)"),
    head: linearHead("d"),
  },
  checkShapes,
);

// Compile-time proof that the schema and the type describe the same objects, both ways.
const schemaMatchesType: Same<z.output<typeof fileSchema>, TransformerModelSpec> = true;
void schemaMatchesType;

/** Embeddings d wide, each layer as its block checks it against d, the head labels x d. */
function checkShapes(t: Readonly<Record<string, unknown>>, report: Report): void {
  const d = checkEmbedding(t, "tokenEmbedding", report);
  checkMatrix(t["positionEmbedding"], ["positionEmbedding"], undefined, d, report);
  if (asArray(t["positionEmbedding"])?.length === 0)
    report(["positionEmbedding"], "has no rows: the model must take at least one position");
  asArray(t["layers"])?.forEach((value, i) => {
    const layer = asRecord(value);
    const block = layer && blockIn(layer);
    if (!layer || !block) return;
    block.checkShapes(layer, ["layers", i], d, report);
    if (block.alwaysCausal && t["causal"] === false)
      report(["causal"], `is false, but layer ${i} is a ${block.name} block, which ccbound runs causally`);
  });
  checkLayerNorm(t["finalNorm"], ["finalNorm"], d, report);
  checkHead(t, d, report);
}

function randomOptions(o: Parameters<ArchKind<TransformerModelSpec>["random"]>[0]) {
  const maxLength =
    o.maxLength ?? fail("invalid-flag", "a transformer with --vocab needs --max-length", "--max-length");
  return {
    width: o.hidden,
    heads: o.heads ?? 1,
    layers: o.layers ?? 1,
    maxLength,
    format: o.format,
    vocab: o.vocab,
    labels: o.labels,
    seed: o.seed,
    ...(o.headWidth !== undefined && { headWidth: o.headWidth }),
    ...(o.ffn !== undefined && { ffn: o.ffn }),
    ...(o.causal !== undefined && { causal: o.causal }),
    ...(o.layerNorm && { layerNorm: true }),
    ...(o.normFirst !== undefined && { normFirst: o.normFirst }),
    ...(o.activation !== undefined && { activation: o.activation }),
    block: blockOfKind(o.kind).name,
  };
}

/** `random-model --arch transformer` is the paper's layer; every other block is `--arch <its name>`. */
const kindOf = (block: (typeof BLOCKS)[number]) => (block === BLOCKS[0] ? "transformer" : block.name);
const blockOfKind = (kind: string) => BLOCKS.find((b) => kindOf(b) === kind) ?? BLOCKS[0];

function roundedNorm(n: LayerNorm, round: (x: number) => number): LayerNorm {
  return { weight: n.weight.map(round), bias: n.bias.map(round), eps: round(n.eps) };
}

export const transformer: ArchKind<TransformerModelSpec> = {
  name: "transformer",
  about: "a Transformer: token and position embeddings, layers of attention heads, a linear head at the last position",
  noun: "a Transformer",
  schema: fileSchema,
  compile: compileTransformer,
  inFormat(spec, format) {
    const round = (m: Matrix) => m.map((row) => row.map(format.round));
    return {
      ...spec,
      format: format.name,
      tokenEmbedding: round(spec.tokenEmbedding),
      positionEmbedding: round(spec.positionEmbedding),
      layers: spec.layers.map((l) => blockOf(l).inFormat(l, format.round)),
      ...(spec.finalNorm && { finalNorm: roundedNorm(spec.finalNorm, format.round) }),
      head: { weight: round(spec.head.weight), bias: spec.head.bias.map(format.round) },
    };
  },
  describe(spec) {
    const layers = `${spec.layers.length} layer${spec.layers.length > 1 ? "s" : ""}`;
    const kind = blockOf(spec.layers[0]!);
    return `transformer, ${layers}, d ${spec.tokenEmbedding[0]?.length ?? 0}, ${kind.describe(spec.layers)}, ${spec.format}`;
  },
  randomKinds: BLOCKS.map((b) => ({
    name: kindOf(b),
    about:
      b === BLOCKS[0]
        ? "a random Transformer of the paper's layers, width --hidden"
        : `a random Transformer of ${b.name} blocks (${b.about}), width --hidden`,
  })),
  random: (o) => randomTransformer(randomOptions(o)),
  randomNumbers(o) {
    const { width: d, heads, layers, maxLength } = randomOptions(o);
    const perLayer = blockOfKind(o.kind).parameterCount({
      d,
      m: o.headWidth ?? d,
      heads,
      ffn: o.ffn ?? 2 * d,
      layerNorm: o.layerNorm ?? false,
    });
    const finalNorm = blockOfKind(o.kind).torch.finalNorm !== undefined ? 2 * d + 1 : 0;
    return (o.vocab.length + maxLength) * d + layers * perLayer + finalNorm + o.labels.length * (d + 1);
  },
};
