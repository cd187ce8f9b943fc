/**
 * The shard file: what `check --shard i/n --out FILE` writes and `ccbound merge` reads. The job (without the model,
 * which is named by path and SHA-256), the shard's unit results, and the unsharded run's replay command, which merge
 * re-derives from the job and compares. Validation here is about the file; whether its results are the search's is
 * merge's job (it recomputes a sample of them and re-derives every finding).
 */
import * as z from "zod";
import { digestsFromHex, digestsToHex } from "../refute/feeds/digests.js";
import { FEED_NAMES, type WorkResult } from "../refute/portfolio/feed.js";
import { STRATEGIES } from "../refute/plan.js";
import type { SearchJob } from "../refute/parallel/job.js";
import type { ShardIndex, ShardWork } from "../refute/parallel/shard.js";
import { TASK_NAMES } from "../tasks/task.js";
import { readJsonFile } from "./json-text.js";
import { SHARD_JSON_LIMITS } from "./limits.js";
import { validateWith } from "./validate.js";

export interface ShardFile {
  readonly ccbound: "shard";
  readonly version: 3;
  readonly tool: { readonly name: "ccbound"; readonly version: string };
  readonly shard: ShardIndex;
  readonly model: {
    readonly path: string;
    readonly sha256: string;
    /** The flags the model was loaded with (--format, and safetensors' --vocab, --labels, --nonlinearity). */
    readonly options: Readonly<Record<string, string>>;
    /** The model and its flags as a replay command names them. */
    readonly args: string;
  };
  readonly job: Omit<SearchJob, "spec">;
  /** The unsharded check's replay command. */
  readonly replay: string;
  readonly work: ShardWork;
}

/** The fields that must agree across the shards of one search (everything but the shard's index and work). */
export function searchIdentity(f: ShardFile): string {
  return JSON.stringify({
    tool: f.tool,
    count: f.shard.count,
    sha256: f.model.sha256,
    options: f.model.options,
    job: f.job,
    replay: f.replay,
  });
}

const count = z.number().int().min(0);
const hex = z.string().regex(/^[0-9a-f]*$/, "must be lowercase hex digits");

const unitSchema = z.strictObject({
  items: z.array(z.string().regex(/^\d+$/, "must be a whole number in decimal")).optional(),
  feed: z.enum(FEED_NAMES),
  first: count,
  count: z.number().int().min(1),
  runs: z.number().int().min(1),
  part: z
    .strictObject({ index: count, of: z.number().int().min(1).max(100000) })
    .refine((p) => p.index < p.of, "index must be below of")
    .optional(),
});
const resultSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("answers"), wrong: z.array(count) }),
  z.strictObject({
    kind: z.literal("digests"),
    digests: z.array(z.string().regex(/^[0-9a-f]{16}$/, "must be 16 hex digits")),
    wrong: z.array(count),
  }),
  z.strictObject({
    kind: z.literal("trails"),
    trails: z.array(
      z.strictObject({
        j: count,
        end: z.enum(["dp", "wrong", "cycle", "cut"]),
        runs: count,
        point: hex,
        other: hex.optional(),
      }),
    ),
  }),
]);

const shardSchema = z.strictObject({
  ccbound: z.literal("shard"),
  version: z.literal(3),
  tool: z.strictObject({ name: z.literal("ccbound"), version: z.string().min(1) }),
  shard: z
    .strictObject({ index: z.number().int().min(1), count: z.number().int().min(1).max(100000) })
    .refine((s) => s.index <= s.count, "index must be at most count"),
  model: z.strictObject({
    path: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256"),
    options: z.record(z.string(), z.string()),
    args: z.string(),
  }),
  job: z.strictObject({
    task: z.strictObject({
      name: z.enum(TASK_NAMES),
      n: z.number().int().min(1),
      params: z.record(z.string(), z.number()),
    }),
    strategy: z.enum(STRATEGIES),
    budget: z.number().int().min(1),
    seed: count,
    maxPoints: z.number().int().min(1),
    split: z.string().optional(),
    only: z.array(z.enum(FEED_NAMES)).min(1).optional(),
  }),
  replay: z.string().min(1),
  work: z.strictObject({
    units: z.array(z.strictObject({ at: count, unit: unitSchema, result: resultSchema })),
    runs: count,
    ended: z.enum(["finding", "share", "end"]),
  }),
});

/** A shard file: a regular file, its limits enforced while it is read (src/io/limits.ts). */
export function readShardFile(path: string): ShardFile {
  const value = readJsonFile(path, SHARD_JSON_LIMITS);
  const file = validateWith(shardSchema, value, {
    code: "invalid-input",
    where: path,
    what: "not a ccbound shard file",
  });
  const units = file.work.units.map((u) => ({ ...u, result: resultFromFile(u.result) }));
  return { ...file, work: { ...file.work, units } } as ShardFile;
}

/** A shard file's text: its results' digests written as 16 hex digits each (what readShardFile reads back). */
export function shardFileText(file: ShardFile): string {
  const units = file.work.units.map((u) => ({ ...u, result: resultToFile(u.result) }));
  return `${JSON.stringify({ ...file, work: { ...file.work, units } })}\n`;
}

type FileResult = z.infer<typeof resultSchema>;

function resultToFile(r: WorkResult): FileResult | WorkResult {
  return r.kind === "digests" ? { kind: "digests", digests: digestsToHex(r.digests), wrong: [...r.wrong] } : r;
}

function resultFromFile(r: FileResult): WorkResult {
  return r.kind === "digests" ? { ...r, digests: digestsFromHex(r.digests) } : r;
}
