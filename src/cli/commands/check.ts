import type { Command } from "commander";
import { fail } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { shardFileText, type ShardFile } from "../../io/shard-file.js";
import { refuteParallel } from "../../refute/check.js";
import { FEED_NAMES, type FeedName } from "../../refute/portfolio/feed.js";
import { searchJob } from "../../refute/parallel/job.js";
import { WorkerPool } from "../../refute/parallel/pool.js";
import { workerCount } from "../../threads.js";
import { modelInputs, refuseOverwrite } from "../../io/overwrite.js";
import { parseShard, runShard } from "../../refute/parallel/shard.js";
import { DEFAULT_MAX_POINTS, planSearch, STRATEGIES, type Strategy } from "../../refute/plan.js";
import { freshSeed } from "../../random.js";
import type { Task } from "../../tasks/task.js";
import { VERSION } from "../../version.js";
import { EXIT } from "../exit.js";
import {
  bindTask,
  loadModel,
  modelArgs,
  modelFlags,
  modelOptions,
  note,
  type LoadedModel,
  type ModelOptions,
} from "../load.js";
import { oneOf, outputFile, wholeNumber } from "../options.js";
import { printJson, printRows, progress } from "../print.js";
import { taskFlags, taskOf, taskOptionsOf, type TaskFlags } from "../task-flags.js";
import { checkMemory, estimateMemory } from "../../refute/memory.js";
import { leastBindingN } from "../../reductions/at-bound.js";
import { relayMessages } from "../../reductions/state-relay.js";
import type { TaskName } from "../../tasks/task.js";
import { replayCommand, report } from "../verdict-report.js";

export interface CheckOptions extends ModelOptions, Omit<TaskFlags, "n"> {
  n?: number;
  atBound?: boolean;
  split?: string;
  strategy: Strategy;
  budget?: number;
  seed?: number;
  maxPoints?: number;
  feeds?: FeedName[];
  workers?: number;
  shard?: string;
  out?: string;
  cert?: string;
  json?: boolean;
}

export function registerCheck(program: Command): void {
  checkCommand(program).action(async (modelPath: string, o: CheckOptions) => {
    process.exitCode = await check(modelPath, o);
  });
}

/** The check command and its flags, without an action: `ccbound jobs` parses a job's check arguments with it. */
export function checkCommand(program: Command): Command {
  return modelOptions(
    taskFlags(
      program
        .command("check")
        .description(
          "compare what a model sends across a split with the lower bound for a task, then search for an input it gets wrong: the task's own generator, the theorem's crossed inputs and its collision search, under one budget",
        )
        .argument("<model>", "model file (JSON or safetensors)")
        .option(
          "--split <K|odd-even>",
          "where Alice's part ends (a cut K) or odd-even; default: the reduction's own split",
        )
        .option(
          "--strategy <S>",
          `collision search: ${STRATEGIES.join(", ")} (dedup: INDEX tasks only; rho: bounded memory); the task's generator and the crossed inputs run beside it`,
          oneOf("--strategy", STRATEGIES),
          "auto",
        )
        .option(
          "--budget <R>",
          "most protocol runs of all feeds together (default: 2^20, less for large Transformers)",
          wholeNumber("--budget", 1, 2 ** 48),
        )
        .option("--seed <S>", "seed for every draw (printed either way)", wholeNumber("--seed", 0, 2 ** 32 - 1))
        .option(
          "--max-points <N>",
          `rho: most distinguished points to keep, the memory bound (default ${DEFAULT_MAX_POINTS})`,
          wholeNumber("--max-points", 1, 2 ** 28),
        )
        .option(
          "--feeds <list>",
          `run only these feeds, comma-separated (${FEED_NAMES.join(", ")}; default: all the search has), e.g. the collision search alone to run the theorem's own argument`,
          feedList,
        )
        .option(
          "--workers <W>",
          "worker threads at most (default: available cores), started only when the search would run for over 4 s in one thread; the result does not depend on it",
          wholeNumber("--workers", 1, 1024),
        )
        .option(
          "--shard <i/n>",
          "compute shard i of n of the search (a job array); needs --out; combine with ccbound merge",
        )
        .option("--out <file>", "with --shard: the shard file to write", outputFile("--out"))
        .option("--cert <file>", "write the certificate here when the model is refuted", outputFile("--cert"))
        .option(
          "--at-bound",
          "instead of --n: run at the least N where the bound that applies requires more bits than the model sends (printed)",
        )
        .option("--json", "one JSON object on stdout"),
      true,
      false,
    ),
  );
}

/** What check does before it searches: flags, outputs, model, task and plan (a fresh seed unless one is given). */
export function prepareCheck(modelPath: string, o: CheckOptions) {
  checkShardFlags(o);
  const outputs = [
    ...(o.cert !== undefined ? [{ path: o.cert, role: "--cert" }] : []),
    ...(o.out !== undefined ? [{ path: o.out, role: "--out" }] : []),
  ];
  refuseOverwrite(outputs, modelInputs(modelPath));
  const loaded = loadModel(modelPath, o);
  const { task, atBound } = taskAt(loaded, o);
  bindTask(loaded.model, task);
  const seed = o.seed ?? freshSeed();
  const options = {
    strategy: o.strategy,
    seed,
    ...(o.budget !== undefined && { budget: o.budget }),
    ...(o.split !== undefined && { split: o.split }),
    ...(o.maxPoints !== undefined && { maxPoints: o.maxPoints }),
    ...(o.feeds !== undefined && { only: o.feeds }),
  };
  const plan = planSearch(loaded.model, task, { ...options, spec: loaded.spec });
  // Before anything runs: the model's copies (this thread's two and one per worker), the task's and the tables.
  checkMemory(estimateMemory(plan, loaded.spec, workerCount(o.workers).count, 2));
  const again = replayCommand(modelArgs(modelPath, o), plan, o.split);
  return { loaded, task, options, plan, again, atBound };
}

