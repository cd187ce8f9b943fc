import { DOWN, KMAX, KMIN, NEAREST, UP, fixedParams, roundHalfEven } from "../../numeric/fixed.js";
import { roundSplit } from "../../numeric/arith-fixed.js";
import { productError } from "../../numeric/two-product.js";
import type { FixedFormat } from "../../numeric/fixed.js";
import { parseFormat } from "../../numeric/parse.js";
import type { RecurrentModel } from "../../models/model.js";
import type { RecurrentLayer, RecurrentModelSpec } from "../../models/spec.js";

/*
 * A fast runner for small fixed-point recurrent models: the hot loop of a collision walk (a protocol run is N model
 * steps). The model's own step goes through per-cell closures and an Arith object, a call per operation that
 * returns a boxed double: about 1.4 us of CPU a step for hash-equality at c = 48 (five state values). A module-level
 * loop per cell kind with the rounding inline still took 0.8 us (the calls between small loops dominate). So the
 * step is generated as straight-line code, one statement per operation, with the weights as literals and the
 * format's constants inlined, in the model's order of operations; products by a zero weight are left out (exact:
 * fixed-point values are finite, so round(acc + round(0 * v)) = acc). It allocates nothing: about 0.05 us a step,
 * 6 us for a whole protocol run at N = 128 with the token fill and the hashing (measured, Node 20, CPU time).
 * The source is built from numbers only (each written by String(), which round-trips a double exactly), never from
 * text in a model file. It is an optimisation, not a second definition: `fixedKernel` runs it against the model's
 * own step on sample inputs and gives up on any difference, and every collision a walk reports is re-checked
 * through the protocol itself.
 */

/** Largest step, in products, written out as straight-line code; larger models use their own step. */
export const KERNEL_LIMIT = 4096;

/** roundFixed of src/numeric/fixed.ts for |t| >= 2^51 (off the hot path), on the scaled value t = x 2^F. */
function rWide(t: number, p: Float64Array): number {
  const k = p[NEAREST] === 1 ? roundHalfEven(t) : Math.floor(t);
  return Math.min(Math.max(k, p[KMIN]!), p[KMAX]!) * p[DOWN]! + 0;
}

/** A product binary64 may have rounded (|a b| >= 2^(53 - 2F)): arith-fixed.ts's rule, off the hot path. */
function mulWide(a: number, b: number, p: Float64Array): number {
  const prod = a * b;
  return roundSplit(prod * p[UP]!, productError(a, b, prod) * p[UP]!, p[DOWN]!, p[KMIN]!, p[KMAX]!, p[NEAREST] === 1);
}

/** The cells this file writes a kernel for; a model with any other cell (Mamba, ...) runs its own step. */
const KERNEL_CELLS: ReadonlySet<string> = new Set(["elman", "lstm", "gru", "linear"]);
type KernelLayer = Extract<RecurrentLayer, { cell: "elman" | "lstm" | "gru" | "linear" }>;
/** The layers of a model every layer of which is one of KERNEL_CELLS (fixedKernel checked it). */
const kernelLayers = (spec: RecurrentModelSpec) => spec.layers as KernelLayer[];

export interface FixedKernel {
  /** Steps tokens[from, to) at positions start, start + 1, ... in place on a state laid out as the model's. */
  feed(state: Float64Array, tokens: Int32Array, from: number, to: number, start: number): void;
}

/**
 * The kernel for a small fixed-point recurrent model file, or undefined when there is none: not fixed point (IEEE
 * formats, DFAs), over KERNEL_LIMIT products a step, or different from the model's own step on a sample input.
 */
export function fixedKernel(
  spec: RecurrentModelSpec,
  model: RecurrentModel,
  samples: readonly Int32Array[],
): FixedKernel | undefined {
  if (spec.arch !== "recurrent" || !spec.layers.every((l) => KERNEL_CELLS.has(l.cell))) return undefined;
  const format = parseFormat(spec.format);
  if (format.kind !== "fixed" || products(spec) > KERNEL_LIMIT) return undefined;
  const kernel = buildKernel(spec, format as FixedFormat, model);
  return samples.every((tokens) => agrees(kernel, model, tokens)) ? kernel : undefined;
}

function products(spec: RecurrentModelSpec): number {
  let total = spec.positionEmbedding ? (spec.embedding[0]?.length ?? 0) : 0;
  for (const l of kernelLayers(spec))
    total +=
      l.cell === "linear"
        ? l.hidden * (l.b[0]?.length ?? 0) + l.hidden
        : l.weight_ih.length * ((l.weight_ih[0]?.length ?? 0) + l.hidden);
  return total;
}

