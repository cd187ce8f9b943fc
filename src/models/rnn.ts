import { fail } from "../errors.js";
import { arithFor, type Arith } from "../numeric/arith.js";
import { parseFormat } from "../numeric/parse.js";
import type { Cell } from "./cells/cell.js";
import { cellOf } from "./cells/index.js";
import { argmax, type RecurrentModel } from "./model.js";
import type { RecurrentModelSpec } from "./archs/recurrent.js";
import { flatten, roundedVector } from "./tensors.js";

/** Compile a recurrent model file (embedding -> stacked cells -> linear head) into a runnable model. */
export function compileRnn(spec: RecurrentModelSpec): RecurrentModel {
  const format = parseFormat(spec.format);
  const arith = arithFor(format);
  const d = spec.embedding[0]?.length ?? 0;
  const embedding = flatten(spec.embedding, spec.vocab.length, d, arith.round);
  const input = inputOf(spec, d, embedding, arith);

  const cells: Cell[] = [];
  const offsets: number[] = [];
  let units = 0;
  let inputSize = d;
  for (const layer of spec.layers) {
    const cell = cellOf(layer).compile(layer, inputSize, arith);
    cells.push(cell);
    offsets.push(units);
    units += cell.units;
    inputSize = cell.hidden;
  }
  const last = cells.length - 1;
  const lastHidden = inputSize;
  const lastOffset = offsets[last]!;
  const labels = spec.labels.length;
  const headW = flatten(spec.head.weight, labels, lastHidden, arith.round);
  const headB = roundedVector(spec.head.bias, arith.round);
  const logitBuf = new Float64Array(labels);
  const logits = (state: Float64Array) => {
    arith.matVec(headW, labels, lastHidden, state, headB, logitBuf, 0, lastOffset);
    return logitBuf;
  };

  return {
    kind: "recurrent",
    vocab: spec.vocab,
    labels: spec.labels,
    stateUnits: units,
    unitBits: format.bits,
    formatName: format.name,
    parameterBits: countParameters(spec) * format.bits,
    newState: () => new Float64Array(units),
    step(state, token, position) {
      // Layer l reads layer l-1's new h from the state buffer: the stack runs bottom-up within one time step.
      const offset = input.at(token, position);
      cells[0]!.step(state, offsets[0]!, input.buffer, offset);
      for (let l = 1; l < cells.length; l++) cells[l]!.step(state, offsets[l]!, state, offsets[l - 1]!);
    },
    readout: (state) => argmax(logits(state)),
    logits,
    encodeUnit: (v) => format.encode(v),
    decodeUnit: (c) => format.decode(c),
    dynamics: {
      // Position embeddings make the step read the position; without them it is one map per token.
      timeInvariant: spec.positionEmbedding === undefined,
      layers: spec.layers.map((l, i) => ({
        cell: l.cell,
        ...(cells[i]!.diagonal && { diagonal: cells[i]!.diagonal }),
      })),
    },
  };
}

/**
 * Where the first layer reads its input: the token's embedding row, or with position embeddings the rounded sum
 * of the token's and the position's rows, written into one scratch row (no allocation per step).
 */
function inputOf(
  spec: RecurrentModelSpec,
  d: number,
  embedding: Float64Array,
  arith: Arith,
): { buffer: Float64Array; at(token: number, position: number): number } {
  if (spec.positionEmbedding === undefined) return { buffer: embedding, at: (token) => token * d };
  const maxLength = spec.positionEmbedding.length;
  const positions = flatten(spec.positionEmbedding, maxLength, d, arith.round);
  const row = new Float64Array(d);
  return {
    buffer: row,
    at(token, position) {
      if (!(position >= 0 && position < maxLength))
        fail(
          "invalid-input",
          `the model takes at most ${maxLength} tokens (its position embeddings); position ${position + 1} is past them`,
        );
      for (let c = 0; c < d; c++) row[c] = arith.add(embedding[token * d + c]!, positions[position * d + c]!);
      return 0;
    },
  };
}

/** Numbers in every parameter: embeddings, each layer's tensors (as its cell counts them), the head. */
function countParameters(spec: RecurrentModelSpec): number {
  const size = (m: readonly (readonly number[])[]) => m.reduce((s, row) => s + row.length, 0);
  let total =
    size(spec.embedding) + size(spec.positionEmbedding ?? []) + size(spec.head.weight) + spec.head.bias.length;
  for (const layer of spec.layers) total += cellOf(layer).parameters(layer);
  return total;
}
