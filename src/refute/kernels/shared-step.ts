import { compiledGates } from "../../models/cells/gated.js";
import type { RecurrentModel } from "../../models/model.js";
import type { RecurrentModelSpec } from "../../models/spec.js";
import { CHECKED, gatedStack, layerGates, stackInputs, type GatedLayer } from "./gates.js";

/*
 * Batched stepping for a search that steps many states at once: the dedup walk steps every prefix of a level, and
 * the children of one parent (its radix prefixes one symbol longer) start from one state. An Elman, LSTM or GRU
 * layer computes its input part W_ih x + b_ih and its hidden part W_hh h + b_hh as two matrix-vector products and
 * only then combines them (PyTorch's order, src/models/cells/gated.ts). So, per layer:
 * - the hidden part reads the layer's state alone: one product per parent, shared by all its children;
 * - the first layer's input part reads the token (and its position) alone: one product per token and position,
 *   shared by every state of the level;
 * - the rest (the input part of a higher layer, the gates) is per child.
 * Over a level that is one matrix-matrix product per layer (W_hh times the parents' states, W_ih times the level's
 * tokens), computed column by column through the cells' own prepared products (src/numeric/matvec-kernel.ts: the
 * WebAssembly kernel for float32, else the format's matVec), so every dot product keeps its order and
 * rounding (docs/semantics.md §3.1): each state is the model's own step's, bit for bit. The gate arithmetic is the
 * cells' own (lstmGates, gruGates; Elman's one activation). It is an optimisation, not a second definition: `sharedStepper` checks
 * itself against the model's own step on sample inputs (every child, bit for bit) and gives up on any difference.
 */

export interface SharedStepper {
  /** Takes a parent's state: the products that read it alone, computed once for all its children. */
  parent(state: Float64Array): void;
  /** Steps `state`, a copy of the last parent's, by token `id` at `position`, in place: the model's step exactly. */
  child(state: Float64Array, id: number, position: number): void;
}

interface Layer {
  readonly cell: "elman" | "lstm" | "gru";
  readonly relu: boolean;
  readonly hidden: number;
  readonly rows: number;
  readonly inputSize: number;
  readonly offset: number;
  readonly g: ReturnType<typeof compiledGates>;
  /** The hidden part W_hh h + b_hh of the current parent. */
  readonly gh: Float64Array;
}

/**
 * The shared stepper of an Elman, LSTM or GRU stack (any number format), or undefined for any other model or when
 * it differs from the model's own step on a sample input.
 */
export function sharedStepper(
  spec: RecurrentModelSpec | undefined,
  model: RecurrentModel,
  samples: readonly Int32Array[],
): SharedStepper | undefined {
  if (!gatedStack(spec, model)) return undefined;
  const stepper = build(spec, model);
  // The first CHECKED positions of the first samples: every later position runs the same code (a long cut's whole
  // samples would cost more steps than a small search).
  const checked = samples.slice(0, CHECKED).map((s) => s.subarray(0, CHECKED));
  return checked.every((tokens) => agrees(stepper, model, tokens)) ? stepper : undefined;
}

function build(spec: RecurrentModelSpec, model: RecurrentModel): SharedStepper {
  const { arith, d, embedding, positions, maxLength } = stackInputs(spec);
  const layers: Layer[] = [];
  let offset = 0;
  let inputSize = d;
  for (const l of spec.layers as GatedLayer[]) {
    const gates = l.cell === "lstm" ? 4 : l.cell === "gru" ? 3 : 1;
    const rows = gates * l.hidden;
    const g = compiledGates(l, rows, inputSize, arith);
    const relu = l.cell === "elman" && l.nonlinearity === "relu";
    layers.push({ cell: l.cell, relu, hidden: l.hidden, rows, inputSize, offset, g, gh: new Float64Array(rows) });
    offset += l.cell === "lstm" ? 2 * l.hidden : l.hidden;
    inputSize = l.hidden;
  }
  const first = layers[0]!;
  // The first layer's input part per token, at `cachedAt` (its position when the model has position embeddings).
  const inputPart = new Map<number, Float64Array>();
  let cachedAt = -1;
  const row = new Float64Array(d);
  const inputOf = (id: number, position: number): Float64Array => {
    const key = positions ? position : 0;
    if (key !== cachedAt) {
      inputPart.clear();
      cachedAt = key;
    }
    let gi = inputPart.get(id);
    if (gi === undefined) {
      gi = new Float64Array(first.rows);
      if (positions) {
        for (let c = 0; c < d; c++) row[c] = arith.add(embedding[id * d + c]!, positions[position * d + c]!);
        first.g.ih.apply(row, 0);
      } else first.g.ih.apply(embedding, id * d);
      gi.set(first.g.ih.out);
      inputPart.set(id, gi);
    }
    return gi;
  };
  return {
    parent(state) {
      for (const l of layers) {
        l.g.hh.apply(state, l.offset);
        l.gh.set(l.g.hh.out);
      }
    },
    child(state, id, position) {
      // Past the model's positions: its own step, which fails there in its own words.
      if (!(position < maxLength)) return model.step(state, id, position);
      for (let k = 0; k < layers.length; k++) {
        const l = layers[k]!;
        let gi: Float64Array;
        if (k === 0) gi = inputOf(id, position);
        else {
          // A higher layer reads the new output (h) of the one below, already stepped in this state.
          l.g.ih.apply(state, layers[k - 1]!.offset);
          gi = l.g.ih.out;
        }
        layerGates(arith, l, gi, l.gh, state, l.offset, l.g.pre);
      }
    },
  };
}

/**
 * Along each sample, every state's children by the sample's token and by another token, each equal bit for bit
 * (Object.is: +0 and -0 differ) to the model's own step from the same state.
 */
function agrees(shared: SharedStepper, model: RecurrentModel, tokens: Int32Array): boolean {
  const state = model.newState();
  const mine = model.newState();
  const theirs = model.newState();
  const vocab = model.vocab.length;
  for (let t = 0; t < tokens.length; t++) {
    shared.parent(state);
    for (const id of [tokens[t]!, (tokens[t]! + 1) % vocab]) {
      mine.set(state);
      theirs.set(state);
      shared.child(mine, id, t);
      model.step(theirs, id, t);
      for (let i = 0; i < mine.length; i++) if (!Object.is(mine[i], theirs[i])) return false;
    }
    model.step(state, tokens[t]!, t);
  }
  return true;
}
