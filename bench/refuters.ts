/**
 * Refuters on models that are almost right: protocol runs and wall time to the first certificate for
 * (a) random testing with fast-check, (b) exhaustive search (the collision feed alone, every element in order),
 * (c) the collision search alone (the reduction's fooling-set, dedup or rho feed, seeded), (d) ccbound 0.1's search
 * (recorded in bench/results/refuters.v0.1.json: deterministic run counts, not re-run), and (e) ccbound's portfolio,
 * which interleaves the task's generator, the crossed inputs and the collision search under one budget; each beside
 * the birthday expectation 2^(c/2) and the pigeonhole bound 2^c + 1. The portfolio's target (issue 12): at most 2x the
 * best single method on every case. Writes JSON (stdout, and --out FILE).
 * Run: npx tsx bench/refuters.ts [--quick] [--random-from FILE] [--out bench/results/refuters.json]; render with
 * bench/table.ts. --random-from takes random testing's seeded runs from an earlier result file (they do not depend on
 * ccbound's search, and a full run of them takes most of the benchmark's 20 minutes).
 */
import { readFileSync } from "node:fs";
import { benchArgs, emit } from "./args.js";
import { librarySearch, type SearchRun } from "./library-search.js";
import { median, millis } from "./numbers.js";
import { randomTesting, type RandomTestingRun } from "./random-testing.js";
import { refuteCases, type RefuteCase } from "./refute-cases.js";
import { CcboundError, planSearch } from "../src/index.js";

const args = benchArgs();
/** Forward passes random testing may spend per seed (the budget it is stopped at and reported as not found). */
const RANDOM_BUDGET = args.quick ? 2 ** 14 : 2 ** 21;
const RANDOM_SEEDS = [1, 2, 3];
const SEARCH_SEEDS = args.quick ? [1, 2, 3] : [1, 2, 3, 4, 5];
/** A full run does not start random testing when its chance of finding an error within the budget is below this (each seed would take minutes and end "not found"). */
const HOPELESS = 0.05;

type Refuted = Extract<SearchRun, { verdict: string }>;
const refuted = (r: SearchRun): r is Refuted => "verdict" in r && r.verdict === "refuted";

function summary(runs: readonly SearchRun[]) {
  const done = runs.filter(refuted);
  if (done.length < runs.length) return { refutedSeeds: done.length };
  return {
    refutedSeeds: done.length,
    medianRuns: median(done.map((r) => r.runs)),
    medianMs: median(done.map((r) => r.ms)),
  };
}

/** Seeds in order; a seed that does not find an error counts as "more than the budget" in the median. */
function randomSummary(runs: readonly RandomTestingRun[]) {
  const found = runs.filter((r) => r.found).length;
  const med = median(runs.map((r) => (r.found ? r.runs : Infinity)));
  return {
    foundSeeds: found,
    medianRuns: nullIfInfinite(med),
    medianMs: nullIfInfinite(median(runs.map((r) => (r.found ? r.ms : Infinity)))),
    totalMs: millis(runs.reduce((a, r) => a + r.ms, 0)),
  };
}

/** JSON has no Infinity: a median over seeds that mostly found nothing is null. */
function nullIfInfinite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** The chance that `budget` generator inputs include a wrong one, when the error rate is known. */
function findChance(c: RefuteCase): number | undefined {
  return c.errorRate && 1 - Math.exp(RANDOM_BUDGET * Math.log1p(-c.errorRate.value));
}

function randomColumn(c: RefuteCase) {
  const chance = findChance(c);
  const base = { budget: RANDOM_BUDGET, chanceToFind: chance ?? null };
  if (!args.quick && chance !== undefined && chance < HOPELESS) {
    return {
      ...base,
      skipped: `not run: with error rate ${c.errorRate!.value.toExponential(3)} the chance of one error in ${RANDOM_BUDGET} runs is ${(100 * chance).toFixed(2)}%`,
    };
  }
  const seeds = RANDOM_SEEDS.map((seed) => randomTesting(c.model, c.task, RANDOM_BUDGET, seed));
  return { ...base, seeds, ...randomSummary(seeds) };
}

