/**
 * The Elman cell, PyTorch's nn.RNN: h' = f(W_ih x + b_ih + W_hh h + b_hh) with f = tanh or relu. Its state is h.
 */
import * as z from "zod";
import type { Arith } from "../../numeric/arith.js";
import { size } from "../file-schema.js";
import { defineCell, type LayerOf } from "./cell.js";
import { compiledGates, gateTensors } from "./gated.js";

const NONLINEARITIES = ["tanh", "relu"] as const;

export const elman = defineCell({
  name: "elman",
  about: "an Elman RNN (nn.RNN)",
  fields: {
    nonlinearity: z.enum(NONLINEARITIES).describe("f in h' = f(W_ih x + b_ih + W_hh h + b_hh)"),
    hidden: size.describe("hidden units; the state is h, hidden values"),
  },
  tensors: gateTensors(1, ""),
  randomFields: (hidden, o) => ({ nonlinearity: o.nonlinearity ?? "tanh", hidden }),
  label: (layer) => `elman(${layer.nonlinearity})`,
  compile(w, inputSize, arith) {
    const hidden = w.hidden;
    const g = compiledGates(w, hidden, inputSize, arith);
    const relu = w.nonlinearity === "relu";
    return {
      hidden,
      units: hidden,
      step(state, offset, input, inputOffset) {
        g.ih.apply(input, inputOffset);
        g.hh.apply(state, offset);
        elmanGates(arith, relu, hidden, g.gi, g.gh, state, offset);
      },
    };
  },
  torch: {
    module: "nn.RNN",
    arch: "rnn",
    gates: 1,
    gateOrder: "",
    settings: {
      nonlinearity: {
        values: NONLINEARITIES,
        missing: "the nonlinearity of an nn.RNN (tanh or relu) cannot be read from its weights",
      },
    },
    layer: (tensors, settings) => ({
      cell: "elman",
      nonlinearity: settings["nonlinearity"] as (typeof NONLINEARITIES)[number],
      ...tensors,
    }),
    settingsOf: (layer) => ({ nonlinearity: layer.nonlinearity }),
  },
});

export type ElmanLayer = LayerOf<typeof elman>;

/**
 * h' = f(gi + gh) into the state at offset, gi = W_ih x + b_ih and gh = W_hh h + b_hh (read before h is written):
 * the cell's step and the dedup walk's shared stepper. tanh over the whole stretch in one call (Arith.tanhRange).
 */
export function elmanGates(
  arith: Arith,
  relu: boolean,
  hidden: number,
  gi: Float64Array,
  gh: Float64Array,
  state: Float64Array,
  offset: number,
): void {
  for (let j = 0; j < hidden; j++) state[offset + j] = arith.add(gi[j]!, gh[j]!);
  if (relu) for (let j = offset; j < offset + hidden; j++) state[j] = arith.relu(state[j]!);
  else arith.tanhRange(state, offset, offset + hidden);
}
