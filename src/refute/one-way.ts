import { fail } from "../errors.js";
import { stateBits, type RecurrentModel } from "../models/model.js";
import { familySize } from "../reductions/one-way-family.js";
import { recurrentBound } from "../reductions/theorems.js";
import type { Task } from "../tasks/task.js";
import { dedupSearch } from "./dedup.js";
import { exhaustiveSearch } from "./exhaustive.js";
import { findingOf } from "./finding.js";
import type { SearchResult } from "./outcome.js";
import { sampleSearch } from "./sample.js";
import { searchSpace } from "./search-space.js";
import { sweepTask, SWEEP_LIMIT } from "./sweep.js";
import { bytesPerRun, MEMORY_LIMIT } from "./memory.js";
import { rhoOneWay } from "./one-way-walk.js";
import {
  DEFAULT_BUDGET,
  DEFAULT_MAX_POINTS,
  EXHAUSTIVE_LIMIT,
  type RefuteOptions,
  type Strategy,
  type Verdict,
  type VerdictBase,
} from "./verdict.js";

/** size -> bound -> search -> finding: check a recurrent model against the lower bound for a task. */
export function refuteOneWay(model: RecurrentModel, task: Task, options: RefuteOptions = {}): Verdict {
  const { theorem, family, requiredBits } = recurrentBound(task);
  const asked = options.budget ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(asked) || asked < 1)
    fail("invalid-flag", `the budget must be a whole number >= 1, got ${asked}`, "--budget");
  const space = searchSpace(model, family);
  // A chosen budget whose table would not fit in memory: auto walks in bounded memory instead (the default budget
  // is lowered to fit, as before).
  const auto = options.strategy === "auto" || options.strategy === undefined;
  const strategy =
    auto && options.budget !== undefined && asked > fitting(space, "dedup") ? "rho" : (options.strategy ?? "auto");
  const budget =
    strategy === "rho"
      ? asked
      : fitBudget(space, strategy === "sample" ? "table" : "dedup", asked, options.budget !== undefined);
  const seed = options.seed ?? 0;
  const messageBits = stateBits(model);
  const { result, used } =
    strategy === "rho"
      ? rhoSearch(space, budget, seed, options)
      : search(space, strategy, budget, seed, messageBits < requiredBits, options.onProgress);
  const base = {
    theorem,
    messageBits,
    requiredBits,
    seed,
    split: String(space.cut),
    reduction: { problem: "INDEX" as const, inputs: familySize(family) },
    ...(result.rho && { rho: result.rho }),
  };
  const stats = result.stats;
  const outcome = result.outcome;
  switch (outcome.kind) {
    case "collision":
    case "wrong-answer":
      return { ...base, strategy: used, stats, kind: "refuted", finding: findingOf(space, outcome)! };
    case "clean":
      if (outcome.mode === "exhaustive")
        return exhaustiveVerdict({ ...base, strategy: used, stats }, space, outcome.inputs);
      if (base.messageBits < base.requiredBits) {
        const reason = `${theorem.name} guarantees an error (state ${base.messageBits} bits < ${base.requiredBits}), but ${outcome.samples} samples found none; raise --budget`;
        return { ...base, strategy: used, stats, kind: "inconclusive", reason };
      }
      return { ...base, strategy: used, stats, kind: "survived", mode: "sampled", samples: outcome.samples };
    case "gave-up":
      return { ...base, strategy: used, stats, kind: "inconclusive", reason: outcome.reason };
  }
}

type Space = ReturnType<typeof searchSpace>;

/**
 * The budget, within MEMORY_LIMIT: a budget the user chose that would not fit is bad input (with the largest that
 * fits); the default budget is lowered to fit. (Exhaustive search ignores the budget; EXHAUSTIVE_LIMIT bounds it.)
 */
function fitBudget(space: Space, kind: "dedup" | "table", budget: number, chosen: boolean): number {
  const perRun = bytesPerRun(space, kind);
  const fits = fitting(space, kind);
  if (budget <= fits) return budget;
  if (!chosen) return fits;
  const gb = ((budget * perRun) / 2 ** 30).toFixed(1);
  return fail(
    "too-large",
    `a budget of ${budget} runs would keep about ${gb} GiB (${perRun} bytes a run), over the ${MEMORY_LIMIT / 2 ** 30} GiB limit`,
    "--budget",
    `use --budget ${fits} or less, or --strategy rho`,
  );
}