/** Random testing's runs recorded by an earlier run, by case id (--random-from). */
const recordedRandom = (() => {
  const i = process.argv.indexOf("--random-from");
  if (i < 0) return undefined;
  const old = JSON.parse(readFileSync(process.argv[i + 1]!, "utf8")) as {
    cases: { id: string; randomTesting: unknown }[];
  };
  return new Map(old.cases.map((c) => [c.id, c.randomTesting]));
})();

/** ccbound 0.1's recorded search (auto), by case id: the "today's ccbound" of issue 12. */
const previous = (() => {
  const old = JSON.parse(readFileSync("bench/results/refuters.v0.1.json", "utf8")) as {
    cases: { id: string; ccbound: { medianRuns?: number }; dedup?: { runs?: number } }[];
  };
  return new Map(old.cases.map((c) => [c.id, c]));
})();

/** The collision feed of a case's plan (fooling-set, dedup or rho), which --feeds runs alone. */
function collisionFeed(c: RefuteCase, strategy: "auto" | "exhaustive") {
  const plan = planSearch(c.model, c.task, { strategy, seed: 1, spec: c.spec });
  return plan.collision!.feed;
}

function measure(c: RefuteCase) {
  const ccbound = SEARCH_SEEDS.map((seed) => librarySearch(c.spec, c.model, c.task, "auto", seed));
  const first = ccbound.find((r): r is Refuted => "verdict" in r);
  const cBits = c.c ?? { bits: first?.messageBits ?? NaN, meaning: "counted message bits" };
  const exhaustive = exhaustiveOrRefusal(c);
  const collision = SEARCH_SEEDS.map((seed) =>
    librarySearch(c.spec, c.model, c.task, "auto", seed, [collisionFeed(c, "auto")]),
  );
  const dedup = c.oneWay ? librarySearch(c.spec, c.model, c.task, "dedup", 0, ["dedup"]) : undefined;
  const old = previous.get(c.id);
  return {
    id: c.id,
    group: c.group,
    task: { name: c.task.name, n: c.task.n },
    c: cBits,
    messageBits: first?.messageBits,
    requiredBits: first?.requiredBits,
    birthday: 2 ** (cBits.bits / 2),
    pigeonhole: 2 ** cBits.bits + 1,
    errorRate: c.errorRate ?? null,
    expectedRandomRuns: c.errorRate ? 1 / c.errorRate.value : null,
    randomTesting: recordedRandom?.get(c.id) ?? randomColumn(c),
    exhaustive,
    collisionAlone: { feed: collisionFeed(c, "auto"), seeds: collision, ...summary(collision) },
    previous: old ? { medianRuns: old.ccbound.medianRuns ?? null, dedupRuns: old.dedup?.runs ?? null } : null,
    ccbound: { seeds: ccbound, ...summary(ccbound) },
    ...(dedup && { dedup }),
  };
}

/** Every element of the collision search in order, alone; the library's one line when it declines (over 2^24). */
function exhaustiveOrRefusal(c: RefuteCase): SearchRun {
  try {
    return librarySearch(c.spec, c.model, c.task, "exhaustive", 0, [collisionFeed(c, "exhaustive")]);
  } catch (e) {
    if (e instanceof CcboundError) return { seed: 0, refused: e.message };
    throw e;
  }
}

const t0 = performance.now();
const cases = [];
for (const c of refuteCases(args.quick)) {
  const t = performance.now();
  cases.push(measure(c));
  process.stderr.write(`refuters: ${c.id} (${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
}
emit(
  {
    bench: "refuters",
    node: process.version,
    quick: args.quick,
    randomBudget: RANDOM_BUDGET,
    randomSeeds: RANDOM_SEEDS,
    searchSeeds: SEARCH_SEEDS,
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    cases,
  },
  args,
);
