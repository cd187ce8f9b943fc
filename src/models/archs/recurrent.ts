/**
 * `arch: "recurrent"`: an embedding (optionally plus position embeddings), a stack of recurrent layers of any
 * registered cell (src/models/cells/), and a linear head on the last layer's h after the last token.
 */
import * as z from "zod";
import { parseFormat } from "../../numeric/parse.js";
import { Rng } from "../../random.js";
import { CELLS, cellNamed, cellOf, type RecurrentLayer } from "../cells/index.js";
import { checkFinalNorm, finalNormInFormat, finalNormSchema, randomFinalNorm, type FinalNorm } from "../final-norm.js";
import { modelFile, formatName, header, linearHead, names, tokenMatrix, type Same } from "../file-schema.js";
import { compileRnn } from "../rnn.js";
import {
  asArray,
  asPositiveInt,
  asRecord,
  checkEmbedding,
  checkHead,
  checkMatrix,
  type Dim,
  type Path,
  type Report,
} from "../shapes.js";
import type { Matrix, Vector } from "../spec.js";
import type { ArchKind, ModelHeader } from "./arch.js";

export interface RecurrentModelSpec extends ModelHeader {
  arch: "recurrent";
  /** Number format name, see parseFormat. */
  format: string;
  embedding: Matrix; // vocab x d
  /**
   * Optional position embeddings (maxLength x d), added to the token's embedding at each step; the model then takes
   * at most maxLength tokens. The paper's lower bounds hold even with arbitrary ones (Sec. 2).
   */
  positionEmbedding?: Matrix;
  layers: RecurrentLayer[];
  /** A norm of the last layer's output before the head (Mamba's norm_f); absent: the head reads it as it is. */
  finalNorm?: FinalNorm;
  head: { weight: Matrix; bias: Vector }; // labels x hidden(last layer), labels
}

/** A layer of any registered cell, told apart by `cell`. */
const layerSchema = z.discriminatedUnion(
  "cell",
  CELLS.map((c) => c.schema) as unknown as [z.ZodType<RecurrentLayer> & z.core.$ZodTypeDiscriminable],
) as unknown as z.ZodType<RecurrentLayer>;

const fileSchema = modelFile(
  {
    ...header,
    arch: z.literal("recurrent"),
    format: formatName.describe('number format name, e.g. "float32", "bfloat16", "fixed:1.2"'),
    ...names,
    embedding: tokenMatrix.describe("vocab x d"),
    positionEmbedding: tokenMatrix
      .optional()
      .describe("maxLength x d: added to the token's embedding at each position"),
    layers: z.array(layerSchema).min(1),
    finalNorm: finalNormSchema.optional(),
    head: linearHead("hidden of the last layer"),
  },
  checkShapes,
);

// Compile-time proof that the schema and the type describe the same objects, both ways.
const schemaMatchesType: Same<z.output<typeof fileSchema>, RecurrentModelSpec> = true;
void schemaMatchesType;

/** Embedding d wide; every layer's tensors fit its input width (d, then the previous layer's hidden); the head fits. */
function checkShapes(m: Readonly<Record<string, unknown>>, report: Report): void {
  const d = checkEmbedding(m, "embedding", report);
  if (d) checkMatrix(m["positionEmbedding"], ["positionEmbedding"], undefined, d, report);
  let input = d;
  const layers = asArray(m["layers"]) ?? [];
  layers.forEach((layer, i) => {
    input = checkLayer(layer, ["layers", i], input, report);
  });
  if (layers.length === 0) input = undefined; // no layers is reported by the schema; the head has nothing to match
  checkFinalNorm(m["finalNorm"], ["finalNorm"], input, report);
  checkHead(m, input, report);
}

/** Checks one layer against its input width (its cell's tensors, when the cell is known); returns its hidden. */
function checkLayer(value: unknown, path: Path, input: Dim | undefined, report: Report): Dim | undefined {
  const layer = asRecord(value);
  if (!layer) return undefined;
  const h = asPositiveInt(layer["hidden"]);
  const hidden = h === undefined ? undefined : { n: h, why: `hidden ${h}` };
  const field = (key: string): Dim | undefined => {
    const n = asPositiveInt(layer[key]);
    return n === undefined ? undefined : { n, why: `${key} ${n}` };
  };
  cellNamed(layer["cell"])?.checkShapes(layer, path, { hidden, input, field }, report);
  return h === undefined ? undefined : { n: h, why: `hidden ${h} of layer ${String(path.at(-1))}` };
}

