/**
 * Transformer throughput: forward passes per second of one-layer models at N = 32 and 128 per number format, and
 * the fooling-set search through Theorem 4's protocol (protocol runs per second, Lemma 1's set at N = 16, a model
 * with all-distinct transcripts so the search runs through its budget). Writes JSON to stdout (and to --out FILE).
 * Run: npx tsx bench/transformer.ts [--quick] [--out bench/results/transformer.json]
 */
import { compileModel, dyck, planSearch, randomTransformer } from "../src/index.js";
import { Evaluator } from "../src/refute/portfolio/evaluator.js";
import { benchArgs, emit } from "./args.js";

const args = benchArgs();
const quick = args.quick;
const FORMATS = ["float64", "float32", "float16", "fixed:7.8"];
const VOCAB = ["a", "b", "c", "d"];

function forwardsPerSecond(n: number, format: string): number {
  const model = compileModel(
    randomTransformer({
      width: 16,
      headWidth: 8,
      heads: 2,
      layers: 1,
      maxLength: n,
      format,
      vocab: VOCAB,
      labels: ["0", "1"],
      seed: 1,
    }),
  );
  const tokens = Int32Array.from({ length: n }, (_, i) => i & 3);
  let runs = 0;
  const budgetMs = quick ? 150 : 600;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    model.forward(tokens);
    runs++;
  }
  return Math.round((runs * 1000) / (performance.now() - start));
}

function searchRunsPerSecond(format: string): { runs: number; seconds: number; runsPerSecond: number } {
  const task = dyck(16);
  const model = compileModel(
    randomTransformer({
      width: 4,
      headWidth: 4,
      heads: 2,
      layers: 1,
      maxLength: 16,
      format,
      vocab: task.vocab,
      labels: ["1", "0"],
      seed: 2,
    }),
  );
  // The fooling-set feed's units computed to the budget (each draw one Theorem 4 run and its transcript digest),
  // whatever they show: the throughput of the search, not of one verdict.
  const budget = quick ? 2000 : 20000;
  const evaluator = new Evaluator(planSearch(model, task, { strategy: "sample", budget, seed: 1 }));
  const t0 = performance.now();
  let runs = 0;
  for (let first = 0; first < budget; first += 64, runs += 64)
    evaluator.run({ feed: "fooling-set", first, count: 64, runs: 64 });
  const seconds = (performance.now() - t0) / 1000;
  return { runs, seconds: Number(seconds.toFixed(3)), runsPerSecond: Math.round(runs / seconds) };
}

const forward = [];
for (const n of [32, 128])
  for (const format of FORMATS)
    forward.push({ n, format, d: 16, m: 8, heads: 2, forwardsPerSecond: forwardsPerSecond(n, format) });
const search = FORMATS.map((format) => ({ format, ...searchRunsPerSecond(format) }));
emit({ bench: "transformer", node: process.version, quick, forward, search }, args);
