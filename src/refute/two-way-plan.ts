import { comap, type Protocol } from "../cc/protocol.js";
import { fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import { stateBits, type RecurrentModel } from "../models/model.js";
import { bind } from "../reductions/bind.js";
import type { Split } from "../reductions/split.js";
import { theorem2Protocol } from "../reductions/theorem2.js";
import { theorem4Cost, theorem4Protocol } from "../reductions/theorem4.js";
import type { Theorem } from "../reductions/theorems.js";
import { checkSplitName, twoWayFamily, type TwoWayFamily } from "../reductions/two-way-family.js";
import type { Task } from "../tasks/task.js";
import { theoremFor } from "./bound-for.js";
import type { SplitProtocol } from "./fooling-search.js";
import { MEMORY_LIMIT } from "./memory.js";
import { pointBits } from "./points.js";
import { rhoParams, type RhoParams } from "./rho.js";
import {
  DEFAULT_BUDGET,
  DEFAULT_MAX_POINTS,
  EXHAUSTIVE_LIMIT,
  type RefuteOptions,
  type Strategy,
  type VerdictBase,
} from "./verdict.js";
import type { WalkContext } from "./walk-space.js";

/** Bytes the fooling-set search keeps per run: a 22-character digest and a bigint index in a Map entry (measured: about 150 with 500,000 entries, Node 20). */
export const BYTES_PER_RUN = 160;

/** The search a two-way check runs: a table of every run's digest, or the rho walk in bounded memory. */
export type TwoWaySearch =
  | { readonly kind: "table"; readonly mode: "auto" | "exhaustive" | "sample" }
  | { readonly kind: "rho"; readonly params: RhoParams; readonly maxPoints: number };

/**
 * Everything a two-way check decides before it runs anything: the bound, the model's protocol at the reduction's
 * split, and the search with its budget and seed. A pure function of the model and the options, so a worker or a
 * shard job that rebuilds it from the same inputs gets the same plan.
 */
export interface TwoWayPlan {
  readonly ctx: WalkContext;
  readonly base: Omit<VerdictBase, "strategy" | "stats">;
  readonly budget: number;
  readonly seed: number;
  readonly search: TwoWaySearch;
  /** The strategy a verdict names: "fooling-set(EQ)" or "rho(EQ)". */
  readonly strategy: string;
}

export type TwoWayOptions = RefuteOptions & { split?: string };

export function planTwoWay(model: Model, task: Task, options: TwoWayOptions = {}): TwoWayPlan {
  const family = twoWayFamily(task);
  checkSplitName(family, options.split);
  const { protocol, messageBits, thm } = protocolFor(model, family);
  const binding = bind(model, task);
  const seed = options.seed ?? 0;
  const base = {
    theorem: thm,
    messageBits,
    requiredBits: family.boundBits,
    seed,
    split: family.split.name,
    reduction: { problem: family.problem, inputs: family.size },
  };
  const budget = wholeBudget(options.budget);
  const search = searchFor(options.strategy ?? "auto", family, budget, seed, options.maxPoints ?? DEFAULT_MAX_POINTS);
  const ctx = { model, family, binding, protocol, ...(options.spec && { spec: options.spec }) };
  const strategy = `${search.kind === "rho" ? "rho" : "fooling-set"}(${family.problem})`;
  return { ctx, base, budget, seed, search, strategy };
}

function protocolFor(
  model: Model,
  family: TwoWayFamily,
): { protocol: SplitProtocol; messageBits: number; thm: Theorem } {
  const thm = theoremFor(model, family.task);
  if (model.kind === "recurrent")
    return { protocol: recurrentAtCut(model, family.split), messageBits: stateBits(model), thm };
  if (model.layers.length !== 1) {
    fail(
      "unsupported",
      `the lower bounds for ${family.task.name} hold for one-layer Transformers; this model has ${model.layers.length} layers`,
      "--task",
      "no such bound exists for two layers (Corollary 13.1)",
    );
  }
  return { protocol: theorem4Protocol(model, family.split), messageBits: theorem4Cost(model, family.split), thm };
}

/** Theorem 2's protocol on a cut split: Alice's tokens first, Bob's after. */
function recurrentAtCut(model: RecurrentModel, split: Split): SplitProtocol {
  const protocol: Protocol<ArrayLike<number>, ArrayLike<number>, number> = theorem2Protocol(model, split.alice.length);
  if (split.alice.some((p, i) => p !== i)) throw new Error("Theorem 2 needs Alice to hold a prefix");
  return comap(
    protocol,
    (x: Int32Array) => x,
    (y: Int32Array) => y,
  );
}

function wholeBudget(asked: number | undefined): number {
  const budget = asked ?? DEFAULT_BUDGET;
  if (!Number.isSafeInteger(budget) || budget < 1)
    fail("invalid-flag", `the budget must be a whole number >= 1, got ${budget}`, "--budget");
  return budget;
}

/**
 * --strategy for a fooling-set task. The table keeps a digest per run, so its budget must fit MEMORY_LIMIT; auto
 * takes every element when they fit the budget, else seeded draws into a table when the table fits, else rho.
 */
function searchFor(
  strategy: Strategy,
  family: TwoWayFamily,
  budget: number,
  seed: number,
  maxPoints: number,
): TwoWaySearch {
  const fits = Math.floor(MEMORY_LIMIT / BYTES_PER_RUN);
  switch (strategy) {
    case "rho":
      return rhoSearch(family, budget, seed, maxPoints);
    case "auto":
      if (family.size > BigInt(budget) && budget > fits && pointBits(family.size) !== undefined)
        return rhoSearch(family, budget, seed, maxPoints);
      break;
    case "sample":
      break;
    case "exhaustive":
      if (family.size > EXHAUSTIVE_LIMIT)
        fail(
          "too-large",
          `the fooling set has ${family.size} elements, over the limit of 2^24 for --strategy exhaustive`,
          "--strategy",
          "use --strategy sample, rho or auto",
        );
      return { kind: "table", mode: "exhaustive" };
    case "dedup":
      return fail(
        "invalid-flag",
        `--strategy dedup walks the states of a one-way protocol; ${family.task.name} is searched through its fooling set`,
        "--strategy",
        "use auto, exhaustive, sample or rho",
      );
  }
  const table = Math.min(budget, family.size > BigInt(Number.MAX_SAFE_INTEGER) ? budget : Number(family.size));
  if (table > fits)
    fail(
      "too-large",
      `a budget of ${budget} runs would keep more than ${MEMORY_LIMIT / 2 ** 30} GiB`,
      "--budget",
      `use --budget ${fits} or less, or --strategy rho`,
    );
  return { kind: "table", mode: strategy === "sample" ? "sample" : "auto" };
}

function rhoSearch(family: TwoWayFamily, budget: number, seed: number, maxPoints: number): TwoWaySearch {
  if (pointBits(family.size) === undefined)
    fail("unsupported", `rho walks fooling sets of 2^b elements; this one has ${family.size}`, "--strategy");
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 1)
    fail("invalid-flag", `the most distinguished points must be a whole number >= 1, got ${maxPoints}`, "--max-points");
  return { kind: "rho", params: rhoParams(seed, budget, maxPoints), maxPoints };
}