/** Every intermediate state equal, bit for bit (Object.is: +0 and -0 differ), to the model's own step. */
function agrees(kernel: FixedKernel, model: RecurrentModel, tokens: Int32Array): boolean {
  const mine = model.newState();
  const theirs = model.newState();
  for (let t = 0; t < tokens.length; t++) {
    kernel.feed(mine, tokens, t, t + 1, t);
    model.step(theirs, tokens[t]!, t);
    for (let i = 0; i < mine.length; i++) if (!Object.is(mine[i], theirs[i])) return false;
  }
  return true;
}

function buildKernel(spec: RecurrentModelSpec, format: FixedFormat, model: RecurrentModel): FixedKernel {
  const p = fixedParams(format.intBits, format.fracBits, format.rounding);
  const d = spec.embedding[0]?.length ?? 0;
  const embedding = flat(spec.embedding, d, format.round);
  const positions = spec.positionEmbedding ? flat(spec.positionEmbedding, d, format.round) : new Float64Array(0);
  const maxLength = spec.positionEmbedding?.length ?? Infinity;
  const e = new Emit(format);
  const body = feedSource(spec, d, e);
  // The generated loop reads the embedding rows and writes the state; everything else in it is a literal.
  const make = new Function("E", "P", "p", "rWide", "mulWide", body) as (...args: unknown[]) => FixedKernel["feed"];
  const feed = make(embedding, positions, p, rWide, mulWide);
  return {
    feed(state, tokens, from, to, start) {
      // Tokens past the model's positions: its own step, which fails there in its own words.
      if (start + (to - from) > maxLength)
        for (let t = from; t < to; t++) model.step(state, tokens[t]!, start + t - from);
      else feed(state, tokens, from, to, start);
    },
  };
}

/** A double as a JavaScript literal that reads back exactly. */
function lit(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`a weight of ${x} cannot be compiled`);
  return Object.is(x, -0) ? "-0" : String(x);
}

/**
 * Writes the statements of a step into numbered locals. Every rounding and product is written out where it is used,
 * not called: V8 inlines only so much into one function, and a call that is not inlined returns its double boxed
 * (measured: 12% of a walk's time in the garbage collector with calls, none without).
 */
class Emit {
  readonly out: string[] = [];
  private n = 0;
  private readonly up: string;
  private readonly down: string;
  private readonly kmin: string;
  private readonly kmax: string;

  constructor(readonly format: FixedFormat) {
    this.up = lit(2 ** format.fracBits);
    this.down = lit(2 ** -format.fracBits);
    this.kmin = lit(-(2 ** (format.intBits + format.fracBits)));
    this.kmax = lit(2 ** (format.intBits + format.fracBits) - 1);
  }

  /** A new local holding expr. */
  local(expr: string): string {
    const name = `v${this.n++}`;
    this.out.push(`const ${name} = ${expr};`);
    return name;
  }

  /**
   * round(expr), as roundFixed does it. Rounding down needs no branch: Math.floor is exact at every magnitude, and
   * NaN and the infinities clamp as roundFixedWide's do. To nearest, |t| >= 2^51 goes to rWide.
   */
  round(expr: string): string {
    const t = this.local(`(${expr}) * ${this.up}`);
    const k =
      this.format.rounding === "nearest"
        ? `(Math.abs(${t}) < 2251799813685248 ? ${t} + 6755399441055744 - 6755399441055744 : rWide(${t}, p))`
        : `Math.floor(${t})`;
    return this.local(`Math.min(Math.max(${k}, ${this.kmin}), ${this.kmax}) * ${this.down} + 0`);
  }

  /** round(a * b): exact in binary64 below 2^(53 - 2F), else TwoProduct's error decides (mulWide). */
  mul(a: string, b: string): string {
    const q = this.local(`${a} * ${b}`);
    const exact = this.round(q);
    return this.local(
      `Math.abs(${q}) < ${lit(2 ** (53 - 2 * this.format.fracBits))} ? ${exact} : mulWide(${a}, ${b}, p)`,
    );
  }

  /** tanh and sigmoid in binary64, a result of 1 read as "just below 1" when rounding down (arith-fixed.ts's belowOne). */
  squash(f: "tanh" | "sigmoid", x: string): string {
    const y = this.local(f === "tanh" ? `Math.tanh(${x})` : `1 / (1 + Math.exp(-${x}))`);
    return this.round(
      this.format.rounding === "nearest" ? y : `${y} === 1 ? ${lit(1 - 2 ** -this.format.fracBits)} : ${y}`,
    );
  }
}

/**
 * The loop over tokens with one step inside, layer by layer in cells.ts's order: every row's input products, every
 * row's hidden products (from the old h), then the update. The state is read once and written once a step.
 */
