/**
 * Forward-pass throughput: recurrent steps per second for Elman, LSTM and GRU at hidden 16, 64 and 256, per number
 * format, for the library's compiled models and for the naive oracle (bench/naive-forward.ts); and refutation
 * throughput (dedup search states per second). Writes JSON to stdout (and to --out FILE).
 * Run: npx tsx bench/forward.ts [--quick] [--out bench/results/forward.json] [--only lstm:64:float32,...]
 * (--only: just those cell:hidden:format rows, no naive column and no dedup figure, for a quick paired comparison
 * with bench/pytorch-lstm.py).
 */
import {
  compileModel,
  indexLookup,
  indexLookupDfa,
  randomModel,
  refute,
  type RecurrentModelSpec,
} from "../src/index.js";
import { benchArgs, emit } from "./args.js";
import { naiveStepsPerSecond } from "./naive-forward.js";

const args = benchArgs();
const quick = args.quick;
const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:7.8"];
const CELLS = ["elman", "lstm", "gru"] as const;
const HIDDEN = [16, 64, 256];
const budgetMs = quick ? 40 : 400;
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt > 0 ? new Set(process.argv[onlyAt + 1]!.split(",")) : undefined;

function spec(cell: (typeof CELLS)[number], hidden: number, format: string): RecurrentModelSpec {
  return randomModel({
    arch: cell,
    hidden,
    format,
    vocab: ["0", "1", "2", "3"],
    labels: ["0", "1"],
    seed: 1,
    embed: 16,
  }) as RecurrentModelSpec;
}

function stepsPerSecond(s: RecurrentModelSpec): number {
  const model = compileModel(s);
  const state = model.newState();
  const sweep = () => {
    for (let i = 0; i < 64; i++) model.step(state, i & 3, i);
  };
  // A quarter of the window first, so a short window does not time the compiler.
  for (const warm = performance.now(); performance.now() - warm < budgetMs / 4;) sweep();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    sweep();
    steps += 64;
  }
  return Math.round((steps * 1000) / (performance.now() - start));
}

const forward = [];
for (const cell of CELLS)
  for (const hidden of HIDDEN)
    for (const format of FORMATS) {
      if (only && !only.has(`${cell}:${hidden}:${format}`)) continue;
      const s = spec(cell, hidden, format);
      if (only) {
        forward.push({ cell, hidden, format, stepsPerSecond: stepsPerSecond(s) });
        continue;
      }
      const stepsPerSecondLib = stepsPerSecond(s);
      const naive = naiveStepsPerSecond(s, budgetMs);
      forward.push({
        cell,
        hidden,
        format,
        stepsPerSecond: stepsPerSecondLib,
        naiveStepsPerSecond: naive,
        speedup: Number((stepsPerSecondLib / naive).toFixed(1)),
      });
    }

/** Dedup search on a model with as many distinct states as inputs: the DFA storing all N symbols. */
function dedupThroughput() {
  const n = quick ? 14 : 17;
  const t0 = performance.now();
  const v = refute(compileModel(indexLookupDfa(n)), indexLookup(n), { strategy: "dedup", only: ["dedup"] });
  const seconds = (performance.now() - t0) / 1000;
  return {
    model: `index-lookup DFA n=${n}`,
    verdict: v.kind,
    runs: v.search.runs,
    seconds: Number(seconds.toFixed(3)),
    runsPerSecond: Math.round(v.search.runs / seconds),
  };
}

emit(
  { bench: "forward", node: process.version, quick, budgetMs, forward, ...(!only && { dedup: dedupThroughput() }) },
  args,
);
