import type { Command } from "commander";
import { fail } from "../../errors.js";
import { readShardFile, searchIdentity, type ShardFile } from "../../io/shard-file.js";
import { jobOptions, taskOfJob } from "../../refute/parallel/job.js";
import { DEFAULT_AUDIT, mergeShards } from "../../refute/parallel/shard.js";
import { freshSeed } from "../../random.js";
import { planSearch } from "../../refute/plan.js";
import { loadModel, type ModelOptions } from "../load.js";
import { outputFile, wholeNumber } from "../options.js";
import { modelInputs, refuseOverwrite } from "../../io/overwrite.js";
import { progress } from "../print.js";
import { replayCommand, report } from "../verdict-report.js";

interface MergeOptions {
  model?: string;
  cert?: string;
  audit: number | "all";
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
    .option("--cert <file>", "write the certificate here when the model is refuted", outputFile("--cert"))
    .option(
      "--audit <K|all>",
      `results of each shard to recompute, chosen at random, before any is used (default ${DEFAULT_AUDIT})`,
      auditCount,
      DEFAULT_AUDIT,
    )
    .option("--json", "one JSON object on stdout")
    .action(async (files: string[], o: MergeOptions) => {
      process.exitCode = await merge(files, o);
    });
}

/**
 * The shards are read, not trusted: their job fields must agree with one another and with the replay command they
 * carry (re-derived here); a seeded sample of each shard's results is recomputed; every finding is re-derived by
 * running the model; a survival is reported only once every shard result it rests on has been recomputed here; a
 * merged result that contradicts the bound is refused. What remains on the shards' word (the
 * results not recomputed) is said in the output.
 */
async function merge(files: readonly string[], o: MergeOptions): Promise<number> {
  const shards = files.map((path) => ({ path, file: readShardFile(path) }));
  checkShardSet(shards);
  const first = shards[0]!.file;
  const modelPath = o.model ?? first.model.path;
  if (o.cert !== undefined) {
    const inputs = [...files.map((path) => ({ path, role: "a shard file" })), ...modelInputs(modelPath)];
    refuseOverwrite([{ path: o.cert, role: "--cert" }], inputs);
  }
  const loaded = loadModel(modelPath, first.model.options as ModelOptions);
  if (loaded.sha256 !== first.model.sha256) {
    fail(
      "invalid-input",
      `the model at ${modelPath} (SHA-256 ${loaded.sha256.slice(0, 12)}…) is not the one the shards ran (${first.model.sha256.slice(0, 12)}…)`,
      "--model",
    );
  }
  const task = taskOfJob(first.job);
  const options = jobOptions(first.job);
  const plan = planSearch(loaded.model, task, { ...options, spec: loaded.spec });
  const again = replayCommand(first.model.args, plan, first.job.split);
  if (again !== first.replay) {
    fail(
      "invalid-input",
      `the shards' replay command is not the one their job fields give (${first.replay.slice(0, 120)} vs ${again.slice(0, 120)})`,
      shards[0]!.path,
    );
  }
  progress.show("merge: recomputing a sample of each shard's results");
  const merged = mergeShards(
    plan,
    shards.map((s) => s.file.work),
    { units: o.audit, seed: freshSeed() },
  );
  progress.done();
  // A survival rests on every negative result: merge recomputed each one the audit had not (shard.ts).
  const rest =
    merged.verdict.kind === "survived"
      ? `for the survival the other ${merged.rederived} taken from the shards were recomputed here too, all matched: it rests on no shard's word`
      : "the results not recomputed rest on the shards' word";
  const word = `${merged.fromShards} unit results taken from ${shards.length} shard files; ${merged.audited} of the shards' results recomputed here first (audit seed ${merged.auditSeed}), all matched; ${merged.computedHere} computed here`;
  return report({
    loaded,
    task,
    verdict: merged.verdict,
    args: first.model.args,
    again: first.replay,
    ...(o.cert !== undefined && { cert: o.cert }),
    json: o.json === true,
    notes: [["shards", `${word}; ${rest}`]],
    jsonExtra: {
      merge: {
        shards: shards.length,
        fromShards: merged.fromShards,
        audited: merged.audited,
        auditSeed: merged.auditSeed,
        computedHere: merged.computedHere,
        rederived: merged.rederived,
      },
    },
  });
}

/** One search, every shard once: otherwise one line naming the files, and exit 2. */
function auditCount(raw: string): number | "all" {
  if (raw === "all") return "all";
  return wholeNumber("--audit", 0, 2 ** 31)(raw);
}

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
  if (missing.length > 0) {
    const names =
      missing
        .slice(0, 5)
        .map((i) => `${i}/${count}`)
        .join(", ") + (missing.length > 5 ? ", ..." : "");
    fail(
      "invalid-input",
      `${missing.length} shard${missing.length > 1 ? "s are" : " is"} missing (${names}; ${shards.length} of ${count} given)`,
      "merge",
    );
  }
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
