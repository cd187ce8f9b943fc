import { resolve } from "node:path";
import type { Command } from "commander";
import { fail } from "../../errors.js";
import { writeCertificate } from "../../io/certificate.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { certificateOf, type Certificate } from "../../refute/certificate.js";
import { TWO_WAY_TASKS } from "../../refute/bound-for.js";
import { defaultWorkers, refuteParallel } from "../../refute/parallel.js";
import { DEFAULT_BUDGET, DEFAULT_MAX_POINTS, STRATEGIES, type Strategy, type Verdict } from "../../refute/refute.js";
import { searchJob } from "../../refute/search-job.js";
import type { ShardFile } from "../../refute/shard-file.js";
import { parseShard, runShard } from "../../refute/shard.js";
import { planTwoWay } from "../../refute/two-way-plan.js";
import { freshSeed } from "../../random.js";
import type { Model } from "../../models/compile.js";
import type { Task } from "../../tasks/task.js";
import { VERSION } from "../../version.js";
import { EXIT } from "../exit.js";
import { checkAgainstTask, missingBound } from "./check-unbounded.js";
import { describeModel, loadModel, modelArgs, modelOptions, type LoadedModel, type ModelOptions } from "../load.js";
import { oneOf, shellQuote, wholeNumber } from "../options.js";
import { taskArgs, taskFlags, taskOf, type TaskFlags } from "../task-flags.js";
import { printJson, printRows, progress } from "../print.js";

interface CheckOptions extends ModelOptions, TaskFlags {
  split?: string;
  strategy: Strategy;
  budget: number;
  seed?: number;
  maxPoints?: number;
  workers?: number;
  shard?: string;
  out?: string;
  cert?: string;
  json?: boolean;
}

export function registerCheck(program: Command): void {
  modelOptions(
    taskFlags(
      program
        .command("check")
        .description(
          "compare what a model sends across a split with the lower bound for a task, then search for an input it gets wrong",
        )
        .argument("<model>", "model file (JSON or safetensors)")
        .option(
          "--split <K|odd-even>",
          "where Alice's part ends (a cut K) or odd-even; default: the reduction's own split",
        )
        .option(
          "--strategy <S>",
          `search: ${STRATEGIES.join(", ")} (dedup: INDEX tasks only; rho: fooling-set tasks, bounded memory)`,
          oneOf("--strategy", STRATEGIES),
          "auto",
        )
        .option(
          "--budget <R>",
          "most protocol runs (Alice messages) to compute",
          wholeNumber("--budget", 1, 2 ** 48),
          DEFAULT_BUDGET,
        )
        .option("--seed <S>", "seed for sampling (printed either way)", wholeNumber("--seed", 0, 2 ** 32 - 1))
        .option(
          "--max-points <N>",
          `rho: most distinguished points to keep, the memory bound (default ${DEFAULT_MAX_POINTS})`,
          wholeNumber("--max-points", 1, 2 ** 28),
        )
        .option(
          "--workers <W>",
          "worker threads for fooling-set searches (default: available cores; the result does not depend on it)",
          wholeNumber("--workers", 1, 1024),
        )
        .option(
          "--shard <i/n>",
          "compute shard i of n of a fooling-set search (a job array); needs --out; combine with ccbound merge",
        )
        .option("--out <file>", "with --shard: the shard file to write")
        .option("--cert <file>", "write the certificate here when the model is refuted")
        .option("--json", "one JSON object on stdout"),
    ),
  ).action(async (modelPath: string, o: CheckOptions) => {
    process.exitCode = await check(modelPath, o);
  });
}

async function check(modelPath: string, o: CheckOptions): Promise<number> {
  if (o.cert !== undefined && resolve(o.cert) === resolve(modelPath))
    fail("invalid-flag", "the certificate would overwrite the model file", "--cert");
  checkShardFlags(modelPath, o);
  const loaded = loadModel(modelPath, o);
  const task = taskOf(o);
  const seed = o.seed ?? freshSeed();
  const reason = missingBound(loaded.model, task);
  if (reason !== undefined) {
    if (o.shard !== undefined)
      fail("invalid-flag", `--shard splits a search for a lower bound, and there is ${reason}`, "--shard");
    return checkAgainstTask(loaded, task, reason, { seed, args: modelArgs(modelPath, o), json: o.json === true });
  }
  const onProgress = (phase: string, runs: number) =>
    progress.show(`${phase}: ${runs.toLocaleString("en")} protocol runs`);
  const again = [
    `ccbound check ${modelArgs(modelPath, o)} ${taskArgs(o)}`,
    o.split === undefined ? "" : ` --split ${o.split}`,
    ` --strategy ${o.strategy}`,
    ` --budget ${o.budget} --seed ${seed}`,
    o.maxPoints === undefined ? "" : ` --max-points ${o.maxPoints}`,
  ].join("");
  const options = {
    strategy: o.strategy,
    budget: o.budget,
    seed,
    onProgress,
    workers: o.workers ?? defaultWorkers(),
    ...(o.split !== undefined && { split: o.split }),
    ...(o.maxPoints !== undefined && { maxPoints: o.maxPoints }),
  };
  if (o.shard !== undefined) return shard(loaded, task, o, options, again);
  const verdict = await refuteParallel(loaded.spec, task, options);
  progress.done();
  return report({
    loaded,
    task,
    verdict,
    args: modelArgs(modelPath, o),
    again,
    ...(o.cert !== undefined && { cert: o.cert }),
    json: o.json === true,
  });
}

