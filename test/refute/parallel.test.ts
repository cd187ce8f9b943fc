import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { ModelSpec } from "../../src/models/spec.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refuteParallel } from "../../src/refute/parallel.js";
import { refute, type Strategy, type Verdict } from "../../src/refute/refute.js";
import { searchJob } from "../../src/refute/search-job.js";
import { mergeShards, runShard, type ShardWork } from "../../src/refute/shard.js";
import { planTwoWay } from "../../src/refute/two-way-plan.js";
import { twoWayVerdict } from "../../src/refute/two-way-verdict.js";
import { makeTask } from "../../src/tasks/index.js";
import type { Task } from "../../src/tasks/task.js";
import { hashEquality } from "../../src/zoo/hash-equality.js";

const SEED = 11;

interface Case {
  readonly name: string;
  readonly spec: ModelSpec;
  readonly task: Task;
  readonly strategy: Strategy;
}

const eq64 = makeTask("equality", 64);
const eq128 = makeTask("equality", 128);
const transformer = randomTransformer({
  width: 1,
  heads: 1,
  layers: 1,
  maxLength: eq128.inputLength,
  format: "fixed:1.3",
  vocab: eq128.vocab,
  labels: eq128.labels,
  seed: 1,
});
const CASES: readonly Case[] = [
  { name: "hash-equality c = 28, rho", spec: hashEquality({ n: 64, bits: 28, seed: 4 }), task: eq64, strategy: "rho" },
  {
    name: "hash-equality c = 24, sampled table",
    spec: hashEquality({ n: 64, bits: 24, seed: 4 }),
    task: eq64,
    strategy: "sample",
  },
  {
    name: "one-layer Transformer below the bound (55 < 64 bits), rho",
    spec: transformer,
    task: eq128,
    strategy: "rho",
  },
  {
    name: "one-layer Transformer below the bound (55 < 64 bits), sampled table",
    spec: transformer,
    task: eq128,
    strategy: "sample",
  },
];

/** The certificate a verdict gives (everything the user keeps), with the verdict's stats and memory. */
function outcome(v: Verdict, task: Task) {
  if (v.kind !== "refuted") return { kind: v.kind, stats: v.stats };
  return {
    certificate: certificateOf(v, { toolVersion: "test", modelSha256: "0".repeat(64), task, replay: "replay" }),
    stats: v.stats,
    rho: v.rho,
  };
}

async function sharded(
  c: Case,
  count: number,
  drop?: (w: ShardWork) => ShardWork,
): Promise<{ verdict: Verdict; filled: number }> {
  const plan = planTwoWay(compileModel(c.spec), c.task, { strategy: c.strategy, seed: SEED, spec: c.spec });
  const job = searchJob(c.spec, c.task, { strategy: c.strategy, seed: SEED, budget: plan.budget });
  const works: ShardWork[] = [];
  // Shards run one after another here, as a job array's jobs would, the last one on two workers.
  for (let index = 1; index <= count; index++)
    works.push(await runShard(plan, job, { index, count }, index === count ? 2 : 1, 0));
  const merged = await mergeShards(plan, drop ? works.map(drop) : works);
  return { verdict: twoWayVerdict(plan, merged), filled: merged.filled };
}

describe("parallel and sharded searches give the single-threaded certificate for the same seed", () => {
  for (const c of CASES) {
    it(`${c.name}: one thread = two workers = 2 shards merged = 3 shards merged (seed ${SEED})`, async () => {
      const single = refute(compileModel(c.spec), c.task, { strategy: c.strategy, seed: SEED, spec: c.spec });
      expect(single.kind).toBe("refuted");
      const expected = outcome(single, c.task);
      const workers = await refuteParallel(c.spec, c.task, {
        strategy: c.strategy,
        seed: SEED,
        workers: 2,
        inlineMs: 0,
      });
      expect(outcome(workers, c.task), "two workers").toEqual(expected);
      for (const count of [2, 3])
        expect(outcome((await sharded(c, count)).verdict, c.task), `${count} shards`).toEqual(expected);
    });
  }

  it("merge computes what the shards did not: shards cut short still give the same certificate", async () => {
    const c = CASES[0]!;
    const single = outcome(
      refute(compileModel(c.spec), c.task, { strategy: c.strategy, seed: SEED, spec: c.spec }),
      c.task,
    );
    const { verdict, filled } = await sharded(c, 2, (w) => ({
      ...w,
      trails: w.trails!.slice(0, Math.floor(w.trails!.length / 3)),
    }));
    expect(filled).toBeGreaterThan(0);
    expect(outcome(verdict, c.task)).toEqual(single);
  });

  it("a shard file that reports a wrong answer the model does not give is refused with invalid-input", async () => {
    const c = CASES[1]!;
    const forged = (w: ShardWork): ShardWork => ({
      ...w,
      blocks: w.blocks!.map((b) => (b.block === 0 ? { ...b, wrong: [0] } : b)),
    });
    const error = await sharded(c, 2, forged).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CcboundError);
    expect((error as CcboundError).code).toBe("invalid-input");
    expect((error as CcboundError).message).toMatch(/does not reproduce/);
  });

  it("bad input met inside a worker is the error one thread gives (a model with 64 positions on inputs of 128: the first run fails, in a worker)", async () => {
    const spec = hashEquality({ n: 64, bits: 20, seed: 1 });
    const caught = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e;
      }
    };
    const single = caught(() =>
      refute(compileModel(spec), eq128, { strategy: "sample", seed: SEED, spec }),
    ) as CcboundError;
    expect(single).toBeInstanceOf(CcboundError);
    const parallel = await refuteParallel(spec, eq128, {
      strategy: "sample",
      seed: SEED,
      workers: 2,
      inlineMs: 0,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(parallel).toBeInstanceOf(CcboundError);
    expect((parallel as CcboundError).oneLine()).toBe(single.oneLine());
  });
});