async function check(modelPath: string, o: CheckOptions): Promise<number> {
  const { loaded, task, options, plan, again, atBound } = prepareCheck(modelPath, o);
  if (o.shard !== undefined) return shard(loaded, task, o, { ...options, budget: plan.budget }, again);
  const verdict = await refuteParallel(loaded.spec, task, {
    ...options,
    budget: plan.budget,
    ...(o.workers !== undefined && { workers: o.workers }),
    onNote: note,
    onProgress: (feed, runs) => progress.show(`${feed}: ${runs.toLocaleString("en")} protocol runs`),
  });
  progress.done();
  return report({
    loaded,
    task,
    verdict,
    args: modelArgs(modelPath, o),
    again,
    ...(o.cert !== undefined && { cert: o.cert }),
    json: o.json === true,
    ...(atBound && { notes: [["at-bound", atBound.line] as const], jsonExtra: { atBound: atBound.json } }),
  });
}

function feedList(raw: string): FeedName[] {
  const names = raw.split(",").map((f) => f.trim());
  for (const name of names) oneOf("--feeds", FEED_NAMES)(name);
  return [...new Set(names)] as FeedName[];
}

/** --shard: with --out and without --cert (the certificate comes from merge). */
function checkShardFlags(o: CheckOptions): void {
  if (o.shard === undefined) {
    if (o.out !== undefined)
      fail("invalid-flag", "--out writes a shard file and needs --shard i/n", "--out", "for a certificate use --cert");
    return;
  }
  parseShard(o.shard);
  if (o.out === undefined) fail("invalid-flag", "--shard needs --out FILE for the shard's results", "--shard");
  if (o.cert !== undefined)
    fail("invalid-flag", "a shard has no verdict of its own: pass --cert to ccbound merge", "--cert");
}

async function shard(
  loaded: LoadedModel,
  task: Task,
  o: CheckOptions,
  options: { strategy: Strategy; seed: number; budget: number; split?: string; maxPoints?: number; only?: FeedName[] },
  again: string,
): Promise<number> {
  const index = parseShard(o.shard!);
  const { count: workers, note: capped } = workerCount(o.workers);
  if (capped) note(capped);
  const plan = planSearch(loaded.model, task, { ...options, spec: loaded.spec });
  const job = searchJob(loaded.spec, plan, options.split);
  const work = await runShard(plan, index, { workers, start: () => WorkerPool.start(job, workers, note) });
  const { spec: _spec, ...jobWithoutSpec } = job;
  const file: ShardFile = {
    ccbound: "shard",
    version: 3,
    tool: { name: "ccbound", version: VERSION },
    shard: index,
    model: { path: loaded.path, sha256: loaded.sha256, options: modelFlags(o), args: modelArgs(loaded.path, o) },
    job: jobWithoutSpec,
    replay: again,
    work,
  };
  writeFileAtomic(o.out!, shardFileText(file));
  const how =
    work.ended === "finding"
      ? "stopped at a sign of a finding"
      : work.ended === "share"
        ? "its share of the budget done"
        : "the search's units all dealt";
  const line = `shard ${index.index}/${index.count}: ${work.units.length} units, ${work.runs} planned protocol runs, ${how}`;
  if (o.json) printJson({ shard: index, units: work.units.length, runs: work.runs, ended: work.ended, out: o.out });
  else
    printRows([
      ["shard", line],
      ["wrote", o.out!],
      ["next", "ccbound merge SHARD-FILES [--cert FILE]"],
    ]);
  return EXIT.ok;
}

/** The task of the flags: at --n, or with --at-bound at the least N where the model is below the bound. */
function taskAt(
  loaded: LoadedModel,
  o: CheckOptions,
): { task: Task; atBound?: { line: string; json: Record<string, unknown> } } {
  if (o.task === undefined) fail("invalid-flag", "check needs --task T", "--task");
  if ((o.n === undefined) === (o.atBound !== true))
    fail("invalid-flag", "give either --n N or --at-bound", o.n === undefined ? "--n" : "--at-bound");
  if (o.n !== undefined) return { task: taskOf(o as TaskFlags) };
  const found = leastBindingN(loaded.model, o.task as TaskName, taskOptionsOf(o));
  const r = found.reduction;
  const n = (x: number) => x.toLocaleString("en");
  const messages = loaded.model.kind === "recurrent" ? relayMessages(r.split) : 0;
  const sent =
    messages === 1
      ? `the model's ${n(r.messageBits)} state bits`
      : messages > 1
        ? `the ${n(r.messageBits)} bits of the model's state sent ${messages} times at split ${r.split.name}`
        : `the ${n(r.messageBits)} bits of the model's Theorem 4 transcript at split ${r.split.name}`;
  const before = found.before
    ? `; at N = ${found.before.n} it requires ${n(found.before.reduction.requiredBits)} against ${n(found.before.reduction.messageBits)}`
    : found.only
      ? `; N = ${found.n} is the only N this model takes (${found.task.name}'s labels are the values 0..N-1)`
      : `; N = ${found.n} is the smallest N ${found.task.name} takes`;
  const line = `N = ${found.n} is the least N where ${r.theorem.name} requires more than ${sent} (${n(r.requiredBits)} bits)${before}`;
  const json = {
    n: found.n,
    theorem: r.theorem.id,
    requiredBits: r.requiredBits,
    messageBits: r.messageBits,
    ...(found.before && {
      before: {
        n: found.before.n,
        requiredBits: found.before.reduction.requiredBits,
        messageBits: found.before.reduction.messageBits,
      },
    }),
  };
  return { task: found.task, atBound: { line, json } };
}
