import { BitString } from "../cc/bits.js";

/**
 * The runtime face of a recurrent model (Sec. 2 of the paper): a fixed initial state h_0, a step h_t = g(x_t, h_{t-1})
 * and a readout f(h_t). The state is `state.length` values, each sent as `unitBits` bits, so the state's size in bits
 * is derived from the object and cannot drift from what a protocol sends.
 * Steps work in place on a caller-owned buffer and allocate nothing.
 */
export interface RecurrentModel {
  readonly kind: "recurrent";
  readonly vocab: readonly string[];
  readonly labels: readonly string[];
  /** Number of values in the state. */
  readonly stateUnits: number;
  /** Bits per state value: p for a number format, ceil(log2 states) for a DFA. */
  readonly unitBits: number;
  /** Name of the number format ("dfa" for automata). */
  readonly formatName: string;
  /** Total bits in all parameters (embedding, recurrences, head): the representation size. */
  readonly parameterBits: number;
  newState(): Float64Array;
  /**
   * One step at a 0-based position: the position matters only to a model with position embeddings (the paper lets
   * recurrent models have arbitrary ones, Sec. 2), and a protocol's Bob continues at Alice's cut.
   */
  step(state: Float64Array, token: number, position: number): void;
  /** Index of the output label: argmax of the logits, first maximum on ties; NaN logits never win. */
  readout(state: Float64Array): number;
  /** The logits, in a buffer the model reuses (copy to keep). DFA: one-hot of the output label. */
  logits(state: Float64Array): Float64Array;
  /** The exact bits of one state value. */
  encodeUnit(value: number): bigint;
  decodeUnit(code: bigint): number;
  /** What the step is, for the finite-precision dynamics arguments; absent when unknown (none of them applies then). */
  readonly dynamics?: Dynamics;
}

/**
 * What the finite-precision dynamics results (parity, modular counting: src/reductions/dynamics.ts) read of a step:
 * whether it reads the position, and each layer's transition.
 */
export interface Dynamics {
  /** The step ignores the position (no position embeddings): fed one token over and over, one map iterates the state. */
  readonly timeInvariant: boolean;
  /** The layers bottom up: the cell's name, and its transition when that is diagonal. */
  readonly layers: readonly { readonly cell: string; readonly diagonal?: DiagonalTransition }[];
}

/**
 * A diagonal transition: the step is h' = a ⊙ h + u(x), u a function of the layer's input, a constant or a function
 * of the input (a gate, as in Mamba). Every rounding the step does is monotone, so each value fed one token moves
 * monotonically (a >= 0) or its two-step map does (a < 0): what the parity and counting results rest on.
 */
export interface DiagonalTransition {
  /** An entry of a that is (or, for a gate, can be) below 0, as "a[0] = -1"; absent when every entry is >= 0. */
  readonly negative?: string;
}

export function stateBits(model: RecurrentModel): number {
  return model.stateUnits * model.unitBits;
}

/** The state as the message Alice sends in Theorem 2: every value's exact code, in order. */
export function encodeState(model: RecurrentModel, state: Float64Array): BitString {
  const codes: bigint[] = [];
  for (let i = 0; i < state.length; i++) codes.push(model.encodeUnit(state[i]!));
  return BitString.fromCodes(codes, model.unitBits);
}

export function decodeState(model: RecurrentModel, bits: BitString): Float64Array {
  const state = model.newState();
  if (model.unitBits === 0) return state;
  const codes = bits.toCodes(model.unitBits);
  if (codes.length !== state.length)
    throw new RangeError(`message has ${codes.length} values, state has ${state.length}`);
  codes.forEach((c, i) => (state[i] = model.decodeUnit(c)));
  return state;
}

/** Run tokens from a state, in place; the first token is at position `start`. */
export function feed(model: RecurrentModel, state: Float64Array, tokens: ArrayLike<number>, start = 0): Float64Array {
  for (let t = 0; t < tokens.length; t++) model.step(state, tokens[t]!, start + t);
  return state;
}

/** The forward pass: h_0, every token, then the readout's label index. */
export function forward(model: RecurrentModel, tokens: ArrayLike<number>): number {
  return model.readout(feed(model, model.newState(), tokens));
}

/** First maximum; NaN never wins (all NaN gives 0). */
export function argmax(v: Float64Array): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < v.length; i++) {
    if (v[i]! > bestValue) {
      bestValue = v[i]!;
      best = i;
    }
  }
  return best;
}
