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
  /** Number of values in the state: everything the next step reads. */
  readonly stateUnits: number;
  /**
   * Values a buffer of `newState()` holds past the state: layer outputs that are not state (a Mamba layer's
   * x + out_proj(y)), which a step writes and the next layer and the readout read, and the next step does not. They
   * are no part of the state: not counted, not sent at a cut with tokens after it. 0 for most models.
   */
  readonly outputUnits: number;
  /**
   * How many of those, at the end of the buffer, the readout reads (the last layer's output when it is apart): after
   * the last token the answer is a function of the state and these, so a message at a cut with nothing after it
   * carries them too (see encodeState). 0 when the readout reads the state alone.
   */
  readonly readoutUnits: number;
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
}

export function stateBits(model: RecurrentModel): number {
  return model.stateUnits * model.unitBits;
}

/** Bits of the values the readout reads past the state (0 for most models). */
export function readoutBits(model: RecurrentModel): number {
  return model.readoutUnits * model.unitBits;
}

/**
 * The state as the message Alice sends in Theorem 2: every value's exact code, in order. With `final` (a cut that no
 * token follows), the values the readout reads past the state follow it, so that the answer can be read from the
 * message alone.
 */
export function encodeState(model: RecurrentModel, state: Float64Array, final = false): BitString {
  const codes: bigint[] = [];
  for (let i = 0; i < model.stateUnits; i++) codes.push(model.encodeUnit(state[i]!));
  if (final)
    for (let i = state.length - model.readoutUnits; i < state.length; i++) codes.push(model.encodeUnit(state[i]!));
  return BitString.fromCodes(codes, model.unitBits);
}

/** A buffer from a message of encodeState (with the same `final`); every other output value is +0. */
export function decodeState(model: RecurrentModel, bits: BitString, final = false): Float64Array {
  const state = model.newState();
  if (model.unitBits === 0) return state;
  const codes = bits.toCodes(model.unitBits);
  const units = model.stateUnits + (final ? model.readoutUnits : 0);
  if (codes.length !== units) throw new RangeError(`message has ${codes.length} values, state has ${units}`);
  const tail = state.length - model.readoutUnits - model.stateUnits;
  codes.forEach((c, i) => (state[i < model.stateUnits ? i : i + tail] = model.decodeUnit(c)));
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
