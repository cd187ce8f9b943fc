/**
 * The cost of correctly rounded transcendentals (issue 14): (1) nanoseconds per call of every Arith transcendental
 * per number format, beside V8's Math.exp / Math.tanh (which are not correctly rounded), with how often the exact
 * slow path ran; (2) the recurrent forward pass (steps per second) of this checkout against another checkout's
 * library, given with --baseline, in one process, alternating pairs and reporting the median ratio. Times are CPU
 * time (process.cpuUsage), which a shared machine disturbs less than wall time.
 * Run: npx tsx bench/transcendental.ts [--quick] [--out bench/results/transcendental.json]
 *        [--baseline /path/to/other/checkout/src/index.ts] [--pairs 7]
 */
import { arithFor, compileModel, parseFormat, randomModel, Rng, type RecurrentModelSpec } from "../src/index.js";
import { slowPathStats } from "../src/numeric/slow-path.js";
import { benchArgs, emit } from "./args.js";

const args = benchArgs();
const quick = args.quick;
const flag = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const baselinePath = flag("--baseline");
const pairs = Number(flag("--pairs") ?? (quick ? 3 : 7));
const budgetMs = quick ? 60 : 250;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Calls per second of f over xs, by CPU time, after a warm-up. */
function callRate(f: (x: number) => number, xs: Float64Array): number {
  let acc = 0;
  for (let w = 0; w < 3; w++) for (let i = 0; i < xs.length; i++) acc += f(xs[i]!);
  let calls = 0;
  const t0 = cpuMs();
  while (cpuMs() - t0 < budgetMs) {
    for (let i = 0; i < xs.length; i++) acc += f(xs[i]!);
    calls += xs.length;
  }
  if (acc === 0.5) process.stderr.write(""); // keeps acc alive
  return (calls * 1000) / (cpuMs() - t0);
}

const FUNCTIONS = ["exp", "tanh", "sigmoid", "softplus", "silu", "log", "erf", "gelu", "geluTanh"] as const;
const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:7.8", "fixed:1.50", "fixed:7.8:nearest"];

function callTable() {
  const rows = [];
  for (const name of FORMATS) {
    const format = parseFormat(name);
    const arith = arithFor(format);
    const rng = new Rng(1);
    // Pre-activations of a typical model: normal, sd 3, rounded to the format; log gets |x|.
    const xs = Float64Array.from({ length: 4096 }, () => {
      const u = Math.max(rng.float(), 1e-12);
      const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
      return format.round(3 * g);
    });
    const abs = xs.map((x) => Math.abs(x) + 2 ** -10);
    const row: Record<string, number | string> = { format: name };
    for (const fn of FUNCTIONS) {
      const before = slowPathStats.calls;
      const f = arith[fn];
      const rate = callRate(fn === "log" ? (x) => f(x) : f, fn === "log" ? abs : xs);
      row[`${fn} ns`] = Number((1e9 / rate).toFixed(1));
      row[`${fn} slow`] = slowPathStats.calls - before;
    }
    rows.push(row);
  }
  const math = {
    "Math.exp ns": Number(
      (
        1e9 /
        callRate(
          Math.exp,
          Float64Array.from({ length: 4096 }, (_, i) => (i - 2048) / 300),
        )
      ).toFixed(1),
    ),
    "Math.tanh ns": Number(
      (
        1e9 /
        callRate(
          Math.tanh,
          Float64Array.from({ length: 4096 }, (_, i) => (i - 2048) / 300),
        )
      ).toFixed(1),
    ),
  };
  return { rows, math };
}

interface Lib {
  compileModel: typeof compileModel;
  randomModel: typeof randomModel;
}

const CONFIGS: [string, number, string][] = [];
for (const cell of ["elman", "lstm", "gru"])
  for (const hidden of [16, 64])
    for (const format of ["float64", "float32", "float16", "fixed:7.8"]) CONFIGS.push([cell, hidden, format]);

function stepRate(lib: Lib, cell: string, hidden: number, format: string): number {
  const spec = lib.randomModel({
    arch: cell as "lstm",
    hidden,
    format,
    vocab: ["0", "1", "2", "3"],
    labels: ["0", "1"],
    seed: 1,
    embed: 16,
  }) as RecurrentModelSpec;
  const model = lib.compileModel(spec);
  const state = model.newState();
  const sweep = () => {
    for (let i = 0; i < 64; i++) model.step(state, i & 3, i);
  };
  for (const t = cpuMs(); cpuMs() - t < budgetMs / 4;) sweep();
  let steps = 0;
  const t0 = cpuMs();
  while (cpuMs() - t0 < budgetMs) {
    sweep();
    steps += 64;
  }
  return (steps * 1000) / (cpuMs() - t0);
}

async function forwardTable() {
  if (baselinePath === undefined) return undefined;
  const base = (await import(baselinePath)) as Lib;
  const ours: Lib = { compileModel, randomModel };
  const rows = [];
  for (const [cell, hidden, format] of CONFIGS) {
    const ratios: number[] = [];
    const oursRates: number[] = [];
    const baseRates: number[] = [];
    for (let p = 0; p < pairs; p++) {
      // Alternate which goes first, so a drift in the machine's load does not favour one side.
      const first = p % 2 === 0;
      const a = first ? stepRate(base, cell, hidden, format) : 0;
      const b = stepRate(ours, cell, hidden, format);
      const c = first ? a : stepRate(base, cell, hidden, format);
      baseRates.push(c);
      oursRates.push(b);
      ratios.push(c / b);
    }
    const median = (v: number[]) => [...v].sort((x, y) => x - y)[Math.floor(v.length / 2)]!;
    rows.push({
      cell,
      hidden,
      format,
      baselineStepsPerSecond: Math.round(median(baseRates)),
      stepsPerSecond: Math.round(median(oursRates)),
      slowdown: Number(median(ratios).toFixed(2)),
    });
    process.stderr.write(`${cell} ${hidden} ${format}: x${median(ratios).toFixed(2)}\n`);
  }
  return rows;
}

const calls = callTable();
const forward = await forwardTable();
emit(
  {
    bench: "transcendental",
    node: process.version,
    quick,
    budgetMs,
    pairs,
    baseline: baselinePath ?? null,
    calls,
    ...(forward && { forward }),
  },
  args,
);
