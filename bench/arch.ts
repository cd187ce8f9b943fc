/**
 * Forward-pass throughput of issue 17's new architectures in float32 at batch 1, tokens per second over 64-token
 * inputs, for pairing with bench/pytorch-arch.py (their plain-PyTorch references at the same sizes):
 *   recurrent cells (random recurrent models, as `ccbound random-model --arch <cell>` makes them, one layer, embedding
 *   width = d_model): mamba (d_model 64, d_inner 128, d_state 16, d_conv 4, dt_rank 4), linear-attention (d 64, 4
 *   heads of 16, d_ff 256, relu), s4d (d 64, d_state 4: the random layer's), retnet (d 64, value_dim 64, 2 heads, ffn
 *   128): 64 steps from the initial state, then the logits;
 *   Transformer blocks (random Transformers, as `ccbound random-model --arch gpt2|torch-encoder` makes them): gpt2 and
 *   torch-encoder, one layer, d 64, 4 heads of 16, FFN 256, 64 positions: one whole 64-token forward pass, tokens/s =
 *   64 / seconds per pass.
 * Vocabulary 4, 2 labels, tokens i & 3, seed 1. Each figure: a 400 ms window (100 ms with --quick) after a warm-up of
 * a quarter of it. JSON to stdout (and to --out FILE).
 * Run: npx tsx bench/arch.ts [--quick] [--only mamba,gpt2,...] [--out FILE]
 */
import { compileModel, randomModel, randomTransformer, type RecurrentModelSpec } from "../src/index.js";
import type { RecurrentModel } from "../src/models/model.js";
import { benchArgs, emit } from "./args.js";

const args = benchArgs();
const budgetMs = args.quick ? 100 : 400;
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt > 0 ? new Set(process.argv[onlyAt + 1]!.split(",")) : undefined;
const SEQ = 64;
const VOCAB = ["0", "1", "2", "3"];
const LABELS = ["0", "1"];
const D = 64;

const CELLS = {
  mamba: { dState: 16, dConv: 4, expand: 2, dtRank: 4 },
  "linear-attention": { heads: 4, ffn: 256 },
  s4d: {},
  retnet: {},
} as const;
const BLOCKS = {
  gpt2: {},
  "torch-encoder": { normFirst: false, activation: "relu" as const },
} as const;

/** Calls of `run` per second over the window, after a quarter of it as warm-up (so the window does not time the JIT). */
function callsPerSecond(run: () => void): number {
  for (const warm = performance.now(); performance.now() - warm < budgetMs / 4;) run();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    run();
    calls++;
  }
  return (calls * 1000) / (performance.now() - start);
}

function cellRate(arch: keyof typeof CELLS): { model: string; tokensPerSecond: number } {
  const spec = randomModel({
    arch,
    hidden: D,
    embed: D,
    format: "float32",
    vocab: VOCAB,
    labels: LABELS,
    seed: 1,
    ...CELLS[arch],
  }) as RecurrentModelSpec;
  const model = compileModel(spec) as RecurrentModel;
  const initial = model.newState();
  const state = model.newState();
  let sink = 0;
  const run = () => {
    state.set(initial);
    for (let i = 0; i < SEQ; i++) model.step(state, i & 3, i);
    sink += model.logits(state)[0]!;
  };
  const rate = callsPerSecond(run);
  if (!Number.isFinite(sink)) throw new Error(`${arch}: logits not finite`);
  return { model: spec.name ?? "", tokensPerSecond: Math.round(rate * SEQ) };
}

function blockRate(block: keyof typeof BLOCKS): { model: string; tokensPerSecond: number } {
  const spec = randomTransformer({
    block,
    width: D,
    headWidth: D / 4,
    heads: 4,
    ffn: 4 * D,
    layers: 1,
    maxLength: SEQ,
    format: "float32",
    vocab: VOCAB,
    labels: LABELS,
    seed: 1,
    ...BLOCKS[block],
  });
  const model = compileModel(spec);
  if (model.kind !== "transformer") throw new Error(`${block}: not a Transformer`);
  const tokens = Int32Array.from({ length: SEQ }, (_, i) => i & 3);
  let sink = 0;
  const rate = callsPerSecond(() => {
    sink += model.forward(tokens);
  });
  if (!Number.isFinite(sink)) throw new Error(`${block}: no label`);
  return { model: spec.name ?? "", tokensPerSecond: Math.round(rate * SEQ) };
}

const result: Record<string, number> = {};
const models: Record<string, string> = {};
for (const arch of Object.keys(CELLS) as (keyof typeof CELLS)[]) {
  if (only && !only.has(arch)) continue;
  const r = cellRate(arch);
  result[arch] = r.tokensPerSecond;
  models[arch] = r.model;
}
for (const block of Object.keys(BLOCKS) as (keyof typeof BLOCKS)[]) {
  if (only && !only.has(block)) continue;
  const r = blockRate(block);
  result[block] = r.tokensPerSecond;
  models[block] = r.model;
}
emit({ bench: "arch", node: process.version, format: "float32", seq: SEQ, budgetMs, ...result, models }, args);
