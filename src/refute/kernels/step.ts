import type { RecurrentModel } from "../../models/model.js";
import type { ModelSpec } from "../../models/spec.js";
import { fixedKernel } from "./fixed-kernel.js";
import { sharedStepper, type SharedStepper } from "./shared-step.js";

/** Steps tokens[from, to) at their own positions, in place. */
export type Stepper = (state: Float64Array, ids: Int32Array, from: number, to: number) => void;

/**
 * The fixed-point kernel's stepper when the model file has one that agrees with the model on `samples`, else the
 * model's own step. Both give the same states bit for bit (the kernel checks itself and falls back on any
 * difference); the kernel is some 25x faster.
 */
export function stepper(spec: ModelSpec | undefined, model: RecurrentModel, samples: () => Int32Array[]): Stepper {
  return fixedStepper(spec, model, samples) ?? modelStepper(model);
}

/** The fixed-point kernel's stepper, or undefined when the model file has none that agrees with the model. */
export function fixedStepper(
  spec: ModelSpec | undefined,
  model: RecurrentModel,
  samples: () => Int32Array[],
): Stepper | undefined {
  const kernel = spec?.arch === "recurrent" ? fixedKernel(spec, model, samples()) : undefined;
  return kernel && ((state, ids, from, to) => kernel.feed(state, ids, from, to, from));
}

/** The model's own step, token by token. */
export function modelStepper(model: RecurrentModel): Stepper {
  return (state, ids, from, to) => {
    for (let t = from; t < to; t++) model.step(state, ids[t]!, t);
  };
}

/**
 * The stepper, and for a search that steps many children of one state (the dedup walk) the shared stepper
 * (src/refute/kernels/shared-step.ts) when there is no fixed-point kernel (which is faster still on the small models
 * it takes) and the model is an Elman, LSTM or GRU stack. Every one gives the model's own states bit for bit.
 */
export function steppers(
  spec: ModelSpec | undefined,
  model: RecurrentModel,
  samples: () => Int32Array[],
): { step: Stepper; shared?: SharedStepper } {
  let drawn: Int32Array[] | undefined;
  const once = () => (drawn ??= samples()); // both self-checks run on the same samples, drawn once
  const fixed = fixedStepper(spec, model, once);
  if (fixed) return { step: fixed };
  const shared = spec?.arch === "recurrent" ? sharedStepper(spec, model, once()) : undefined;
  return { step: modelStepper(model), ...(shared && { shared }) };
}

/**
 * NaN values written as the one canonical NaN before their bits are hashed: a NaN's payload may depend on how the
 * code that made it was compiled, which differs between threads, and one message must hash alike everywhere.
 */
export function canonicalNaN(state: Float64Array): void {
  for (let i = 0; i < state.length; i++) if (state[i] !== state[i]) state[i] = NaN;
}

/**
 * The bits of a state's message, its first `stateUnits` values, as 32-bit words over the same buffer (no copy): what
 * a search hashes. A layer output past them (Mamba's) is not part of the message, as messageKey leaves it out.
 */
export function messageWords(state: Float64Array, model: RecurrentModel): Uint32Array {
  return new Uint32Array(state.buffer, state.byteOffset, 2 * model.stateUnits);
}
