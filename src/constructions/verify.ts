import { compileModel, type Model } from "../models/compile.js";
import { lastTokenRunner } from "../models/kv-cache.js";
import type { ModelSpec } from "../models/spec.js";
import { Rng } from "../random.js";
import { bind, type Binding } from "../reductions/bind.js";
import { answerOf } from "../refute/finding.js";
import type { Task } from "../tasks/task.js";

/**
 * Whether weights solve a task, by running them in their own number format against the task's reference answer:
 * - "exhaustive": every input, when there are at most `exhaustiveLimit`;
 * - "all-queries": for index lookup, `strings` seeded strings with every one of the N queries each (the string is
 *   shared, so a one-layer or causal Transformer computes its keys and values once: kv-cache.ts); past
 *   ALL_QUERIES_UP_TO positions, each string gets `samples` seeded queries instead ("sampled");
 * - "sampled": `samples` inputs from the task's seeded generator.
 * The first wrong input is returned, so a failure is a counterexample anyone can re-run with `ccbound eval`.
 */
export interface VerifyOptions {
  readonly exhaustiveLimit?: number;
  readonly samples?: number;
  readonly strings?: number;
  readonly seed?: number;
}

export type VerifyMode = "exhaustive" | "all-queries" | "sampled";

export interface ConstructionCheck {
  readonly verified: boolean;
  readonly mode: VerifyMode;
  /** Inputs run. */
  readonly inputs: number;
  readonly seed: number;
  readonly counterexample?: { readonly tokens: readonly string[]; readonly expected: string; readonly answer: string };
}

export const DEFAULT_EXHAUSTIVE_LIMIT = 1 << 16;
/** Index lookup runs every query of its strings up to this N (4096 queries at N = 4096 take about 4 s). */
export const ALL_QUERIES_UP_TO = 4096;

export function verifyWeights(spec: ModelSpec, task: Task, options: VerifyOptions = {}): ConstructionCheck {
  const model = compileModel(spec);
  const binding = bind(model, task);
  const seed = options.seed ?? 1;
  if (task.count() <= BigInt(options.exhaustiveLimit ?? DEFAULT_EXHAUSTIVE_LIMIT))
    return check(model, binding, task, task.enumerate(), "exhaustive", seed);
  if (task.name === "index-lookup" && model.kind === "transformer" && (model.layers.length === 1 || model.causal)) {
    return sharedStrings(
      model,
      binding,
      task,
      options.strings ?? 1,
      task.n <= ALL_QUERIES_UP_TO ? undefined : (options.samples ?? 2000),
      seed,
    );
  }
  const samples = options.samples ?? defaultSamples(model, task);
  const rng = new Rng(seed);
  return check(
    model,
    binding,
    task,
    (function* () {
      for (let i = 0; i < samples; i++) yield task.generate(rng);
    })(),
    "sampled",
    seed,
  );
}

/**
 * 2000, except for Transformers of two or more layers on long inputs: every position attends in the lower layers,
 * N^2 steps per input, so 200 past 256 tokens and 20 past 1024.
 */
export function defaultSamples(model: Model, task: Task): number {
  const L = task.inputLength;
  if (model.kind !== "transformer" || model.layers.length < 2 || L <= 256) return 2000;
  return L <= 1024 ? 200 : 20;
}

function check(
  model: Model,
  binding: Binding,
  task: Task,
  inputs: Iterable<string[]>,
  mode: VerifyMode,
  seed: number,
): ConstructionCheck {
  let count = 0;
  for (const tokens of inputs) {
    count++;
    const expected = task.answer(tokens);
    const answer = answerOf(model, binding, tokens);
    if (answer !== expected)
      return { verified: false, mode, inputs: count, seed, counterexample: { tokens, expected, answer } };
  }
  return { verified: true, mode, inputs: count, seed };
}

/**
 * Index lookup: seeded strings (from the task's generator, its query dropped), each with every query @1..@N, or with
 * `queries` seeded ones.
 */
function sharedStrings(
  model: Model & { kind: "transformer" },
  binding: Binding,
  task: Task,
  strings: number,
  queries: number | undefined,
  seed: number,
): ConstructionCheck {
  const rng = new Rng(seed);
  const n = task.n;
  const mode = queries === undefined ? "all-queries" : "sampled";
  let count = 0;
  for (let s = 0; s < strings; s++) {
    const symbols = task.generate(rng).slice(0, n);
    const runner = lastTokenRunner(model, binding.ids(symbols));
    for (let q = 0; q < (queries ?? n); q++) {
      count++;
      const query = `@${queries === undefined ? q + 1 : rng.int(n) + 1}`;
      const answer = model.labels[runner.forward(binding.tokenId.get(query)!)]!;
      const expected = task.answer([...symbols, query]);
      if (answer !== expected)
        return {
          verified: false,
          mode,
          inputs: count,
          seed,
          counterexample: { tokens: [...symbols, query], expected, answer },
        };
    }
  }
  return { verified: true, mode, inputs: count, seed };
}

/** Which inputs a check ran, in words: "every input (2,048)", "every query of seeded strings (...)", "... samples". */
export function describeInputs(c: ConstructionCheck): string {
  const count = c.inputs.toLocaleString("en");
  if (c.mode === "exhaustive") return `every input (${count})`;
  if (c.mode === "all-queries") return `every query of seeded strings (${count} inputs, seed ${c.seed})`;
  return `${count} seeded samples (seed ${c.seed})`;
}
