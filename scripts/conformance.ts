/**
 * The conformance vectors: conformance/*.json, the exact bits ccbound computes for number formats, transcendentals,
 * models and protocols (and a few certificates), for another implementation to test itself against
 * (docs/semantics.md, "Conformance vectors", says how). Deterministic: the same bytes every run (weights come from the
 * project's seeded Rng, nothing from the clock); test/conformance/ recomputes every vector with the library and checks
 * that this script reproduces the files.
 *
 * Run: npx tsx scripts/conformance.ts            (writes every file)
 *      npx tsx scripts/conformance.ts certificates (writes only conformance/certificates.json, e.g. after the
 *                                                   certificate format changes)
 */
import type { PaperLayer } from "../src/models/blocks/paper.js";
import { randomTransformer } from "../src/models/random-transformer.js";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  arithFor,
  bind,
  certificateOf,
  compileModel,
  cutSplit,
  encodeState,
  exactSumFor,
  feed,
  indexLookup,
  copy,
  dyck,
  equality,
  modelSha256,
  oddEvenSplit,
  parseFormat,
  refute,
  Rng,
  run,
  theorem2Protocol,
  theorem4Protocol,
  tokensOf,
  transcriptBits,
  VERSION,
  type FeedName,
  type Transcript,
  type ModelSpec,
  type NumberFormat,
  type RecurrentModelSpec,
  type Split,
  type TransformerModel,
  type TransformerModelSpec,
} from "../src/index.js";
import { float64Bits } from "../src/numeric/bits.js";
import { prettyJson } from "../src/io/pretty-json.js";
import { randomModel } from "../src/models/random.js";

export const CONFORMANCE_VERSION = 1;
/**
 * The formats every architecture and protocol is run in: the four IEEE formats, fixed point rounding down and to
 * nearest, and a fine fixed-point grid (2^-50), where a transcendental's last bit shows in the state.
 */
export const MODEL_FORMATS = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "fixed:2.5",
  "fixed:2.5:nearest",
  "fixed:1.50",
];
/** Formats of the number and transcendental vectors: those and the finest grid, to nearest. */
export const NUMBER_FORMATS = [...MODEL_FORMATS, "fixed:0.52:nearest"];
export const FUNCTIONS = [
  "exp",
  "tanh",
  "sigmoid",
  "softplus",
  "silu",
  "log",
  "erf",
  "gelu",
  "geluTanh",
  "sin",
  "cos",
] as const;

// ---------------------------------------------------------------------------------------------------------------
// Bits as text.

/** A format's code of x as lowercase hex, ceil(p/4) digits (NaN: the canonical quiet NaN). */
export function codeHex(format: NumberFormat, x: number): string {
  return format
    .encode(x)
    .toString(16)
    .padStart(Math.ceil(format.bits / 4), "0");
}

export function valueOfHex(format: NumberFormat, hex: string): number {
  return format.decode(BigInt(`0x${hex}`));
}

/** A binary64's 64-bit pattern as 16 hex digits. */
export const bits64 = (x: number): string =>
  (x !== x ? 0x7ff8000000000000n : float64Bits(x)).toString(16).padStart(16, "0");

// ---------------------------------------------------------------------------------------------------------------
// Number formats: rounding from binary64, the operations, dot products and exact sums.