function feedSource(spec: RecurrentModelSpec, d: number, e: Emit): string {
  const round = e.format.round;
  const x = Array.from({ length: d }, (_, c) =>
    spec.positionEmbedding ? e.round(`E[tok * ${d} + ${c}] + P[pos * ${d} + ${c}]`) : e.local(`E[tok * ${d} + ${c}]`),
  );
  let input = x;
  let offset = 0;
  for (const layer of kernelLayers(spec)) {
    input =
      layer.cell === "linear"
        ? linearSource(layer, input, offset, e, round)
        : gatedSource(layer, input, offset, e, round);
    offset += layer.cell === "lstm" ? 2 * layer.hidden : layer.hidden;
  }
  return [
    "return function feed(st, tokens, from, to, start) {",
    "for (let t = from, pos = start; t < to; t++, pos++) {",
    "const tok = tokens[t];",
    ...e.out,
    "}",
    "};",
  ].join("\n");
}

/**
 * round(dot(w, xs) + bias), the dot rounded after every product and every sum, from 0 (arith.matVec). Every value
 * a step sees is on the grid, so round(1 * x) = x, round(x + 0) = x and the first sum round(0 + t) = t: those
 * operations are left out, as are products by a zero weight.
 */
function dotSource(
  w: readonly number[],
  xs: readonly string[],
  bias: number,
  e: Emit,
  round: (x: number) => number,
): string {
  let acc = "";
  w.forEach((raw, c) => {
    const wc = round(raw);
    if (wc === 0) return;
    const product = wc === 1 ? xs[c]! : e.mul(lit(wc), xs[c]!);
    acc = acc === "" ? product : e.round(`${acc} + ${product}`);
  });
  const b = round(bias);
  return acc === "" ? e.local(lit(b)) : b === 0 ? acc : e.round(`${acc} + ${lit(b)}`);
}

function linearSource(
  layer: Extract<RecurrentLayer, { cell: "linear" }>,
  input: readonly string[],
  offset: number,
  e: Emit,
  round: (x: number) => number,
): string[] {
  const bx = layer.b.map((row, j) => dotSource(row, input, layer.bias[j]!, e, round));
  return bx.map((b, j) => {
    const a = round(layer.a[j]!);
    const old = e.local(`st[${offset + j}]`);
    const h = e.round(`${a === 1 ? old : e.mul(lit(a), old)} + ${b}`);
    e.out.push(`st[${offset + j}] = ${h};`);
    return h;
  });
}

function gatedSource(
  layer: Exclude<KernelLayer, { cell: "linear" }>,
  input: readonly string[],
  offset: number,
  e: Emit,
  round: (x: number) => number,
): string[] {
  const hidden = layer.hidden;
  const old = Array.from({ length: layer.cell === "lstm" ? 2 * hidden : hidden }, (_, j) =>
    e.local(`st[${offset + j}]`),
  );
  const h = old.slice(0, hidden);
  const gi = layer.weight_ih.map((row, i) => dotSource(row, input, layer.bias_ih[i]!, e, round));
  const gh = layer.weight_hh.map((row, i) => dotSource(row, h, layer.bias_hh[i]!, e, round));
  const sum = (i: number) => e.round(`${gi[i]} + ${gh[i]}`);
  const next: string[] = [];
  for (let j = 0; j < hidden; j++) {
    switch (layer.cell) {
      case "elman":
        next.push(layer.nonlinearity === "tanh" ? e.squash("tanh", sum(j)) : e.local(`Math.max(${sum(j)}, 0)`));
        break;
      case "lstm": {
        const [i, f, g, o] = [
          e.squash("sigmoid", sum(j)),
          e.squash("sigmoid", sum(hidden + j)),
          e.squash("tanh", sum(2 * hidden + j)),
          e.squash("sigmoid", sum(3 * hidden + j)),
        ];
        const c = e.round(`${e.mul(f, old[hidden + j]!)} + ${e.mul(i, g)}`);
        e.out.push(`st[${offset + hidden + j}] = ${c};`);
        next.push(e.mul(o, e.squash("tanh", c)));
        break;
      }
      case "gru": {
        const [r, z] = [e.squash("sigmoid", sum(j)), e.squash("sigmoid", sum(hidden + j))];
        const n = e.squash("tanh", e.round(`${gi[2 * hidden + j]} + ${e.mul(r, gh[2 * hidden + j]!)}`));
        next.push(e.round(`${n} + ${e.mul(z, e.round(`${h[j]} - ${n}`))}`));
        break;
      }
    }
    e.out.push(`st[${offset + j}] = ${next[j]};`);
  }
  return next;
}

function flat(m: readonly (readonly number[])[], cols: number, round: (x: number) => number): Float64Array {
  const out = new Float64Array(m.length * cols);
  m.forEach((row, i) => {
    for (let c = 0; c < cols; c++) out[i * cols + c] = round(row[c]!);
  });
  return out;
}
