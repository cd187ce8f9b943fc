import { fail } from "../errors.js";
import { MAX_DIM } from "../limits.js";
import type { ElmanLayer, Matrix, RecurrentModelSpec } from "../models/spec.js";
import { arithFor } from "../numeric/arith.js";
import { parseFormat } from "../numeric/parse.js";
import { indexLookup } from "../tasks/index-lookup.js";
import type { Task } from "../tasks/task.js";
import type { BuiltConstruction, Construction, ConstructionOptions, ConstructionSize } from "./construction.js";
import { intBitsFor, zeros, zeroVector } from "./layout.js";
import { measuredSize } from "./size.js";

/**
 * The recurrent baseline for index lookup that meets Theorem 3 (m ≥ N/p) up to the sign bit: it keeps every symbol.
 *
 * Layer 1, a ReLU Elman layer of N units, is a cyclic shift register. Symbol s (an integer 0..K-1) enters unit 0 and
 * every step moves unit j to unit j+1, so after the N symbols unit j holds s_{N-j}; unit 0 reads unit N-1 (the
 * cycle), which is still empty at every symbol step. The query step shifts once more, so s_q would land in unit
 * (N - q + 1) mod N, and the query token's embedding adds -(K-1) to every other unit: the ReLU clears them and
 * exactly one unit, holding v = s_q, is left.
 *
 * The answer from v: logit_c = -|v - c|, largest at c = v. For K = 2 that is linear in v = Σ_j h_j (logit0 = -v,
 * logit1 = v - 1) and the head reads layer 1. For K > 2 a second ReLU layer (no recurrence) computes
 * t_c = relu(v - c) for c = 0..K-2 and the head takes logit_c = t_0 - 2 t_c - c (= v - c - 2 relu(v - c)).
 *
 * Every value is an integer: fixed:I.0 with 2^I > K - 1 (I = 1 for bits) computes it exactly, except that when
 * 2 (K - 2) > 2^I (K = 7, 8, 13..16, ...) the head's -2 t_c (v > c) may clamp at -2^I. The clamp raises that logit above -|v - c|, but the partial sum
 * v - 2^I is already at most -1, so it stays below the answer's logit 0 (verified on every input, K <= 16).
 * Sizes: N (+ K - 1) units of p = I + 1 bits; for bits mp = 2N against Theorem 3's N, the one wasted bit being the
 * sign (ReLU units are never negative).
 */
export const indexLookupRnn: Construction = {
  name: "index-lookup-rnn",
  theorem: "thm3",
  description:
    "index lookup by an Elman shift register: N units of 1 + ceil(log2 K) bits, against Theorem 3's m >= N/p",
  takes: ["alphabet"],
  build: buildIndexLookupRnn,
  size: (n, options) => sizeOf(plan(n, options)),
};

interface Plan {
  readonly n: number;
  readonly alphabet: number;
  readonly task: Task;
  readonly format: string;
  /** Whether the K - 1 units of the decoding layer are there (K > 2). */
  readonly decoder: boolean;
}

function plan(n: number, options: ConstructionOptions = {}): Plan {
  if (!Number.isInteger(n) || n < 1)
    fail("invalid-flag", `index-lookup-rnn needs a whole number n >= 1, got ${n}`, "--n");
  const alphabet = options.task?.alphabet ?? 2;
  if (!Number.isInteger(alphabet) || alphabet < 2)
    fail("invalid-flag", `alphabet size must be a whole number >= 2, got ${alphabet}`, "--alphabet");
  if (alphabet + n > MAX_DIM)
    fail(
      "too-large",
      `index-lookup at n = ${n} needs ${alphabet + n} tokens, more than a model can have (${MAX_DIM})`,
      "--n",
    );
  const format = options.format ?? `fixed:${intBitsFor(alphabet - 1)}.${options.fracBits ?? 0}`;
  checkFormat(format, n, alphabet);
  return { n, alphabet, task: indexLookup(n, alphabet), format, decoder: alphabet > 2 };
}

/**
 * Refuses a format that cannot hold the symbols exactly (every integer up to K - 1 and -(K - 1)), or an IEEE one whose
 * layer-2 sums over all N stored symbols overflow to infinity (0 x infinity would then reach the answer as NaN).
 */
function checkFormat(name: string, n: number, alphabet: number): void {
  const format = parseFormat(name, "--format");
  const round = arithFor(format).round;
  const top = alphabet - 1;
  if (round(top) !== top || round(-top) !== -top || round(top - 1) !== top - 1) {
    fail(
      "invalid-flag",
      `index-lookup-rnn with ${alphabet} symbols needs a format with every integer in [-${top}, ${top}], got ${name}`,
      "--format",
    );
  }
  if (alphabet > 2 && format.kind !== "fixed" && n * top > format.max) {
    fail(
      "invalid-flag",
      `index-lookup-rnn at n = ${n} sums up to ${n * top}, past ${name}'s largest value`,
      "--format",
      "use a fixed-point format, which saturates",
    );
  }
}