/** --shard: fooling-set tasks only, with --out and without --cert (the certificate comes from merge). */
function checkShardFlags(modelPath: string, o: CheckOptions): void {
  if (o.shard === undefined) {
    if (o.out !== undefined)
      fail("invalid-flag", "--out writes a shard file and needs --shard i/n", "--out", "for a certificate use --cert");
    return;
  }
  parseShard(o.shard);
  if (o.out === undefined) fail("invalid-flag", "--shard needs --out FILE for the shard's results", "--shard");
  if (resolve(o.out) === resolve(modelPath))
    fail("invalid-flag", "the shard file would overwrite the model file", "--out");
  if (o.cert !== undefined)
    fail("invalid-flag", "a shard has no verdict of its own: pass --cert to ccbound merge", "--cert");
  if (!TWO_WAY_TASKS.includes(o.task))
    fail(
      "invalid-flag",
      `--shard splits fooling-set searches (${TWO_WAY_TASKS.join(", ")}); ${o.task} is searched through INDEX`,
      "--shard",
    );
}

async function shard(
  loaded: LoadedModel,
  task: Task,
  o: CheckOptions,
  options: Parameters<typeof refuteParallel>[2] & { seed: number },
  again: string,
): Promise<number> {
  const index = parseShard(o.shard!);
  const plan = planTwoWay(loaded.model, task, { ...options, spec: loaded.spec });
  const job = searchJob(loaded.spec, task, { ...options, budget: plan.budget });
  const work = await runShard(plan, job, index, options.workers ?? 1);
  const { spec: _spec, ...jobWithoutSpec } = job;
  const modelFlags = Object.fromEntries(
    (["format", "nonlinearity", "vocab", "labels"] as const)
      .filter((k) => o[k] !== undefined)
      .map((k) => [k, String(o[k])]),
  );
  const file: ShardFile = {
    ccbound: "shard",
    version: 1,
    tool: { name: "ccbound", version: VERSION },
    shard: index,
    model: { path: loaded.path, sha256: loaded.sha256, options: modelFlags, args: modelArgs(loaded.path, o) },
    job: jobWithoutSpec,
    replay: again,
    work,
  };
  writeFileAtomic(o.out!, `${JSON.stringify(file)}\n`);
  const line = `shard ${index.index}/${index.count}: ${work.runs} protocol runs, ${work.ended === "finding" ? "stopped at a finding of its own" : work.ended === "budget" ? "its share of the budget done" : "all its draws done"}`;
  if (o.json) printJson({ shard: index, runs: work.runs, ended: work.ended, out: o.out });
  else
    printRows([
      ["shard", line],
      ["wrote", o.out!],
      ["next", "ccbound merge SHARD-FILES [--cert FILE]"],
    ]);
  return EXIT.ok;
}

/** What a verdict prints and writes, for check and for merge (which must print the same). */
export interface Report {
  readonly loaded: Pick<LoadedModel, "path" | "sha256" | "spec" | "model">;
  readonly task: Task;
  readonly verdict: Verdict;
  /** The model and its flags as a replay command names them. */
  readonly args: string;
  /** The check command that replays the search. */
  readonly again: string;
  readonly cert?: string;
  readonly json: boolean;
}

export function report({ loaded, task, verdict, args, again, cert, json }: Report): number {
  let certificate: Certificate | undefined;
  if (verdict.kind === "refuted") {
    const replay = cert ? `ccbound verify ${shellQuote(cert)} --model ${args}` : again;
    certificate = certificateOf(verdict, { toolVersion: VERSION, modelSha256: loaded.sha256, task, replay });
    if (cert) writeCertificate(cert, certificate);
  }
  const replay = certificate?.replay ?? again;
  if (json) printJson(jsonReport(loaded.path, loaded.sha256, loaded.model.kind, verdict, certificate, replay));
  else printRows(humanReport(loaded.path, describeModel(loaded.spec), loaded.model.kind, verdict, cert, replay));
  return exitCode(verdict);
}

function exitCode(v: Verdict): number {
  switch (v.kind) {
    case "refuted":
      return EXIT.refuted;
    case "survived":
      return EXIT.survived;
    case "inconclusive":
      return EXIT.inconclusive;
  }
}

