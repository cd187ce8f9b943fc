import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError, type Option } from "commander";
import { fail } from "../../errors.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { modelInputs, refuseOverwrite } from "../../io/overwrite.js";
import { VERSION } from "../../version.js";
import { EXIT } from "../exit.js";
import { JOB_NAME, shardFileName, type ShardedJob } from "../jobs/job-spec.js";
import { kubernetesManifest, mergeCommand } from "../jobs/k8s.js";
import { slurmScript } from "../jobs/slurm.js";
import { oneOf, outputFile, wholeNumber } from "../options.js";
import { printRows } from "../print.js";
import { checkCommand, prepareCheck, type CheckOptions } from "./check.js";

const SCHEDULERS = ["slurm", "k8s"] as const;
type Scheduler = (typeof SCHEDULERS)[number];

interface JobsOptions {
  shards: number;
  out: string;
  workdir?: string;
  ccbound: string;
  name: string;
  image?: string;
  claim?: string;
}

/** check's flags that the job sets for each task, or that belong to the merge. */
const SET_BY_JOB = ["--shard", "--out"];
const TO_MERGE = ["--cert", "--json"];

export function registerJobs(program: Command): void {
  program
    .command("jobs")
    .description(
      "write a cluster job for one check in n shards: a Slurm job-array script or a Kubernetes Indexed Job manifest, each task running check --shard i/n, and the merge step; the check's arguments are validated first",
    )
    .argument("<scheduler>", `${SCHEDULERS.join(" or ")}`, oneOf("the scheduler", SCHEDULERS))
    .argument("<check-args...>", "check's arguments: MODEL --task T --n N [flags] (--cert and --json go to the merge)")
    .requiredOption(
      "--shards <n>",
      "how many shards (array tasks, completion indices)",
      wholeNumber("--shards", 1, 100000),
    )
    .requiredOption("--out <file>", "the script (slurm) or manifest (k8s) to write", outputFile("--out"))
    .option(
      "--workdir <dir>",
      "where every task runs: relative paths in the check's arguments, the shard files and the certificate are taken from here (default: the current directory)",
    )
    .option("--ccbound <path>", "the ccbound executable on the nodes", "ccbound")
    .option(
      "--name <name>",
      "the job's name, also the stem of its shard files (a-z, 0-9, inner -)",
      jobName,
      "ccbound-check",
    )
    .option("--image <image>", "k8s: the container image with ccbound (required for k8s)")
    .option("--claim <pvc>", "k8s: a PersistentVolumeClaim to mount at --workdir, shared by the shards and the merge")
    .allowUnknownOption()
    .action((scheduler: Scheduler, args: string[], o: JobsOptions) => {
      process.exitCode = jobs(scheduler, args, o);
    });
}

function jobName(raw: string): string {
  if (!JOB_NAME.test(raw))
    fail(
      "invalid-flag",
      `--name takes lowercase letters, digits and inner hyphens, at most 40, got "${raw.slice(0, 60)}"`,
    );
  return raw;
}

