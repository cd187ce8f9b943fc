import { fail } from "../errors.js";
import { arithFor, type Arith } from "../numeric/arith.js";
import { matVecKernel } from "../numeric/matvec-kernel.js";
import { parseFormat } from "../numeric/parse.js";
import type { Cell } from "./cells/cell.js";
import { cellOf } from "./cells/index.js";
import { argmax, type RecurrentModel } from "./model.js";
import type { RecurrentModelSpec } from "./archs/recurrent.js";
import { compileFinalNorm, finalNormParameters } from "./final-norm.js";
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
  // Where each layer writes its output: in its state (h), or past the whole state for a cell whose output is not
  // state, in layer order, so that the last layer's output, if apart, is the end of the buffer.
  const outputs: number[] = [];
  let outputUnits = 0;
  for (let l = 0; l < cells.length; l++) {
    if (cells[l]!.output !== "apart") outputs.push(offsets[l]!);
    else {
      outputs.push(units + outputUnits);
      outputUnits += cells[l]!.hidden;
    }
  }
  const last = cells.length - 1;
  const lastHidden = inputSize;
  const lastOffset = outputs[last]!;
  const labels = spec.labels.length;
  const headW = flatten(spec.head.weight, labels, lastHidden, arith.round);
  const headB = roundedVector(spec.head.bias, arith.round);
  // The head through the prepared product (the WebAssembly kernel for binary32, the same bits as Arith.matVec): a
  // search's every query ends in a readout, which as a plain loop cost about as much as a whole step at hidden 64.
  const head = matVecKernel(arith, headW, labels, lastHidden, headB);
  const norm = spec.finalNorm && compileFinalNorm(spec.finalNorm, lastHidden, arith);
  const logits = (state: Float64Array) => {
    if (norm) head.apply(norm(state, lastOffset), 0);
    else head.apply(state, lastOffset);
    return head.out;
  };

  const stateParts = partsOf(cells);
  return {
    kind: "recurrent",
    ...(stateParts && { stateParts }),
    vocab: spec.vocab,
    labels: spec.labels,
    stateUnits: units,
    outputUnits,
    readoutUnits: cells[last]!.output === "apart" ? lastHidden : 0,
    unitBits: format.bits,
    formatName: format.name,
    parameterBits: countParameters(spec) * format.bits,
    newState: () => new Float64Array(units + outputUnits),
    step(state, token, position) {
      // Layer l reads layer l-1's new output, in the state buffer or past it: the stack runs bottom-up within one
      // time step.
      const offset = input.at(token, position);
      cells[0]!.step(state, offsets[0]!, input.buffer, offset, outputs[0]!, position);
      for (let l = 1; l < cells.length; l++)
        cells[l]!.step(state, offsets[l]!, state, outputs[l - 1]!, outputs[l]!, position);
    },
    readout: (state) => argmax(logits(state)),
    logits,
    encodeUnit: (v) => format.encode(v),
    decodeUnit: (c) => format.decode(c),
    dynamics: {
      // Position embeddings make the step read the position; without them it is one map per token.
      timeInvariant: spec.positionEmbedding === undefined && !cells.some((c) => c.readsPosition),
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

/** The state's parts summed by name over the layers, in the order they first appear; none when no cell names any. */
function partsOf(cells: readonly Cell[]): { name: string; units: number }[] | undefined {
  if (cells.every((c) => c.parts === undefined)) return undefined;
  const units = new Map<string, number>();
  for (const c of cells)
    for (const p of c.parts ?? [{ name: "hidden state", units: c.units }])
      units.set(p.name, (units.get(p.name) ?? 0) + p.units);
  return [...units].map(([name, n]) => ({ name, units: n }));
}

/** Numbers in every parameter: embeddings, each layer's tensors (as its cell counts them), the head. */
function countParameters(spec: RecurrentModelSpec): number {
  const size = (m: readonly (readonly number[])[]) => m.reduce((s, row) => s + row.length, 0);
  let total =
    size(spec.embedding) +
    size(spec.positionEmbedding ?? []) +
    size(spec.head.weight) +
    spec.head.bias.length +
    finalNormParameters(spec.finalNorm);
  for (const layer of spec.layers) total += cellOf(layer).parameters(layer);
  return total;
}