function verdictLine(v: Verdict): string {
  switch (v.kind) {
    case "refuted": {
      const c = v.finding.collision;
      const how = !c
        ? "a direct wrong answer"
        : c.split !== undefined
          ? `two fooling-set inputs share one ${c.transcriptBits}-bit transcript at split ${c.split}; the input crosses them`
          : `two inputs that differ on Alice's side send one ${c.transcriptBits}-bit message`;
      return `REFUTED: answers "${v.finding.answer}" where the task says "${v.finding.expected}" (${how})`;
    }
    case "survived":
      if (v.mode === "exhaustive" && v.scope === "task")
        return `SURVIVED: right on all ${v.inputs} inputs of the task (exhaustive)`;
      return v.mode === "exhaustive"
        ? `SURVIVED: right on all ${v.inputs} inputs of ${v.theorem.name}'s family (exhaustive there), which is not all ${v.taskInputs} inputs of the task`
        : `SURVIVED: right on ${v.samples} sampled inputs of ${v.theorem.name}'s reduction, with no collision (sampled, seed ${v.seed})`;
    case "inconclusive":
      return `INCONCLUSIVE: ${v.reason}`;
  }
}

function humanReport(
  path: string,
  what: string,
  kind: Model["kind"],
  v: Verdict,
  certPath: string | undefined,
  replay: string,
): [string, string][] {
  const below = v.messageBits < v.requiredBits;
  const sent =
    kind === "recurrent"
      ? ["state", `${v.messageBits} bits cross the cut at ${v.split} (Theorem 2: Alice sends her final state)`]
      : [
          "protocol",
          `${v.messageBits} bits cross the split ${v.split} (Theorem 4: the last token, maxima, normalisers and weighted sums)`,
        ];
  const rows: [string, string][] = [
    ["model", `${path} (${what})`],
    sent as [string, string],
    [
      "bound",
      `${v.theorem.name}: ${v.theorem.bound}, here ${v.requiredBits} bits; the model is ${below ? "BELOW the bound: an error must exist" : "at or above the bound"}`,
    ],
    ["reduction", reductionLine(v)],
    ["search", `${v.strategy}: ${v.stats.runs} protocol runs, ${v.stats.steps} model steps, seed ${v.seed}`],
  ];
  if (v.rho) rows.push(["memory", rhoLine(v.rho)]);
  rows.push(["verdict", verdictLine(v)]);
  if (v.kind === "refuted") rows.push(["input", v.finding.input.join(" ")]);
  if (v.kind === "refuted" && certPath) rows.push(["certificate", certPath]);
  rows.push(["replay", replay]);
  return rows;
}

/** A rho search's trails and its table: the memory it kept against its bound. */
function rhoLine(r: NonNullable<Verdict["rho"]>): string {
  return `${r.points} distinguished points x ${r.bytesPerPoint} bytes (table ${r.tableBytes} bytes for at most ${r.maxPoints}); ${r.trails} trails, 1 point in 2^${r.distinguishedBits} distinguished, ${r.falseAlarms} false alarms`;
}

/** What the bound's argument ranges over, and what a collision among those inputs means. */
function reductionLine(v: Verdict): string {
  const { problem, inputs } = v.reduction;
  const count = countText(inputs);
  return problem === "INDEX"
    ? `from INDEX: ${count} strings of Alice's; two in one state get one answer to the query where they differ, so one is wrong`
    : `from ${problem}: a fooling set of ${count} inputs at split ${v.split}; two with one transcript give a crossed input the model must answer wrongly`;
}

/** 1024 as "2^10", other counts in digits. */
function countText(n: bigint): string {
  const bits = n.toString(2);
  return /^10*$/.test(bits) && bits.length > 4 ? `2^${bits.length - 1}` : n.toLocaleString("en");
}

function jsonReport(
  path: string,
  sha256: string,
  kind: Model["kind"],
  v: Verdict,
  certificate: Certificate | undefined,
  replay: string,
) {
  return {
    verdict: v.kind,
    ...(v.kind === "survived" && {
      mode: v.mode,
      ...(v.mode === "exhaustive"
        ? { scope: v.scope, inputs: v.inputs.toString(), taskInputs: v.taskInputs.toString() }
        : { samples: v.samples }),
    }),
    ...(v.kind === "inconclusive" && { reason: v.reason }),
    model: { path, sha256, messageBits: v.messageBits, ...(kind === "recurrent" && { stateBits: v.messageBits }) },
    split: v.split,
    reduction: { problem: v.reduction.problem, inputs: v.reduction.inputs.toString() },
    bound: {
      theorem: v.theorem.id,
      statement: v.theorem.bound,
      requiredBits: v.requiredBits,
      below: v.messageBits < v.requiredBits,
    },
    search: {
      strategy: v.strategy,
      runs: v.stats.runs,
      steps: v.stats.steps,
      seed: v.seed,
      ...(v.rho && { rho: v.rho }),
    },
    ...(certificate && { certificate }),
    replay,
  };
}