function jobs(scheduler: Scheduler, args: readonly string[], o: JobsOptions): number {
  if (scheduler === "k8s" && o.image === undefined)
    fail("invalid-flag", "jobs k8s needs --image IMAGE, a container image with ccbound", "--image");
  if (scheduler === "slurm" && (o.image !== undefined || o.claim !== undefined))
    fail("invalid-flag", `${o.image !== undefined ? "--image" : "--claim"} is for k8s only`, "jobs slurm");
  if (o.ccbound === "") fail("invalid-flag", "--ccbound needs a path, got an empty string", "--ccbound");
  const out = resolve(o.out);
  const workdir = resolve(o.workdir ?? ".");
  if (!isDirectory(workdir)) fail("invalid-flag", `${workdir} is not a directory`, "--workdir");
  // The check's arguments mean what they mean in the workdir, where every task runs.
  process.chdir(workdir);
  const { modelPath, options, words } = parseCheckArgs(args);
  for (const flag of SET_BY_JOB)
    if (options[flag.slice(2) as keyof CheckOptions] !== undefined)
      fail("invalid-flag", `${flag} is set by the job for each task: leave it out of the check's arguments`, "jobs");
  const cert = (options.cert as string | undefined) ?? `${o.name}.cert.json`;
  refuseOverwrite(
    [
      { path: out, role: "--out" },
      { path: cert, role: "the merge's --cert" },
    ],
    modelInputs(modelPath),
  );
  // As check itself would start: the model loads, and the task and the plan are made.
  const { cert: _cert, json: _json, ...shardOptions } = options;
  const first = { ...shardOptions, shard: `1/${o.shards}`, out: shardFileName({ name: o.name }, 1) };
  const { plan, again } = prepareCheck(modelPath, first);
  const check = [
    ...words.filter((w) => !TO_MERGE.includes(w.flag ?? "")).flatMap((w) => w.words),
    ...(options.seed === undefined ? ["--seed", String(plan.seed)] : []),
  ];
  const job: ShardedJob = {
    name: o.name,
    shards: o.shards,
    workdir,
    ccbound: o.ccbound,
    check,
    merge: ["--cert", cert, ...(options.json === true ? ["--json"] : [])],
    replay: again,
    ...(options.workers !== undefined && { cpus: options.workers }),
    version: VERSION,
  };
  const text =
    scheduler === "slurm"
      ? slurmScript(job)
      : kubernetesManifest(job, { image: o.image!, ...(o.claim !== undefined && { claim: o.claim }) });
  writeFileAtomic(out, text);
  const run =
    scheduler === "slurm"
      ? [
          [
            "submit",
            `sbatch ${o.out}  (then: bash ${o.out} merge), or: bash ${o.out} submit  (the merge as a dependent job)`,
          ],
        ]
      : [
          ["submit", `kubectl apply -f ${o.out} && kubectl wait --for=condition=complete --timeout=-1s job/${o.name}`],
          ["then", mergeCommand(job)],
        ];
  printRows([
    ["wrote", `${o.out}: ${o.shards} shards of ${again}`],
    ...(options.seed === undefined ? [["seed", `${plan.seed} (fixed for every shard)`] as const] : []),
    ...(run as [string, string][]),
  ]);
  return EXIT.ok;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** One flag as typed, with its value (or an operand): kept as words so the tasks run exactly what was validated. */
interface Word {
  readonly flag?: string;
  readonly words: readonly string[];
}

/**
 * The check's arguments, parsed by check's own command (one line and exit 2 for anything check would refuse), and
 * split into its flags as typed, so that the job can drop the merge's and pass the rest on word for word.
 */
function parseCheckArgs(args: readonly string[]): { modelPath: string; options: CheckOptions; words: Word[] } {
  const program = new Command("ccbound")
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, outputError: () => undefined });
  let parsed: { modelPath: string; options: CheckOptions } | undefined;
  const command = checkCommand(program)
    .exitOverride()
    .action((modelPath: string, options: CheckOptions) => {
      parsed = { modelPath, options };
    });
  try {
    program.parse(["check", ...args], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      const why = e.code === "commander.helpDisplayed" ? "--help is not an argument of a job" : e.message;
      fail("invalid-flag", `the check's arguments: ${why.replace(/^error: /, "")}`, "jobs");
    }
    throw e;
  }
  if (!parsed) fail("invalid-flag", "the check's arguments: a model file and --task, --n are needed", "jobs");
  return { ...parsed, words: wordsOf(args, command.options) };
}

function wordsOf(args: readonly string[], options: readonly Option[]): Word[] {
  const words: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const arg = args[k]!;
    if (arg === "--") {
      words.push({ words: args.slice(k) });
      break;
    }
    const name = arg.startsWith("--") ? arg.split("=", 1)[0]! : undefined;
    const option = name && options.find((opt) => opt.long === name);
    if (!option) {
      words.push({ words: [arg] });
      continue;
    }
    const takesValue = option.required || option.optional;
    if (takesValue && !arg.includes("=") && k + 1 < args.length) {
      words.push({ flag: name, words: [arg, args[k + 1]!] });
      k++;
    } else words.push({ flag: name, words: [arg] });
  }
  return words;
}
