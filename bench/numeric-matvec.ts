/**
 * Micro benchmark: 256x256 matrix-vector products per second, per number format, with the rounding of arithFor
 * (round after every multiply and add). Run: npx tsx bench/numeric-matvec.ts [--quick] [--out FILE]. Prints one JSON
 * object (and writes it to FILE); --quick times 150 ms windows instead of 1 s and runs only float64 and float32 in
 * separate processes (each child pays a few seconds of start-up on a loaded machine):
 * - isolated: each format in a fresh process (no other format has warmed up the shared loops);
 * - mixed: all formats in one process, measured after every format has run, so the kernels that formats of one
 *   family share (float16 with bfloat16, all fixed formats) carry feedback from all of them;
 * - polymorphicBaseline: one plain loop taking the rounder as an argument, called with several rounders
 *   (the design's "loop shared by several rounders" that the per-family loops avoid).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { arithFor, parseFormat, type NumberFormat } from "../src/numeric/index.js";
import { benchArgs, emit } from "./args.js";

const N = 256;
const args = benchArgs();
const WINDOW_MS = args.quick ? 150 : 1000;
const FORMATS = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "fixed:7.8",
  "fixed:7.8:nearest",
  "fixed:15.16",
  "fixed:20.30",
];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
}

function setup(format: NumberFormat) {
  const rand = lcg(42);
  const w = new Float64Array(N * N).map(() => format.round(rand() / 16));
  const v = new Float64Array(N).map(() => format.round(rand()));
  const bias = new Float64Array(N).map(() => format.round(rand()));
  return { w, v, bias, out: new Float64Array(N) };
}

/** Runs for about `ms` milliseconds after a warm-up and returns products per second. */
function rate(run: () => void, ms = WINDOW_MS): number {
  for (let i = 0; i < 50; i++) run();
  let count = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 10; i++) run();
    count += 10;
    t = performance.now();
  }
  return Math.round((count * 1000) / (t - t0));
}

function measure(name: string): number {
  const format = parseFormat(name);
  const arith = arithFor(format);
  const { w, v, bias, out } = setup(format);
  return rate(() => arith.matVec(w, N, N, v, bias, out));
}

function sharedLoop(
  round: (x: number) => number,
  w: Float64Array,
  v: Float64Array,
  bias: Float64Array,
  out: Float64Array,
): void {
  for (let r = 0, i = 0; r < N; r++) {
    let acc = 0;
    for (let j = 0; j < N; j++, i++) acc = round(acc + round(w[i]! * v[j]!));
    out[r] = round(acc + bias[r]!);
  }
}

function polymorphicBaseline(): Record<string, number> {
  const names = ["float32", "float16", "bfloat16", "fixed:7.8"];
  const cases = names.map((n) => ({ n, f: parseFormat(n), ...setup(parseFormat(n)) }));
  for (const c of cases) rate(() => sharedLoop(c.f.round, c.w, c.v, c.bias, c.out), WINDOW_MS / 5);
  return Object.fromEntries(cases.map((c) => [c.n, rate(() => sharedLoop(c.f.round, c.w, c.v, c.bias, c.out))]));
}

const self = fileURLToPath(import.meta.url);
if (process.argv[2] === "--one") {
  process.stdout.write(JSON.stringify(measure(process.argv[3] ?? "float64")));
} else {
  const isolated: Record<string, number> = {};
  for (const name of args.quick ? FORMATS.slice(0, 2) : FORMATS) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, self, "--one", name, ...(args.quick ? ["--quick"] : [])],
      { encoding: "utf8" },
    );
    if (child.status !== 0) throw new Error(`benchmark child for ${name} failed: ${child.stderr}`);
    isolated[name] = Number(child.stdout);
  }
  for (const name of FORMATS) measure(name); // warm every family with all its formats first
  const mixed = Object.fromEntries(FORMATS.map((name) => [name, measure(name)]));
  const result = {
    benchmark: "matVec 256x256 with bias, products per second",
    node: process.version,
    quick: args.quick,
    isolated,
    mixed,
    polymorphicBaseline: polymorphicBaseline(),
  };
  emit(result, args);
}
