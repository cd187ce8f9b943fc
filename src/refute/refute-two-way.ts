import { comap, type Protocol } from "../cc/protocol.js";
import { sameTranscript, transcriptBits } from "../cc/transcript.js";
import { fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import { forward, stateBits, type RecurrentModel } from "../models/model.js";
import { bind, type Binding } from "../reductions/bind.js";
import type { Split } from "../reductions/split.js";
import { theorem2Protocol } from "../reductions/theorem2.js";
import { theorem4Cost, theorem4Protocol } from "../reductions/theorem4.js";
import type { Theorem } from "../reductions/theorems.js";
import { checkSplitName, twoWayFamily, type TwoWayFamily } from "../reductions/two-way-family.js";
import type { Task } from "../tasks/task.js";
import type { Finding } from "./finding.js";
import { foolingSearch, runOn, type SplitProtocol } from "./fooling-search.js";
import { MEMORY_LIMIT } from "./memory.js";
import { DEFAULT_BUDGET, EXHAUSTIVE_LIMIT, type RefuteOptions, type Strategy, type Verdict } from "./verdict.js";
import { SWEEP_LIMIT } from "./sweep.js";
import { theoremFor } from "./bound-for.js";

/** Bytes the fooling-set search keeps per run: a 22-character digest and a bigint index in a Map entry (measured: about 150 with 500,000 entries, Node 20). */
const BYTES_PER_RUN = 160;

/**
 * size -> bound -> search -> finding, for the tasks whose lower bound is a two-way fooling set (EQ, DISJ, Lemma 1's
 * Dyck set): the model's protocol at the reduction's split (Theorem 4 for a one-layer Transformer, Theorem 2 for a
 * recurrent model, whose split must then be a cut), run on the fooling set.
 */
export function refuteTwoWay(model: Model, task: Task, options: RefuteOptions & { split?: string } = {}): Verdict {
  const family = twoWayFamily(task);
  checkSplitName(family, options.split);
  const { protocol, messageBits, thm } = protocolFor(model, family);
  const binding = bind(model, task);
  const budget = budgetOf(options.budget);
  const seed = options.seed ?? 0;
  const base = { theorem: thm, messageBits, requiredBits: family.boundBits, seed, split: family.split.name, reduction: { problem: family.problem, inputs: family.size } };
  const mode = searchMode(options.strategy ?? "auto", family);
  const { outcome, runs } = foolingSearch(protocol, family, binding, budget, seed, options.onProgress && ((r) => options.onProgress!("fooling-set", r)), mode);
  const stats = { runs, steps: runs * family.split.n };
  const strategy = `fooling-set(${family.problem})`;
  switch (outcome.kind) {
    case "wrong-answer": {
      const input = family.element(outcome.element);
      return { ...base, strategy, stats, kind: "refuted", finding: { input, expected: family.value, answer: answerOf(model, binding, input) } };
    }
    case "collision":
      return { ...base, strategy, stats, kind: "refuted", finding: collisionFinding(model, family, binding, protocol, outcome.a, outcome.b) };
    case "clean":
      return cleanVerdict({ ...base, strategy, stats }, model, family, binding, outcome.mode, outcome.elements);
  }
}

function protocolFor(model: Model, family: TwoWayFamily): { protocol: SplitProtocol; messageBits: number; thm: Theorem } {
  const thm = theoremFor(model, family.task);
  if (model.kind === "recurrent") return { protocol: recurrentAtCut(model, family.split), messageBits: stateBits(model), thm };
  if (model.layers.length !== 1) {
    fail("unsupported", `the lower bounds for ${family.task.name} hold for one-layer Transformers; this model has ${model.layers.length} layers`, "--task", "no such bound exists for two layers (Corollary 13.1)");
  }
  return { protocol: theorem4Protocol(model, family.split), messageBits: theorem4Cost(model, family.split), thm };
}

/** Theorem 2's protocol on a cut split: Alice's tokens first, Bob's after. */
function recurrentAtCut(model: RecurrentModel, split: Split): SplitProtocol {
  const protocol: Protocol<ArrayLike<number>, ArrayLike<number>, number> = theorem2Protocol(model, split.alice.length);
  if (split.alice.some((p, i) => p !== i)) throw new Error("Theorem 2 needs Alice to hold a prefix");
  return comap(protocol, (x: Int32Array) => x, (y: Int32Array) => y);
}

/** --strategy for a fooling-set search: all elements, seeded draws, or all when they fit the budget (auto). */
function searchMode(strategy: Strategy, family: TwoWayFamily): "auto" | "exhaustive" | "sample" {
  switch (strategy) {
    case "auto":
    case "sample":
      return strategy;
    case "exhaustive":
      if (family.size > EXHAUSTIVE_LIMIT) fail("too-large", `the fooling set has ${family.size} elements, over the limit of 2^24 for --strategy exhaustive`, "--strategy", "use --strategy sample or auto");
      return "exhaustive";
    case "dedup":
      return fail("invalid-flag", `--strategy dedup walks the states of a one-way protocol; ${family.task.name} is searched through its fooling set`, "--strategy", "use auto, exhaustive or sample");
  }
}

function budgetOf(asked: number | undefined): number {
  const budget = asked ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(budget) || budget < 1) fail("invalid-flag", `the budget must be a whole number >= 1, got ${budget}`, "--budget");
  const fits = Math.floor(MEMORY_LIMIT / BYTES_PER_RUN);
  if (budget > fits) fail("too-large", `a budget of ${budget} runs would keep more than ${MEMORY_LIMIT / 2 ** 30} GiB`, "--budget", `use --budget ${fits} or less`);
  return budget;
}