function describe(spec: RecurrentModelSpec): string {
  const cells = spec.layers.map((l) => cellOf(l).label(l));
  const same = cells.every((c) => c === cells[0]);
  const layers = same ? `${cells[0]}${cells.length > 1 ? ` x${cells.length}` : ""}` : cells.join("/");
  const positions = spec.positionEmbedding ? `, ${spec.positionEmbedding.length} positions` : "";
  const norm = spec.finalNorm ? `, final ${spec.finalNorm.norm} norm` : "";
  return `${layers}, hidden ${spec.layers.map((l) => l.hidden).join("/")}${positions}${norm}, ${spec.format}`;
}

export const recurrent: ArchKind<RecurrentModelSpec> = {
  name: "recurrent",
  about: "a recurrent model: embedding, a stack of recurrent cells, a linear head on the last state",
  noun: "a recurrent model",
  schema: fileSchema,
  compile: compileRnn,
  inFormat(spec, format) {
    const round = (m: Matrix) => m.map((row) => row.map(format.round));
    return {
      ...spec,
      format: format.name,
      embedding: round(spec.embedding),
      ...(spec.positionEmbedding && { positionEmbedding: round(spec.positionEmbedding) }),
      layers: spec.layers.map((l) => cellOf(l).inFormat(l, format.round)),
      ...(spec.finalNorm && { finalNorm: finalNormInFormat(spec.finalNorm, format.round) }),
      head: { weight: round(spec.head.weight), bias: spec.head.bias.map(format.round) },
    };
  },
  describe,
  randomKinds: CELLS.map((c) => ({ name: c.name, about: c.about })),
  /**
   * Weights uniform in [-k, k] with PyTorch's k = 1/sqrt(hidden), the embedding uniform in [-1, 1], all rounded to
   * the format so the file holds exactly the values the model computes with. Drawn in the order layers, embedding,
   * head, then position embeddings (last, so that other weights keep the seed's values).
   */
  random(o) {
    const rng = new Rng(o.seed);
    const round = parseFormat(o.format).round;
    const k = 1 / Math.sqrt(o.hidden);
    const uniform = () => round((2 * rng.float() - 1) * k);
    const vec = (n: number): Vector => Array.from({ length: n }, uniform);
    const mat = (r: number, c: number): Matrix => Array.from({ length: r }, () => vec(c));
    const cell = cellNamed(o.kind) ?? unknownKind(o.kind);
    const d = o.embed ?? o.hidden;
    const layers: RecurrentLayer[] = [];
    let input = d;
    for (let l = 0; l < (o.layers ?? 1); l++) {
      layers.push(cell.random(o.hidden, input, uniform, o) as RecurrentLayer);
      input = o.hidden;
    }
    const spec: RecurrentModelSpec = {
      ccbound: "model",
      version: 1,
      name: `random ${o.kind} hidden=${o.hidden} ${o.format} seed=${o.seed}`,
      vocab: [...o.vocab],
      labels: [...o.labels],
      arch: "recurrent",
      format: parseFormat(o.format).name,
      embedding: Array.from({ length: o.vocab.length }, () =>
        Array.from({ length: d }, () => round(2 * rng.float() - 1)),
      ),
      layers,
      head: { weight: mat(o.labels.length, o.hidden), bias: vec(o.labels.length) },
    };
    if (o.positions !== undefined)
      spec.positionEmbedding = Array.from({ length: o.positions }, () =>
        Array.from({ length: d }, () => round(2 * rng.float() - 1)),
      );
    // After the position embeddings' draws, so that every other weight keeps the seed's values.
    if (cell.finalNorm) spec.finalNorm = randomFinalNorm(cell.finalNorm, o.hidden, uniform, round);
    return spec;
  },
  randomNumbers(o) {
    const cell = cellNamed(o.kind) ?? unknownKind(o.kind);
    const d = o.embed ?? o.hidden;
    let numbers = o.vocab.length * d + (o.positions ?? 0) * d + o.labels.length * (o.hidden + 1);
    for (let l = 0; l < (o.layers ?? 1); l++) numbers += cell.parameterCount(o.hidden, l === 0 ? d : o.hidden, o);
    if (cell.finalNorm) numbers += (cell.finalNorm === "rms" ? 1 : 2) * o.hidden + 1;
    return numbers;
  },
};

function unknownKind(kind: string): never {
  throw new RangeError(`no recurrent cell named ${JSON.stringify(kind)}`);
}