function buildIndexLookupRnn(n: number, options: ConstructionOptions = {}): BuiltConstruction {
  const p = plan(n, options);
  const spec = indexLookupRnnSpec(p);
  const size = measuredSize(spec);
  const bits = Math.log2(p.alphabet);
  return {
    name: "index-lookup-rnn",
    theorem: "thm3",
    task: p.task,
    spec,
    size,
    parameters: {
      format: p.format,
      alphabet: p.alphabet,
      registerUnits: n,
      decoderUnits: p.decoder ? p.alphabet - 1 : 0,
      informationBits: Number((n * bits).toFixed(3)),
    },
    paper: {
      statement: "m >= N/p (Theorem 3, from INDEX on N bits)",
      lowerBoundWidth: Math.ceil(n / size.precision),
      lowerBoundStateBits: n,
    },
  };
}

function indexLookupRnnSpec(p: Plan): RecurrentModelSpec {
  const { n, alphabet, task } = p;
  const register = shiftRegister(n);
  const layers: ElmanLayer[] = p.decoder ? [register, decoder(n, alphabet)] : [register];
  return {
    ccbound: "model",
    version: 1,
    name: `index-lookup-rnn-N${n}`,
    description: `An Elman shift register of ${n} units holding every symbol; the query token clears all but the asked one; built by ccbound construct`,
    vocab: [...task.vocab],
    labels: [...task.labels],
    arch: "recurrent",
    format: p.format,
    embedding: registerInputs(n, alphabet),
    layers,
    head: p.decoder ? decodedHead(alphabet) : bitHead(n),
  };
}

/**
 * Inputs, one coordinate per register unit: symbol s puts s on unit 0; the query @q puts 0 on the unit its symbol
 * lands on and -(K - 1) on the others.
 */
function registerInputs(n: number, alphabet: number): Matrix {
  const symbols = Array.from({ length: alphabet }, (_, s) => Array.from({ length: n }, (_, j) => (j === 0 ? s : 0)));
  const queries = Array.from({ length: n }, (_, i) => {
    const lands = (n - i) % n; // query @(i+1): s_{i+1} sits in unit N - i - 1 after the symbols, and shifts once
    return Array.from({ length: n }, (_, j) => (j === lands ? 0 : -(alphabet - 1)));
  });
  return [...symbols, ...queries];
}

/** h'_j = relu(h_{j-1 mod N} + x_j): the cyclic shift, inputs added one to one. */
function shiftRegister(n: number): ElmanLayer {
  const weightIh = zeros(n, n);
  const weightHh = zeros(n, n);
  for (let j = 0; j < n; j++) {
    weightIh[j]![j] = 1;
    weightHh[j]![(j + n - 1) % n] = 1;
  }
  return {
    cell: "elman",
    nonlinearity: "relu",
    hidden: n,
    weight_ih: weightIh,
    weight_hh: weightHh,
    bias_ih: zeroVector(n),
    bias_hh: zeroVector(n),
  };
}

/** t_c = relu(Σ_j h_j - c), c = 0..K-2: after the query only one h_j is nonzero, so Σ_j h_j = v = s_q. */
function decoder(n: number, alphabet: number): ElmanLayer {
  const units = alphabet - 1;
  const weightIh = Array.from({ length: units }, () => new Array<number>(n).fill(1));
  const biasIh = Array.from({ length: units }, (_, c) => 0 - c);
  return {
    cell: "elman",
    nonlinearity: "relu",
    hidden: units,
    weight_ih: weightIh,
    weight_hh: zeros(units, units),
    bias_ih: biasIh,
    bias_hh: zeroVector(units),
  };
}

/** K = 2 on layer 1: logit0 = -v, logit1 = v - 1 with v = Σ_j h_j. */
function bitHead(n: number): { weight: Matrix; bias: number[] } {
  return { weight: [new Array<number>(n).fill(-1), new Array<number>(n).fill(1)], bias: [0, -1] };
}

/** logit_c = t_0 - 2 t_c - c = -|v - c| (t_{K-1} = relu(v - K + 1) is always 0 and is left out). */
function decodedHead(alphabet: number): { weight: Matrix; bias: number[] } {
  const units = alphabet - 1;
  const weight = Array.from({ length: alphabet }, (_, c) => {
    const row = zeroVector(units);
    row[0] = 1;
    if (c < units) row[c]! -= 2;
    return row;
  });
  return { weight, bias: Array.from({ length: alphabet }, (_, c) => 0 - c) };
}

/** The size from the counts: embedding (K + N) x N, the register's two N x N matrices, the decoder and the head. */
function sizeOf(p: Plan): ConstructionSize {
  const { n, alphabet } = p;
  const precision = parseFormat(p.format).bits;
  const decoderUnits = p.decoder ? alphabet - 1 : 0;
  const register = (alphabet + n) * n + 2 * n * n + 2 * n;
  const decoding = decoderUnits * n + decoderUnits * decoderUnits + 2 * decoderUnits;
  const head = p.decoder ? alphabet * decoderUnits + alphabet : 2 * n + 2;
  const numbers = register + decoding + head;
  const width = n + decoderUnits;
  return {
    width,
    layers: p.decoder ? 2 : 1,
    heads: 0,
    precision,
    parameterBits: numbers * precision,
    stateBits: width * precision,
  };
}
