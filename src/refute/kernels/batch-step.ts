import { compiledGates } from "../../models/cells/gated.js";
import type { RecurrentModel } from "../../models/model.js";
import type { RecurrentModelSpec } from "../../models/spec.js";
import { flatten, roundedVector } from "../../models/tensors.js";
import { matMatKernel, type MatMatKernel } from "../../numeric/matmat-kernel.js";
import { CHECKED, gatedStack, layerGates, stackInputs, type GatedLayer } from "./gates.js";

/*
 * A block of independent strings stepped together, position by position (the sampled search's strings, the
 * fooling set's elements): per layer, the hidden part W_hh h + b_hh of every entry is one matrix-matrix product
 * (src/numeric/matmat-kernel.ts: the WebAssembly kernel for binary32, which vectorises across batch entries and never
 * inside one sum, else the format's matVec once per entry), and so is a higher layer's input part W_ih h' + b_ih.
 * The first layer's input part reads the token alone (no position embeddings): it is computed once per token, by
 * the cell's own prepared product, and kept. The gate arithmetic is the cells' own (lstmGates, gruGates, Elman's
 * one activation), entry by entry. So every state is the model's own step's, bit for bit (docs/semantics.md §3.1);
 * `batchStepper` checks that on sample strings (every entry, every position checked) and gives up on any difference.
 */

export interface BatchStepper {
  /** Most entries of one batch. */
  readonly capacity: number;
  /** Values in one entry's state (the model's newState length). */
  readonly units: number;
  /** Entry e's state, a view of the batch's buffer (no copy): what step updates in place. */
  state(e: number): Float64Array;
  /** Entries 0 .. count - 1 set to h_0. */
  reset(count: number): void;
  /** Steps entry e (e < count) by token ids[e] at `position`, in place: the model's step exactly. */
  step(ids: Int32Array, count: number, position: number): void;
}

interface Layer {
  readonly cell: "elman" | "lstm" | "gru";
  readonly relu: boolean;
  readonly hidden: number;
  readonly rows: number;
  readonly offset: number;
  /** W_hh times every entry's h, and (higher layers, or with position embeddings) W_ih times every entry's input. */
  readonly hh: MatMatKernel;
  readonly ih: MatMatKernel | null;
  /** Entry e's part of each product's output, as the gate functions read it. */
  readonly gh: readonly Float64Array[];
  readonly gi: readonly Float64Array[];
  /** Scratch for the gates' arguments (rows values), one entry at a time. */
  readonly pre: Float64Array;
}

/**
 * Steps entries 0 .. count - 1 of the batch at position t, entry e by its token ids[e][t]: a block of whole inputs
 * (each entry's ids set before its run) stepped a position at a time.
 */
export function columnStepper(batch: BatchStepper, ids: readonly Int32Array[]): (count: number, t: number) => void {
  const column = new Int32Array(batch.capacity);
  return (count, t) => {
    for (let e = 0; e < count; e++) column[e] = ids[e]![t]!;
    batch.step(column, count, t);
  };
}

/**
 * The batch stepper of an Elman, LSTM or GRU stack (any number format) for batches of up to `capacity` strings, or
 * undefined for any other model or when it differs from the model's own step on a sample string.
 */
export function batchStepper(
  spec: RecurrentModelSpec | undefined,
  model: RecurrentModel,
  samples: readonly Int32Array[],
  capacity: number,
): BatchStepper | undefined {
  if (!gatedStack(spec, model) || samples.length === 0) return undefined;
  const stepper = build(spec, model, capacity);
  return agrees(stepper, model, samples) ? stepper : undefined;
}

