import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { ModelSpec } from "../../src/models/spec.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute, refuteParallel } from "../../src/refute/check.js";
import { DEFAULT_AUDIT, mergeShards, runShard, type ShardWork } from "../../src/refute/parallel/shard.js";
import { planSearch, type Strategy } from "../../src/refute/plan.js";
import type { Verdict } from "../../src/refute/verdict.js";
import { makeTask } from "../../src/tasks/index.js";
import type { Task } from "../../src/tasks/task.js";
import { hashEquality } from "../../src/zoo/hash-equality.js";
import { portfolioOf } from "../../src/refute/portfolio/feeds.js";
import { randomModel } from "../../src/models/random.js";

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

/** The certificate a verdict gives (everything the user keeps), with the verdict's search report. */
function outcome(v: Verdict, task: Task) {
  if (v.kind !== "refuted") return { kind: v.kind, search: v.search };
  return {
    certificate: certificateOf(v, {
      toolVersion: "test",
      modelSha256: "0".repeat(64),
      format: "test",
      task,
      replay: "replay",
    }),
    search: v.search,
  };
}

async function sharded(
  c: Case,
  count: number,
  drop?: (w: ShardWork) => ShardWork,
): Promise<{ verdict: Verdict; computedHere: number }> {
  const plan = planSearch(compileModel(c.spec), c.task, { strategy: c.strategy, seed: SEED, spec: c.spec });
  const works: ShardWork[] = [];
  // Shards run one after another here, as a job array's jobs would, each in its own thread.
  for (let index = 1; index <= count; index++) works.push(await runShard(plan, { index, count }));
  const merged = mergeShards(plan, drop ? works.map(drop) : works, { units: DEFAULT_AUDIT, seed: SEED });
  return { verdict: merged.verdict, computedHere: merged.computedHere };
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
    const { verdict, computedHere } = await sharded(c, 2, (w) => ({
      ...w,
      units: w.units.slice(0, Math.floor(w.units.length / 3)),
    }));
    expect(computedHere).toBeGreaterThan(0);
    expect(outcome(verdict, c.task)).toEqual(single);
  });

  it("a shard file that reports a wrong answer the model does not give is refused with invalid-input", async () => {
    const c = CASES[1]!;
    const forged = (w: ShardWork): ShardWork => ({
      ...w,
      units: w.units.map((u) =>
        u.at === 0 && u.result.kind === "answers" ? { ...u, result: { kind: "answers", wrong: [0] } } : u,
      ),
    });
    const error = await sharded(c, 2, forged).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CcboundError);
    expect((error as CcboundError).code).toBe("invalid-input");
    expect((error as CcboundError).message).toMatch(/not what the model computes|do not match the search/);
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

  it("a merged search that contradicts the bound is refused: forged shards claiming every element of EQ's fooling set its own transcript, below the bound", async () => {
    // A 1-unit Elman network in fixed:1.1 sends 3 bits < 6, the bound for EQ on 6-bit halves: two of the 64 elements
    // must share a transcript. Shards whose results say otherwise cannot be merged into a verdict.
    const task = makeTask("equality", 12);
    const spec = randomModel({
      arch: "elman",
      hidden: 1,
      format: "fixed:1.1",
      vocab: task.vocab,
      labels: task.labels,
      seed: 3,
    });
    const plan = planSearch(compileModel(spec), task, {
      strategy: "exhaustive",
      seed: SEED,
      spec,
      only: ["fooling-set"],
    });
    const r = plan.applies.kind === "reduction" ? plan.applies.reduction : undefined;
    expect(r?.kind === "two-way" && r.messageBits).toBe(3);
    const honest = [await runShard(plan, { index: 1, count: 1 })];
    expect(mergeShards(plan, honest, { units: DEFAULT_AUDIT, seed: 1 }).verdict.kind).toBe("refuted");
    // A forged shard file for the whole search: every canonical unit, each element a digest of its own, none wrong.
    const canonical = portfolioOf(plan);
    const units = [];
    let fake = 0;
    for (let unit = canonical.next(), at = 0; unit; unit = canonical.next(), at++) {
      const digests = new Uint32Array(2 * unit.count).map((_, w) => (w % 2 === 1 ? fake++ : 0));
      units.push({ at, unit, result: { kind: "digests" as const, digests, wrong: [] } });
    }
    expect(fake).toBe(64);
    const forged: ShardWork[] = [{ units, runs: 64, ended: "end" }];
    // No audit: the bound alone refuses it (the audit would too).
    const error = (() => {
      try {
        mergeShards(plan, forged, { units: 0, seed: 1 });
      } catch (e) {
        return e as CcboundError;
      }
    })();
    expect(error).toBeInstanceOf(CcboundError);
    expect(error!.code).toBe("invalid-input");
    expect(error!.message).toMatch(/contradicts the pigeonhole argument|do not match the search/);
  });
});