/** The model's label on an input: one forward pass, whatever the architecture. */
export function answerOf(model: Model, binding: Binding, input: readonly string[]): string {
  const ids = binding.ids(input);
  return model.labels[model.kind === "transformer" ? model.forward(ids) : forward(model, ids)]!;
}

/**
 * Two elements with one transcript: the crossed input gets that transcript too, hence the elements' answer, which is
 * wrong there. Re-derived by running the protocol, not taken from the search. For a recurrent model the collision is
 * written one-way (the second element and the crossed input share Bob's half), as Theorem 2's verifier expects.
 */
function collisionFinding(model: Model, family: TwoWayFamily, binding: Binding, protocol: SplitProtocol, a: bigint, b: bigint): Finding {
  const input = family.crossed(a, b);
  const expected = family.task.answer(input);
  const answer = answerOf(model, binding, input);
  if (answer === expected) throw new Error("a transcript collision whose crossed input the model answers right: the protocol is not faithful");
  const [first, second] = [family.element(a), family.element(b)];
  // One-way: the element that gave the crossed input its Bob part (DISJ crosses either way round), then the input.
  const bobPart = (tokens: readonly string[]) => tokens.slice(family.split.alice.length).join(" ");
  const pair: [string[], string[]] = model.kind === "transformer" ? [first, second] : [bobPart(second) === bobPart(input) ? second : first, input];
  const runs = pair.map((tokens) => runOn(protocol, family, binding, tokens));
  if (!sameTranscript(runs[0]!.transcript, runs[1]!.transcript)) throw new Error("search reported a collision that the protocol does not reproduce");
  const shared = transcriptBits(runs[0]!.transcript);
  const where = model.kind === "transformer" ? { split: family.split.name } : { cut: family.split.alice.length };
  return { input, expected, answer, collision: { ...where, inputs: pair, transcriptBits: shared.length, transcriptHex: shared.toHex() } };
}

type Base = Omit<Extract<Verdict, { kind: "inconclusive" }>, "kind" | "reason">;

/**
 * No collision and no error on the fooling set. Exhaustively: every element has its own transcript, so the protocol
 * is at least as long as the bound; small tasks are then swept input by input. Sampled: below the bound an error
 * must exist, so the verdict is inconclusive.
 */
function cleanVerdict(base: Base, model: Model, family: TwoWayFamily, binding: Binding, mode: "exhaustive" | "sampled", elements: number): Verdict {
  if (mode === "sampled") {
    if (base.messageBits < base.requiredBits) {
      return { ...base, kind: "inconclusive", reason: `${base.theorem.name} guarantees an error (${base.messageBits} bits < ${base.requiredBits}), but ${elements} sampled fooling-set elements found none; raise --budget` };
    }
    return { ...base, kind: "survived", mode: "sampled", samples: elements };
  }
  const taskInputs = family.task.count();
  if (taskInputs > SWEEP_LIMIT) return { ...base, kind: "survived", mode: "exhaustive", scope: "family", inputs: BigInt(elements), taskInputs };
  for (const input of family.task.enumerate()) {
    const answer = answerOf(model, binding, input);
    const expected = family.task.answer(input);
    if (answer !== expected) return { ...base, strategy: `${base.strategy}+sweep`, kind: "refuted", finding: { input, expected, answer } };
  }
  return { ...base, strategy: `${base.strategy}+sweep`, kind: "survived", mode: "exhaustive", scope: "task", inputs: taskInputs, taskInputs };
}