function build(spec: RecurrentModelSpec, model: RecurrentModel, capacity: number): BatchStepper {
  const { arith, d, embedding, positions, maxLength } = stackInputs(spec);
  const units = model.newState().length;
  const states = new Float64Array(capacity * units);
  const views = Array.from({ length: capacity }, (_, e) => states.subarray(e * units, (e + 1) * units));
  const h0 = model.newState();
  const layers: Layer[] = [];
  let offset = 0;
  let inputSize = d;
  for (const l of spec.layers as GatedLayer[]) {
    const rows = (l.cell === "lstm" ? 4 : l.cell === "gru" ? 3 : 1) * l.hidden;
    const whh = flatten(l.weight_hh, rows, l.hidden, arith.round);
    const hh = matMatKernel(arith, whh, rows, l.hidden, roundedVector(l.bias_hh, arith.round), capacity);
    const batchedInput = layers.length > 0 || positions !== undefined;
    const ih = batchedInput
      ? matMatKernel(
          arith,
          flatten(l.weight_ih, rows, inputSize, arith.round),
          rows,
          inputSize,
          roundedVector(l.bias_ih, arith.round),
          capacity,
        )
      : null;
    const parts = (k: MatMatKernel) =>
      Array.from({ length: capacity }, (_, e) => k.out.subarray(e * k.stride, e * k.stride + rows));
    const relu = l.cell === "elman" && l.nonlinearity === "relu";
    layers.push({
      cell: l.cell,
      relu,
      hidden: l.hidden,
      rows,
      offset,
      hh,
      ih,
      gh: parts(hh),
      gi: ih ? parts(ih) : [],
      pre: new Float64Array(rows),
    });
    offset += l.cell === "lstm" ? 2 * l.hidden : l.hidden;
    inputSize = l.hidden;
  }
  const first = layers[0]!;
  // The first layer's input part W_ih x + b_ih per token (no position embeddings), by the cell's own product.
  const tokenProduct = first.ih === null ? compiledGates(spec.layers[0] as GatedLayer, first.rows, d, arith).ih : null;
  const tokenParts: (Float64Array | undefined)[] = [];
  const tokenPart = (id: number): Float64Array => {
    let gi = tokenParts[id];
    if (gi === undefined) {
      tokenProduct!.apply(embedding, id * d);
      tokenParts[id] = gi = Float64Array.from(tokenProduct!.out);
    }
    return gi;
  };
  const row = new Float64Array(d);
  return {
    capacity,
    units,
    state: (e) => views[e]!,
    reset(count) {
      for (let e = 0; e < count; e++) views[e]!.set(h0);
    },
    step(ids, count, position) {
      if (!(count <= capacity)) throw new RangeError(`batch of ${count}, capacity ${capacity}`);
      // Past the model's positions: its own step, which fails there in its own words.
      if (!(position < maxLength)) {
        for (let e = 0; e < count; e++) model.step(views[e]!, ids[e]!, position);
        return;
      }
      for (let k = 0; k < layers.length; k++) {
        const l = layers[k]!;
        // Every entry's old h before any of this layer's gates writes a new one.
        for (let e = 0; e < count; e++) l.hh.input(e, states, e * units + l.offset);
        l.hh.apply(count);
        if (l.ih) {
          for (let e = 0; e < count; e++) {
            if (k > 0)
              l.ih.input(e, states, e * units + layers[k - 1]!.offset); // the new h of the layer below
            else {
              const id = ids[e]!;
              for (let c = 0; c < d; c++) row[c] = arith.add(embedding[id * d + c]!, positions![position * d + c]!);
              l.ih.input(e, row, 0);
            }
          }
          l.ih.apply(count);
        }
        for (let e = 0; e < count; e++)
          layerGates(arith, l, l.ih ? l.gi[e]! : tokenPart(ids[e]!), l.gh[e]!, states, e * units + l.offset, l.pre);
      }
    },
  };
}

/**
 * The samples stepped as one batch (as many as fit), their first CHECKED positions, every entry after every step
 * equal bit for bit (Object.is: +0 and -0 differ) to the model's own step on that sample alone.
 */
function agrees(batch: BatchStepper, model: RecurrentModel, samples: readonly Int32Array[]): boolean {
  const count = Math.min(samples.length, batch.capacity);
  const length = Math.min(CHECKED, ...samples.slice(0, count).map((s) => s.length));
  if (length === 0) return false; // nothing checked is nothing trusted
  const theirs = Array.from({ length: count }, () => model.newState());
  const ids = new Int32Array(count);
  batch.reset(count);
  for (let t = 0; t < length; t++) {
    for (let e = 0; e < count; e++) ids[e] = samples[e]![t]!;
    batch.step(ids, count, t);
    for (let e = 0; e < count; e++) {
      model.step(theirs[e]!, ids[e]!, t);
      const mine = batch.state(e);
      for (let i = 0; i < mine.length; i++) if (!Object.is(mine[i], theirs[e]![i])) return false;
    }
  }
  return true;
}