/** The most runs whose table fits in MEMORY_LIMIT. */
function fitting(space: Space, kind: "dedup" | "table"): number {
  return Math.max(1, Math.floor(MEMORY_LIMIT / bytesPerRun(space, kind)));
}

/** --strategy rho (or auto past the memory limit): the walk over Alice's strings, memory bounded by --max-points. */
function rhoSearch(
  space: Space,
  budget: number,
  seed: number,
  options: RefuteOptions,
): { result: SearchResult; used: string } {
  const progress = options.onProgress;
  const result = rhoOneWay(
    space,
    options.spec,
    budget,
    seed,
    options.maxPoints ?? DEFAULT_MAX_POINTS,
    progress && ((runs) => progress("rho", runs)),
  );
  return { result, used: "rho" };
}

/**
 * A clean walk of the family covers the task only when the family is the whole task; otherwise the task is swept
 * input by input when it is small enough, and the verdict says which it checked.
 */
function exhaustiveVerdict(base: VerdictBase, space: Space, inputs: bigint): Verdict {
  const { family } = space;
  const task = family.task;
  const taskInputs = task.count();
  if (family.coversTask) return { ...base, kind: "survived", mode: "exhaustive", scope: "task", inputs, taskInputs };
  if (taskInputs > SWEEP_LIMIT)
    return { ...base, kind: "survived", mode: "exhaustive", scope: "family", inputs, taskInputs };
  const sweep = sweepTask(space);
  const stats = { runs: base.stats.runs, steps: base.stats.steps + sweep.steps };
  const strategy = `${base.strategy}+sweep`;
  if (sweep.finding) return { ...base, stats, strategy, kind: "refuted", finding: sweep.finding };
  return {
    ...base,
    stats,
    strategy,
    kind: "survived",
    mode: "exhaustive",
    scope: "task",
    inputs: taskInputs,
    taskInputs,
  };
}

/** Samples a model at or above the bound gets before the dedup walk: untrained models are wrong almost anywhere. */
export const PROBE_SAMPLES = 64;

type Progress = RefuteOptions["onProgress"];

function search(
  space: Space,
  strategy: Strategy,
  budget: number,
  seed: number,
  below: boolean,
  progress: Progress,
): { result: SearchResult; used: string } {
  const tell = (phase: string) => progress && ((runs: number) => progress(phase, runs));
  switch (strategy) {
    case "exhaustive": {
      const size = familySize(space.family);
      if (size > EXHAUSTIVE_LIMIT) {
        fail(
          "too-large",
          `exhaustive search over ${size} inputs is over the limit of 2^24`,
          "--strategy",
          "use --strategy dedup or sample",
        );
      }
      return { result: exhaustiveSearch(space, tell("exhaustive")), used: "exhaustive" };
    }
    case "dedup":
      return { result: dedupSearch(space, budget, tell("dedup")), used: "dedup" };
    case "sample":
      return { result: sampleSearch(space, budget, seed, tell("sample")), used: "sample" };
    case "auto":
      return autoSearch(space, budget, seed, below, tell);
    case "rho":
      throw new Error("rho is run by rhoSearch");
  }
}

/**
 * Below the bound, the theorem's own argument comes first: the dedup walk must end in a collision. At or above it,
 * a short probe finds the plain errors of untrained models at once (dedup checks answers only after the last
 * position). Then dedup with half of what is left of the budget, and seeded sampling with the rest if dedup runs
 * out of room: the whole search stays within the budget.
 */
function autoSearch(
  space: Space,
  budget: number,
  seed: number,
  below: boolean,
  tell: (phase: string) => ((runs: number) => void) | undefined,
): { result: SearchResult; used: string } {
  const names: string[] = [];
  const total = { runs: 0, steps: 0 };
  let last: SearchResult | undefined;
  const attempt = (name: string, f: () => SearchResult) => {
    last = f();
    names.push(name);
    total.runs += last.stats.runs;
    total.steps += last.stats.steps;
    return last.outcome.kind;
  };
  const done = () => ({ result: { outcome: last!.outcome, stats: { ...total } }, used: names.join("+") });

  if (!below && attempt("probe", () => sampleSearch(space, Math.min(PROBE_SAMPLES, budget), seed)) !== "clean")
    return done();
  const half = Math.floor((budget - total.runs) / 2);
  if (half >= 1 && attempt("dedup", () => dedupSearch(space, half, tell("dedup"))) !== "gave-up") return done();
  const rest = budget - total.runs;
  if (rest >= 1) attempt("sample", () => sampleSearch(space, rest, seed, tell("sample")));
  return done();
}
