/**
 * Forward-pass throughput: recurrent steps per second for Elman, LSTM and GRU at hidden 16, 64 and 256, per number
 * format, and refutation throughput (dedup search states per second). Writes JSON to stdout (and to --out FILE).
 * Run: npx tsx bench/forward.ts [--quick] [--out bench/results/forward.json]
 */
import { writeFileSync } from "node:fs";
import { compileModel } from "../src/models/compile.js";
import { indexLookupDfa } from "../src/models/lookup-dfa.js";
import { randomModel } from "../src/models/random.js";
import { refute } from "../src/refute/refute.js";
import { indexLookup } from "../src/tasks/index-lookup.js";

const quick = process.argv.includes("--quick");
const outAt = process.argv.indexOf("--out");
const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:7.8"];
const CELLS = ["elman", "lstm", "gru"] as const;
const HIDDEN = quick ? [16, 64] : [16, 64, 256];

function stepsPerSecond(cell: (typeof CELLS)[number], hidden: number, format: string): number {
  const vocab = ["0", "1", "2", "3"];
  const model = compileModel(randomModel({ arch: cell, hidden, format, vocab, labels: ["0", "1"], seed: 1, embed: 16 }));
  const state = model.newState();
  let steps = 0;
  const budgetMs = quick ? 100 : 400;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    for (let i = 0; i < 64; i++) model.step(state, i & 3, i);
    steps += 64;
  }
  return Math.round((steps * 1000) / (performance.now() - start));
}

const forward = [];
for (const cell of CELLS)
  for (const hidden of HIDDEN)
    for (const format of FORMATS) forward.push({ cell, hidden, format, stepsPerSecond: stepsPerSecond(cell, hidden, format) });

// Dedup search on a model with as many distinct states as inputs: the DFA storing all N symbols.
const n = quick ? 14 : 17;
const t0 = performance.now();
const v = refute(compileModel(indexLookupDfa(n)), indexLookup(n), { strategy: "dedup" });
const seconds = (performance.now() - t0) / 1000;
const dedup = { model: `index-lookup DFA n=${n}`, verdict: v.kind, runs: v.stats.runs, seconds: Number(seconds.toFixed(3)), runsPerSecond: Math.round(v.stats.runs / seconds) };

const result = { bench: "forward", node: process.version, quick, forward, dedup };
const text = `${JSON.stringify(result, null, 2)}\n`;
if (outAt > 0) writeFileSync(process.argv[outAt + 1]!, text);
process.stdout.write(text);