function gaussian(rng: Rng): number {
  const u = Math.max(rng.float(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** Values of the format at edges: 0, -0, the extremes, the least values, infinities, NaN (as the format has them). */
function edgeValues(format: NumberFormat): number[] {
  const top = (1n << BigInt(format.bits)) - 1n;
  const codes = [0n, 1n, 2n, top, top - 1n, 1n << BigInt(format.bits - 1), (1n << BigInt(format.bits - 1)) - 1n];
  const out = codes.map((c) => format.decode(c)).filter((v) => format.kind !== "fixed" || Number.isFinite(v));
  if (format.kind === "ieee") out.push(-0, Infinity, -Infinity, NaN, 1, -1, 0.5, format.max, -format.max);
  return out;
}

/** Binary64 inputs for round(): random, at the format's midpoints (ties), just off them, huge, tiny, specials. */
function roundInputs(format: NumberFormat, rng: Rng): number[] {
  const xs: number[] = [];
  for (let i = 0; i < 8; i++) xs.push(4 * gaussian(rng), gaussian(rng) * 2 ** -rng.int(30));
  for (let i = 0; i < 8; i++) {
    // The midpoint of two neighbouring values, exactly, and a binary64 step either side.
    const c = BigInt(rng.int(2 ** Math.min(format.bits - 2, 30)));
    const a = format.decode(c);
    const b = format.decode(c + 1n);
    const mid = a + (b - a) / 2;
    xs.push(mid, -mid, mid * (1 + 2 ** -52), mid * (1 - 2 ** -52));
  }
  xs.push(format.max, format.max * 1.0001, format.min, format.min * 1.0001, 1e300, -1e300, 2 ** -1074, -(2 ** -1074));
  xs.push(0, -0, Infinity, -Infinity, 1 / 3, -1 / 3);
  if (format.kind === "ieee") xs.push(NaN, format.max + (format.max - format.round(format.max * (1 - 2 ** -20))) / 2);
  return xs;
}

function formatVectors(name: string) {
  const format = parseFormat(name);
  const arith = arithFor(format);
  const rng = new Rng(0xf0 + NUMBER_FORMATS.indexOf(name));
  const value = () => {
    const pick = rng.int(4);
    if (pick === 0) return edgeValues(format)[rng.int(edgeValues(format).length)]!;
    if (pick === 1) return format.round(gaussian(rng) * 2 ** -rng.int(20));
    return format.round(3 * gaussian(rng));
  };
  const pairs = Array.from({ length: 40 }, () => [value(), value()] as const);
  // Ties for nearest and exact grid hits for floor: products of two halves of odd codes, sums at the ends.
  pairs.push([format.max, format.max], [format.min, format.max], [format.max, -format.max], [0.5, 0.25]);
  if (format.kind === "ieee") pairs.push([-0, -0], [-0, 0], [Infinity, -Infinity], [0, Infinity], [1, -1]);
  const hex = (x: number) => codeHex(format, x);
  const op = (f: (a: number, b: number) => number) => pairs.map(([a, b]) => [hex(a), hex(b), hex(f(a, b))]);
  // Dot products and matrix rows: w . v from +0, rounding every product and sum, then + bias.
  const dots = Array.from({ length: 6 }, () => {
    const n = 1 + rng.int(5);
    const w = Array.from({ length: n }, value);
    const v = Array.from({ length: n }, value);
    const bias = value();
    const out = new Float64Array(1);
    arith.matVec(Float64Array.from(w), 1, n, Float64Array.from(v), Float64Array.of(bias), out);
    return { w: w.map(hex), v: v.map(hex), bias: hex(bias), y: hex(out[0]!) };
  });
  // Exact sums (attention's and layer norm's): the rounded sum, the quotient by k, and the message for `count`.
  const sums = exactSumFor(format);
  const exactSums = Array.from({ length: 6 }, (_, i) => {
    const terms = Array.from({ length: 2 + rng.int(6) }, value).filter(
      (v) => format.kind === "ieee" || Number.isFinite(v),
    );
    if (i === 0) terms.push(format.max, format.max); // beyond the format: saturates / overflows once rounded
    const acc = sums.accumulator();
    for (const t of terms) acc.add(t);
    const k = 1 + rng.int(7);
    const { code, width } = acc.encode(terms.length);
    return {
      terms: terms.map(hex),
      sum: hex(acc.rounded()),
      k,
      quotient: hex(acc.roundedQuotient(k)),
      message: { count: terms.length, bits: width, hex: code.toString(16).padStart(Math.ceil(width / 4), "0") },
    };
  });
  return {
    format: format.name,
    bits: format.bits,
    round: roundInputs(format, rng)
      .filter((x) => format.kind === "ieee" || x === x)
      .map((x) => [bits64(x), hex(format.round(x))]),
    add: op(arith.add),
    sub: op(arith.sub),
    mul: op(arith.mul),
    div: op(arith.div),
    sqrt: pairs.map(([a]) => [hex(a), hex(arith.sqrt(a))]),
    relu: pairs.map(([a]) => [hex(a), hex(arith.relu(a))]),
    dot: dots,
    exactSum: exactSums,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Transcendentals.

/** Arguments: typical values, values spread over exponents, values next to a rounding boundary, special values. */
function transcendentalArguments(format: NumberFormat, fn: (typeof FUNCTIONS)[number], rng: Rng): number[] {
  const width = {
    exp: 10,
    tanh: 3,
    sigmoid: 8,
    softplus: 8,
    silu: 8,
    log: 6,
    erf: 2,
    gelu: 6,
    geluTanh: 6,
    sin: 8,
    cos: 8,
  }[fn];
  const xs: number[] = [];
  for (let i = 0; i < 10; i++) xs.push(width * gaussian(rng));
  for (let i = 0; i < 4; i++) xs.push((1 + rng.float()) * 2 ** (rng.int(60) - 50) * (rng.int(2) ? 1 : -1));
  xs.push(0, -0, 1, -1, 0.5, 20, -20, 40, -40, 745, -745, 1e300, -1e300, format.max, format.min);
  if (format.kind === "ieee") xs.push(Infinity, -Infinity, NaN, 2 ** -1074, -(2 ** -1074));
  // sin and cos: next to multiples of pi/2 (the reduction's hard cases), and huge arguments of binary64.
  if (fn === "sin" || fn === "cos")
    xs.push(355, 103993, 1.5707963267948966, 3.141592653589793, 1e22, 6381956970095103 * 2 ** 797);
  const args = xs.map((x) => format.round(fn === "log" && x === x ? Math.abs(x) : x));
  if (fn === "log") args.push(format.round(-1), -0);
  return [...new Set(args.map((x) => (x === x ? x : NaN)))].filter((x) => x === x || format.kind === "ieee");
}

function transcendentalVectors(name: string) {
  const format = parseFormat(name);
  const arith = arithFor(format);
  const vectors: Record<string, string[][]> = {};
  for (const fn of FUNCTIONS) {
    const rng = new Rng(0x7c + NUMBER_FORMATS.indexOf(name) * 16 + FUNCTIONS.indexOf(fn));
    vectors[fn] = transcendentalArguments(format, fn, rng).map((x) => [
      codeHex(format, x),
      codeHex(format, arith[fn](x)),
    ]);
  }
  return { format: format.name, bits: format.bits, vectors };
}

// ---------------------------------------------------------------------------------------------------------------
// Models: small weights from the seeded Rng, rounded to the format, written out in full.

const VOCAB = ["a", "b", "c"];
const LABELS = ["x", "y", "z"];

function weights(rng: Rng, format: NumberFormat, k: number) {
  const u = () => format.round((2 * rng.float() - 1) * k);
  const vec = (n: number) => Array.from({ length: n }, u);
  const mat = (r: number, c: number) => Array.from({ length: r }, () => vec(c));
  return { vec, mat };
}

type Cell = "elman" | "elman-relu" | "lstm" | "gru" | "linear";

function recurrentSpec(cell: Cell, formatName: string, seed: number, layers = 1, positions = 0): RecurrentModelSpec {
  const format = parseFormat(formatName);
  const rng = new Rng(seed);
  const hidden = 2;
  const d = 2;
  const { vec, mat } = weights(rng, format, 0.9);
  const layer = (input: number) => {
    if (cell === "linear") return { cell, hidden, a: vec(hidden), b: mat(hidden, input), bias: vec(hidden) } as const;
    const g = cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
    const w = {
      hidden,
      weight_ih: mat(g * hidden, input),
      weight_hh: mat(g * hidden, hidden),
      bias_ih: vec(g * hidden),
      bias_hh: vec(g * hidden),
    };
    if (cell === "elman" || cell === "elman-relu")
      return { cell: "elman", nonlinearity: cell === "elman" ? "tanh" : "relu", ...w } as const;
    return { cell, ...w } as const;
  };
  const spec: RecurrentModelSpec = {
    ccbound: "model",
    version: 1,
    name: `conformance ${cell}${layers > 1 ? ` x${layers}` : ""}${positions ? " positions" : ""} ${format.name}`,
    arch: "recurrent",
    format: format.name,
    vocab: [...VOCAB],
    labels: [...LABELS],
    embedding: mat(VOCAB.length, d),
    layers: Array.from({ length: layers }, (_, l) => layer(l === 0 ? d : hidden)),
    head: { weight: mat(LABELS.length, hidden), bias: vec(LABELS.length) },
  };
  if (positions > 0) spec.positionEmbedding = mat(positions, d);
  return spec;
}

function transformerSpec(formatName: string, seed: number, layers: number, causal: boolean): TransformerModelSpec {
  const format = parseFormat(formatName);
  const rng = new Rng(seed);
  const d = 3;
  const m = 2;
  const H = 2;
  const f = 4;
  const { vec, mat } = weights(rng, format, 0.8);
  const norm = () => ({ weight: vec(d).map((w) => format.round(1 + w / 4)), bias: vec(d), eps: format.round(2 ** -8) });
  return {
    ccbound: "model",
    version: 1,
    name: `conformance transformer L=${layers}${causal ? " causal" : ""} ${format.name}`,
    arch: "transformer",
    format: format.name,
    vocab: [...VOCAB],
    labels: ["x", "y"],
    tokenEmbedding: mat(VOCAB.length, d),
    positionEmbedding: mat(8, d),
    causal,
    layers: Array.from({ length: layers }, () => ({
      heads: Array.from({ length: H }, () => ({ query: mat(m, d), key: mat(m, d), value: mat(m, d) })),
      output: mat(d, m * H),
      ffn: { weight1: mat(f, d), bias1: vec(f), weight2: mat(d, f), bias2: vec(d) },
      norm1: norm(),
      norm2: norm(),
    })),
    head: { weight: mat(2, d), bias: vec(2) },
  };
}

/** Hand-made models for the edge cases: saturation, ties, subnormals, signed zeros, overflow to infinity, NaN. */
function edgeCaseSpecs(): { id: string; note: string; spec: ModelSpec }[] {
  const header = (name: string) => ({
    ccbound: "model" as const,
    version: 1 as const,
    name,
    vocab: ["a", "b"],
    labels: ["x", "y"],
  });
  const linear = (
    format: string,
    a: number[],
    b: number[][],
    bias: number[],
    embedding: number[][],
  ): RecurrentModelSpec => ({
    ...header(`edge ${format}`),
    arch: "recurrent",
    format,
    embedding,
    layers: [{ cell: "linear", hidden: a.length, a, b, bias }],
    head: {
      weight: [
        [1, -1],
        [-1, 1],
      ],
      bias: [0, 0],
    },
  });
  const elman = (format: string, nonlinearity: "tanh" | "relu", w: number, u: number): RecurrentModelSpec => ({
    ...header(`edge ${format} elman`),
    arch: "recurrent",
    format,
    embedding: [[1], [-1]],
    layers: [
      { cell: "elman", nonlinearity, hidden: 1, weight_ih: [[w]], weight_hh: [[u]], bias_ih: [0], bias_hh: [0] },
    ],
    head: { weight: [[1], [0]], bias: [0, 0] },
  });
  return [
    {
      id: "edge-saturation-fixed",
      note: "fixed:2.5 relu Elman with recurrent weight 3: h saturates at max 3.96875",
      spec: elman("fixed:2.5", "relu", 1, 3),
    },
    {
      id: "edge-tanh-below-one-fixed",
      note: "fixed:2.5 floor: tanh(30) is below 1 and floors to 0.96875",
      spec: elman("fixed:2.5", "tanh", 30, 0),
    },
    {
      id: "edge-ties-nearest",
      note: "fixed:2.5:nearest linear cell a = 0.5: odd codes halve to ties, which go to even",
      spec: linear(
        "fixed:2.5:nearest",
        [0.5, -0.5],
        [
          [0.90625, 0],
          [0, 0.90625],
        ],
        [0.03125, -0.03125],
        [
          [1, 0.5],
          [0.65625, -1],
        ],
      ),
    },
    {
      id: "edge-subnormals-float16",
      note: "float16 linear cell a = 2^-8: the state decays through the subnormals to 0",
      spec: linear(
        "float16",
        [2 ** -8, 2 ** -6],
        [
          [2 ** -14, 0],
          [0, 2 ** -12],
        ],
        [0, 0],
        [
          [1, 1],
          [0.5, -0.5],
        ],
      ),
    },
    {
      id: "edge-signed-zero-float32",
      note: "float32 linear cell a = -1, zero inputs: states and logits of both signs of zero",
      spec: linear(
        "float32",
        [-1, 1],
        [
          [0, 0],
          [0, -1],
        ],
        [0, 0],
        [
          [0, 0],
          [0, 1],
        ],
      ),
    },
    {
      id: "edge-overflow-nan-float16",
      note: "float16 relu Elman, weights 300: h overflows to infinity; the head's inf - inf is NaN",
      spec: { ...elman("float16", "relu", 300, 300), head: { weight: [[1], [-1]], bias: [0, 0] } },
    },
    {
      id: "edge-overflow-nan-bfloat16",
      note: "bfloat16 linear cell a = 2^100: inf, then inf * 0 = NaN in the state",
      spec: linear(
        "bfloat16",
        [2 ** 100, 2 ** 100],
        [
          [2 ** 100, 0],
          [0, 2 ** 100],
        ],
        [0, 0],
        [
          [2 ** 100, 1],
          [0, 0],
        ],
      ),
    },
    {
      id: "edge-attention-overflow-float16",
      note: "float16 one-layer Transformer with weights 100: logits overflow, exponentials are NaN, exact sums carry the special bits",
      spec: bigTransformer(),
    },
  ];
}

function bigTransformer(): TransformerModelSpec {
  return {
    ccbound: "model",
    version: 1,
    name: "edge float16 transformer",
    arch: "transformer",
    format: "float16",
    vocab: ["a", "b"],
    labels: ["x", "y"],
    tokenEmbedding: [
      [100, 1],
      [-100, 1],
    ],
    positionEmbedding: [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ],
    causal: false,
    layers: [
      {
        heads: [{ query: [[100, 0]], key: [[100, 0]], value: [[1, 1]] }],
        output: [[1], [0]],
        ffn: null,
      },
    ],
    head: {
      weight: [
        [1, 0],
        [0, 1],
      ],
      bias: [0, 0],
    },
  };
}

interface ModelEntry {
  id: string;
  arch: string;
  format: string;
  note?: string;
  spec: ModelSpec;
  inputs: string[][];
}

/** Every architecture in every format, plus the edge cases. */
export function modelEntries(): ModelEntry[] {
  const out: ModelEntry[] = [];
  const rngInputs = new Rng(0x1a);
  const inputs = (vocab: readonly string[], lengths: number[]) =>
    lengths.map((n) => Array.from({ length: n }, () => vocab[rngInputs.int(vocab.length)]!));
  let seed = 100;
  for (const format of MODEL_FORMATS) {
    for (const cell of ["elman", "elman-relu", "lstm", "gru", "linear"] as const)
      out.push({
        id: `${cell}-${format}`,
        arch: cell,
        format,
        spec: recurrentSpec(cell, format, seed++),
        inputs: inputs(VOCAB, [1, 4, 7]),
      });
    out.push({
      id: `lstm-stacked-${format}`,
      arch: "lstm x2 with position embeddings",
      format,
      spec: recurrentSpec("lstm", format, seed++, 2, 6),
      inputs: inputs(VOCAB, [3, 6]),
    });
    out.push({
      id: `transformer-${format}`,
      arch: "transformer (1 layer)",
      format,
      spec: transformerSpec(format, seed++, 1, false),
      inputs: inputs(VOCAB, [1, 5, 8]),
    });
    out.push({
      id: `transformer2-${format}`,
      arch: "transformer (2 layers, causal)",
      format,
      spec: transformerSpec(format, seed++, 2, true),
      inputs: inputs(VOCAB, [2, 6]),
    });
  }
  out.push({
    id: "dfa",
    arch: "dfa",
    format: "dfa",
    spec: {
      ccbound: "model",
      version: 1,
      name: "conformance dfa",
      arch: "dfa",
      vocab: [...VOCAB],
      labels: [...LABELS],
      states: 5,
      start: 0,
      transitions: [
        [1, 2, 0],
        [3, 0, 4],
        [4, 4, 1],
        [0, 3, 2],
        [2, 1, 3],
      ],
      output: [0, 1, 2, 1, 0],
    },
    inputs: inputs(VOCAB, [1, 4, 7]),
  });
  for (const e of edgeCaseSpecs())
    out.push({
      id: e.id,
      arch: e.spec.arch,
      format: "format" in e.spec ? e.spec.format : "dfa",
      note: e.note,
      spec: e.spec,
      inputs: [["a"], ["a", "a", "a"], ["a", "b", "a", "b"]],
    });
  // The gpt2 and torch-encoder blocks (docs/semantics.md 7.3), last, so that the other entries' seeds and inputs stay as they were.
  // Four formats (two IEEE, two fixed): an IEEE exact sum is some 300 bits, and the protocols file grows with them.
  let blockSeed = 700;
  for (const format of ["float32", "bfloat16", "fixed:2.5:nearest", "fixed:1.50"])
    for (const [block, extra] of [
      ["gpt2", {}],
      ["torch-encoder", { normFirst: false, activation: "relu" }],
      ["torch-encoder", { normFirst: true, activation: "gelu" }],
    ] as const) {
      const how = "normFirst" in extra ? `-${extra.normFirst ? "first" : "post"}-${extra.activation}` : "";
      out.push({
        id: `${block}${how}-${format}`,
        arch: `transformer (1 ${block} layer${how && `, ${how.slice(1).replace("-", " ")}`})`,
        format,
        spec: randomTransformer({
          ...{ width: 4, heads: 2, layers: 1, maxLength: 8, ffn: 3, format, block, ...extra },
          ...{ vocab: VOCAB, labels: ["x", "y"], seed: blockSeed++ },
        }),
        inputs: inputs(VOCAB, [1, 5, 8]),
      });
    }
  // S4D and RetNet (after everything else, so that the other entries keep their seeds and inputs): random models of
  // the registry's own generator, in every format; RetNet's rotation reads the position, so its runs cover several.
  for (const [i, format] of MODEL_FORMATS.entries())
    for (const arch of ["s4d", "retnet"] as const)
      out.push({
        id: `${arch}-${format}`,
        arch,
        format,
        spec: randomModel({ arch, hidden: 2, format, vocab: [...VOCAB], labels: [...LABELS], seed: 700 + i }),
        inputs: inputs(VOCAB, [1, 4, 7]),
      });
  return out;
}

function modelRuns(entry: ModelEntry) {
  const model = compileModel(entry.spec);
  const ids = (tokens: string[]) => Int32Array.from(tokens, (t) => model.vocab.indexOf(t));
  return entry.inputs.map((input) => {
    if (model.kind === "transformer") {
      const f = model.format;
      const vector = Array.from(model.finalVector(ids(input)), (v) => codeHex(f, v));
      const logits = Array.from(model.logits(ids(input)), (v) => codeHex(f, v));
      return { input, finalVector: vector, logits, output: model.labels[model.forward(ids(input))]! };
    }
    const state = feed(model, model.newState(), ids(input));
    const bits = encodeState(model, state);
    const format = entry.spec.arch === "recurrent" ? parseFormat(entry.spec.format) : undefined;
    return {
      input,
      state: { bits: bits.length, hex: bits.toHex() },
      logits: Array.from(model.logits(state), (v) => (format ? codeHex(format, v) : String(v))),
      output: model.labels[model.readout(state)]!,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Protocols: Theorem 2 at a cut (recurrent models), Theorem 4 at a cut and at odd-even (one-layer Transformers).

function protocolVectors(entries: ModelEntry[]) {
  const out = [];
  for (const entry of entries) {
    const model = compileModel(entry.spec);
    const ids = (tokens: string[]) => Int32Array.from(tokens, (t) => model.vocab.indexOf(t));
    for (const input of entry.inputs) {
      const n = input.length;
      if (n < 2) continue;
      if (model.kind === "recurrent") {
        const cut = Math.floor(n / 2);
        const all = ids(input);
        const r = run(theorem2Protocol(model, cut, n), all.subarray(0, cut), all.subarray(cut));
        out.push(protocolRecord(entry.id, "2", String(cut), input, r, model.labels));
      } else if (model.layers.length === 1) {
        for (const split of [cutSplit(n, Math.ceil(n / 2)), oddEvenSplit(n)] as Split[]) {
          const all = ids(input);
          const r = run(
            theorem4Protocol(model as TransformerModel, split),
            tokensOf(all, split.alice),
            tokensOf(all, split.bob),
          );
          out.push(protocolRecord(entry.id, "4", split.name, input, r, model.labels));
        }
      }
    }
  }
  return out;
}

function protocolRecord(
  model: string,
  theorem: string,
  split: string,
  input: string[],
  r: { output: number; transcript: Transcript; cost: number },
  labels: readonly string[],
) {
  const all = transcriptBits(r.transcript);
  return {
    model,
    theorem,
    split,
    input,
    messages: r.transcript.map((m) => ({ from: m.from, bits: m.bits.length, hex: m.bits.toHex() })),
    transcriptBits: all.length,
    transcriptHex: all.toHex(),
    cost: r.cost,
    output: labels[r.output]!,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Certificates (version 2, docs/verdicts.md; their own file, regenerated by `npx tsx scripts/conformance.ts certificates`).

const COLLISION_SEARCH: readonly FeedName[] = ["fooling-set"];

export function certificateEntries() {
  const lstm = recurrentSpec("lstm", "fixed:1.2", 7);
  lstm.vocab = indexLookup(20).vocab.slice();
  lstm.embedding = lstm.vocab.map((_, i) =>
    lstm.embedding[i % 3]!.map((v, j) => parseFormat("fixed:1.2").round(v + i / 16 + j / 32)),
  );
  lstm.labels = ["0", "1"];
  lstm.head = { weight: lstm.head.weight.slice(0, 2), bias: lstm.head.bias.slice(0, 2) };
  // A GRU that ignores its input and always answers "1": every element of EQ's fooling set collides with every other
  // (Theorem 2's one-way record at the halves' cut), and a Transformer whose queries are 0 and whose head always
  // answers "1": every Dyck fooling-set element sends one Theorem 4 transcript (a collision at odd-even).
  const gru = recurrentSpec("gru", "float16", 8);
  gru.vocab = ["0", "1"];
  gru.embedding = gru.embedding.slice(0, 2);
  const g = gru.layers[0] as { weight_ih: number[][] };
  g.weight_ih = g.weight_ih.map((row) => row.map(() => 0));
  gru.labels = ["0", "1"];
  gru.head = { weight: gru.head.weight.slice(0, 2).map((row) => row.map(() => 0)), bias: [0, 0.5] };
  const copyGru = randomModel({
    arch: "gru",
    hidden: 2,
    format: "fixed:1.2",
    vocab: copy(12, 2).vocab,
    labels: copy(12, 2).labels,
    seed: 3,
  }) as ModelSpec;
  const t = transformerSpec("fixed:2.5", 9, 1, false);
  t.vocab = dyck(8).vocab.slice();
  t.tokenEmbedding = t.vocab.map((_, i) => t.tokenEmbedding[i % 3]!);
  t.labels = ["0", "1"];
  for (const h of (t.layers[0]! as PaperLayer).heads) h.query = h.query.map((row) => row.map(() => 0));
  t.head = { weight: t.head.weight.map((row) => row.map(() => 0)), bias: [0, 0.5] };
  return [
    // The default portfolio finds the LSTM's plain wrong answer; the other two run the collision search alone
    // (`--feeds fooling-set`), which is what gives a collision certificate on a model wrong on most inputs.
    { id: "index-lookup-lstm-fixed", spec: lstm as ModelSpec, task: indexLookup(20), seed: 1, only: undefined },
    { id: "equality-gru-float16", spec: gru as ModelSpec, task: equality(8), seed: 2, only: COLLISION_SEARCH },
    { id: "dyck-transformer-fixed", spec: t as ModelSpec, task: dyck(8), seed: 3, only: COLLISION_SEARCH },
    // Copying (a sequence answer, docs/semantics.md §6.5): a GRU with 8 state bits against 12; two strings with one
    // state at the delimiter, `expected` and `answer` the sequences joined by spaces.
    { id: "copy-gru-fixed", spec: copyGru, task: copy(12, 2), seed: 1, only: ["dedup"] as FeedName[] },
  ];
}

function certificateVectors() {
  return certificateEntries().map(({ id, spec, task, seed, only }) => {
    const model = compileModel(spec);
    bind(model, task);
    const verdict = refute(model, task, only ? { seed, only } : { seed });
    if (verdict.kind !== "refuted") throw new Error(`conformance: ${id} was not refuted (${verdict.kind})`);
    const certificate = certificateOf(verdict, {
      toolVersion: VERSION,
      modelSha256: modelSha256(spec),
      format: model.formatName,
      task,
      replay: `ccbound verify ${id}.cert.json --model ${id}.json`,
    });
    return { id, model: spec, refute: only ? { seed, feeds: only } : { seed }, certificate };
  });
}

// ---------------------------------------------------------------------------------------------------------------

const header = (file: string, about: string) => ({
  ccbound: "conformance",
  file,
  version: CONFORMANCE_VERSION,
  tool: VERSION,
  about,
});

/** Every file's text, by name. */
export function generate(only?: string): Map<string, string> {
  const files = new Map<string, unknown>();
  const want = (name: string) => only === undefined || only === name;
  if (want("formats"))
    files.set("formats", {
      ...header(
        "formats",
        "round() from binary64 bit patterns, the operations, dot products and exact sums; every value as its format's code in hex (docs/semantics.md)",
      ),
      formats: NUMBER_FORMATS.map(formatVectors),
    });
  if (want("transcendentals"))
    files.set("transcendentals", {
      ...header(
        "transcendentals",
        "[argument code, result code] per function and format: the real function rounded once",
      ),
      functions: [...FUNCTIONS],
      formats: NUMBER_FORMATS.map(transcendentalVectors),
    });
  const entries = want("models") || want("protocols") ? modelEntries() : [];
  if (want("models"))
    files.set("models", {
      ...header(
        "models",
        "model files with inputs, and the exact bits of the final state (Theorem 2's message), logits and output",
      ),
      models: entries.map((e) => ({
        id: e.id,
        arch: e.arch,
        format: e.format,
        ...(e.note && { note: e.note }),
        spec: e.spec,
        runs: modelRuns(e),
      })),
    });
  if (want("protocols"))
    files.set("protocols", {
      ...header(
        "protocols",
        "Theorem 2 at a cut and Theorem 4 at a cut and at odd-even: every message, the transcript, the output",
      ),
      protocols: protocolVectors(entries),
    });
  if (want("certificates"))
    files.set("certificates", {
      ...header(
        "certificates",
        "certificates (version 2) of refuted models from ccbound's public API, each with the seed that found it",
      ),
      certificates: certificateVectors(),
    });
  return new Map([...files].map(([name, value]) => [name, `${prettyJson(value)}\n`]));
}

export const CONFORMANCE_DIR = fileURLToPath(new URL("../conformance/", import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const only = process.argv[2];
  for (const [name, text] of generate(only)) {
    writeFileSync(join(CONFORMANCE_DIR, `${name}.json`), text);
    process.stdout.write(`conformance/${name}.json: ${text.length} bytes\n`);
  }
}
