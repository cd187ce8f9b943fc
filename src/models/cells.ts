import type { Arith } from "../numeric/arith.js";
import type { GateTensors, LinearLayer, RecurrentLayer } from "./spec.js";
import { flatten, roundedVector } from "./tensors.js";

/**
 * A compiled recurrent layer. Its state lives in the model's state buffer at `offset` (h first, then c for LSTM);
 * `step` reads the layer's input from `input` at `inputOffset` and updates its state in place, allocating nothing.
 * Gate arithmetic follows PyTorch's CPU order (input and hidden products separately, then summed; GRU's
 * h' = n + z * (h - n)), rounding every result to the model's number format.
 */
export interface Cell {
  readonly hidden: number;
  /** Values of state this layer keeps: hidden, or 2 * hidden for LSTM (h and c). */
  readonly units: number;
  step(state: Float64Array, offset: number, input: Float64Array, inputOffset: number): void;
}

export function compileCell(layer: RecurrentLayer, inputSize: number, arith: Arith): Cell {
  switch (layer.cell) {
    case "elman":
      return elman(layer.hidden, inputSize, layer, layer.nonlinearity, arith);
    case "lstm":
      return lstm(layer.hidden, inputSize, layer, arith);
    case "gru":
      return gru(layer.hidden, inputSize, layer, arith);
    case "linear":
      return diagonalLinear(layer.hidden, inputSize, layer, arith);
    default: {
      const never: never = layer;
      throw new Error(`unknown cell ${JSON.stringify(never)}`);
    }
  }
}

/** Rounded, flattened gate weights and the two scratch vectors (input part, hidden part) of G*hidden rows. */
function gates(w: GateTensors, rows: number, inputSize: number, hidden: number, arith: Arith) {
  return {
    wih: flatten(w.weight_ih, rows, inputSize, arith.round),
    whh: flatten(w.weight_hh, rows, hidden, arith.round),
    bih: roundedVector(w.bias_ih, arith.round),
    bhh: roundedVector(w.bias_hh, arith.round),
    gi: new Float64Array(rows),
    gh: new Float64Array(rows),
  };
}

function elman(hidden: number, inputSize: number, w: GateTensors, nonlinearity: "tanh" | "relu", arith: Arith): Cell {
  const g = gates(w, hidden, inputSize, hidden, arith);
  const act = nonlinearity === "tanh" ? arith.tanh : arith.relu;
  return {
    hidden,
    units: hidden,
    step(state, offset, input, inputOffset) {
      arith.matVec(g.wih, hidden, inputSize, input, g.bih, g.gi, 0, inputOffset);
      arith.matVec(g.whh, hidden, hidden, state, g.bhh, g.gh, 0, offset);
      for (let j = 0; j < hidden; j++) state[offset + j] = act(arith.add(g.gi[j]!, g.gh[j]!));
    },
  };
}

function lstm(hidden: number, inputSize: number, w: GateTensors, arith: Arith): Cell {
  const g = gates(w, 4 * hidden, inputSize, hidden, arith);
  return {
    hidden,
    units: 2 * hidden,
    step(state, offset, input, inputOffset) {
      arith.matVec(g.wih, 4 * hidden, inputSize, input, g.bih, g.gi, 0, inputOffset);
      arith.matVec(g.whh, 4 * hidden, hidden, state, g.bhh, g.gh, 0, offset);
      const c0 = offset + hidden;
      for (let j = 0; j < hidden; j++) {
        const i = arith.sigmoid(arith.add(g.gi[j]!, g.gh[j]!));
        const f = arith.sigmoid(arith.add(g.gi[hidden + j]!, g.gh[hidden + j]!));
        const cand = arith.tanh(arith.add(g.gi[2 * hidden + j]!, g.gh[2 * hidden + j]!));
        const o = arith.sigmoid(arith.add(g.gi[3 * hidden + j]!, g.gh[3 * hidden + j]!));
        const c = arith.add(arith.mul(f, state[c0 + j]!), arith.mul(i, cand));
        state[c0 + j] = c;
        // h is written after every gate of this unit has read the old h through g.gh, so in-place is safe.
        state[offset + j] = arith.mul(o, arith.tanh(c));
      }
    },
  };
}

function gru(hidden: number, inputSize: number, w: GateTensors, arith: Arith): Cell {
  const g = gates(w, 3 * hidden, inputSize, hidden, arith);
  return {
    hidden,
    units: hidden,
    step(state, offset, input, inputOffset) {
      arith.matVec(g.wih, 3 * hidden, inputSize, input, g.bih, g.gi, 0, inputOffset);
      arith.matVec(g.whh, 3 * hidden, hidden, state, g.bhh, g.gh, 0, offset);
      for (let j = 0; j < hidden; j++) {
        const r = arith.sigmoid(arith.add(g.gi[j]!, g.gh[j]!));
        const z = arith.sigmoid(arith.add(g.gi[hidden + j]!, g.gh[hidden + j]!));
        const n = arith.tanh(arith.add(g.gi[2 * hidden + j]!, arith.mul(r, g.gh[2 * hidden + j]!)));
        const h = state[offset + j]!;
        state[offset + j] = arith.add(n, arith.mul(z, arith.sub(h, n)));
      }
    },
  };
}

/** h' = a ⊙ h + (B x + bias): the diagonal state-space recurrence. */
function diagonalLinear(hidden: number, inputSize: number, w: LinearLayer, arith: Arith): Cell {
  const a = roundedVector(w.a, arith.round);
  const b = flatten(w.b, hidden, inputSize, arith.round);
  const bias = roundedVector(w.bias, arith.round);
  const bx = new Float64Array(hidden);
  return {
    hidden,
    units: hidden,
    step(state, offset, input, inputOffset) {
      arith.matVec(b, hidden, inputSize, input, bias, bx, 0, inputOffset);
      for (let j = 0; j < hidden; j++) state[offset + j] = arith.add(arith.mul(a[j]!, state[offset + j]!), bx[j]!);
    },
  };
}
