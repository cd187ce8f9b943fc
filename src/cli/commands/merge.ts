import type { Command } from "commander";
import * as z from "zod";
import { fail } from "../../errors.js";
import { parseJsonText } from "../../io/json-text.js";
import { readTextFile } from "../../io/read-file.js";
import { validateWith } from "../../io/validate.js";
import { taskOfJob, type SearchJob } from "../../refute/search-job.js";
import { searchIdentity, type ShardFile } from "../../refute/shard-file.js";
import { mergeShards } from "../../refute/shard.js";
import { planTwoWay } from "../../refute/two-way-plan.js";
import { twoWayVerdict } from "../../refute/two-way-verdict.js";
import { STRATEGIES } from "../../refute/verdict.js";
import { loadModel, type ModelOptions } from "../load.js";
import { progress } from "../print.js";
import { report } from "./check.js";

interface MergeOptions {
  model?: string;
  cert?: string;
  json?: boolean;
}

export function registerMerge(program: Command): void {
  program
    .command("merge")
    .description(
      "combine the shard files of one search (check --shard i/n --out FILE) into its verdict and certificate",
    )
    .argument("<files...>", "the shard files, one per shard")
    .option("--model <file>", "the model file, when it is no longer where the shards read it (its SHA-256 must match)")
    .option("--cert <file>", "write the certificate here when the model is refuted")
    .option("--json", "one JSON object on stdout")
    .action(async (files: string[], o: MergeOptions) => {
      process.exitCode = await merge(files, o);
    });
}

async function merge(files: readonly string[], o: MergeOptions): Promise<number> {
  const shards = files.map((path) => ({ path, file: readShardFile(path) }));
  checkShardSet(shards);
  const first = shards[0]!.file;
  const modelPath = o.model ?? first.model.path;
  const loaded = loadModel(modelPath, first.model.options as ModelOptions);
  if (loaded.sha256 !== first.model.sha256) {
    fail(
      "invalid-input",
      `the model at ${modelPath} (SHA-256 ${loaded.sha256.slice(0, 12)}…) is not the one the shards ran (${first.model.sha256.slice(0, 12)}…)`,
      "--model",
    );
  }
  const job: SearchJob = { ...first.job, spec: loaded.spec };
  const task = taskOfJob(job);
  const plan = planTwoWay(loaded.model, task, { ...searchJobOptions(job), spec: loaded.spec });
  const result = await mergeShards(
    plan,
    shards.map((s) => s.file.work),
    (runs) => progress.show(`merge: ${runs.toLocaleString("en")} protocol runs`),
  );
  progress.done();
  return report({
    loaded,
    task,
    verdict: twoWayVerdict(plan, result),
    args: first.model.args,
    again: first.replay,
    ...(o.cert !== undefined && { cert: o.cert }),
    json: o.json === true,
  });
}

function searchJobOptions(job: SearchJob) {
  return {
    strategy: job.strategy,
    budget: job.budget,
    seed: job.seed,
    ...(job.maxPoints !== undefined && { maxPoints: job.maxPoints }),
    ...(job.split !== undefined && { split: job.split }),
  };
}

/** One search, every shard once: otherwise one line naming the files, and exit 2. */
function checkShardSet(shards: readonly { path: string; file: ShardFile }[]): void {
  const [first] = shards;
  if (!first) return fail("invalid-flag", "no shard files given", "merge");
  for (const s of shards) {
    if (searchIdentity(s.file) !== searchIdentity(first.file)) {
      fail(
        "invalid-input",
        `${s.path} and ${first.path} are shards of different searches (${difference(s.file, first.file)})`,
        s.path,
      );
    }
  }
  const count = first.file.shard.count;
  const byIndex = new Map<number, string>();
  for (const s of shards) {
    const other = byIndex.get(s.file.shard.index);
    if (other !== undefined)
      fail("invalid-input", `${other} and ${s.path} are both shard ${s.file.shard.index}/${count}`, s.path);
    byIndex.set(s.file.shard.index, s.path);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0)
    fail(
      "invalid-input",
      `shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} ${missing.length > 1 ? "are" : "is"} missing (${shards.length} of ${count} given)`,
      "merge",
    );
}

/** The first field in which two shards' searches differ, for the error line. */
function difference(a: ShardFile, b: ShardFile): string {
  const fields: [string, unknown, unknown][] = [
    ["model", a.model.sha256.slice(0, 12), b.model.sha256.slice(0, 12)],
    ["model flags", a.model.options, b.model.options],
    ["task", a.job.task, b.job.task],
    ["seed", a.job.seed, b.job.seed],
    ["strategy", a.job.strategy, b.job.strategy],
    ["budget", a.job.budget, b.job.budget],
    ["max points", a.job.maxPoints, b.job.maxPoints],
    ["split", a.job.split, b.job.split],
    ["shard count", a.shard.count, b.shard.count],
    ["tool version", a.tool.version, b.tool.version],
  ];
  const show = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? "none"));
  const d = fields.find(([, x, y]) => JSON.stringify(x) !== JSON.stringify(y));
  return d ? `${d[0]} ${show(d[1])} vs ${show(d[2])}` : "their replay commands differ";
}

const count = z.number().int().min(0);
const hex = z.string().regex(/^[0-9a-f]*$/, "must be lowercase hex digits");

const shardSchema = z.strictObject({
  ccbound: z.literal("shard"),
  version: z.literal(1),
  tool: z.strictObject({ name: z.literal("ccbound"), version: z.string().min(1) }),
  shard: z
    .strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) })
    .refine((s) => s.index <= s.count, "index must be at most count"),
  model: z.strictObject({
    path: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256"),
    options: z.record(z.string(), z.string()),
    args: z.string(),
  }),
  job: z.strictObject({
    task: z.strictObject({
      name: z.string().min(1),
      n: z.number().int().min(1),
      params: z.record(z.string(), z.number()),
    }),
    strategy: z.enum(STRATEGIES),
    budget: z.number().int().min(1),
    seed: count,
    maxPoints: z.number().int().min(1).optional(),
    split: z.string().optional(),
  }),
  replay: z.string().min(1),
  work: z.strictObject({
    kind: z.enum(["rho", "table"]),
    trails: z
      .array(
        z.strictObject({
          j: count,
          end: z.enum(["dp", "wrong", "cycle", "cut"]),
          runs: count,
          point: hex,
          other: hex.optional(),
        }),
      )
      .optional(),
    blocks: z.array(z.strictObject({ block: count, digests: z.array(z.string()), wrong: z.array(count) })).optional(),
    runs: count,
    ended: z.enum(["finding", "budget", "end"]),
  }),
});

function readShardFile(path: string): ShardFile {
  const value = parseJsonText(readTextFile(path), path);
  return validateWith(shardSchema, value, {
    code: "invalid-input",
    where: path,
    what: "not a ccbound shard file",
  }) as ShardFile;
}
