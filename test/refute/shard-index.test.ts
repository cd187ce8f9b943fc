import { describe, expect, it } from "vitest";
import { readModelFile } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { randomModel } from "../../src/models/random.js";
import type { ModelSpec } from "../../src/models/spec.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute, refuteParallel } from "../../src/refute/check.js";
import { DEFAULT_AUDIT, mergeShards, runShard, type ShardWork } from "../../src/refute/parallel/shard.js";
import type { FeedName } from "../../src/refute/portfolio/feed.js";
import { planSearch, type Strategy } from "../../src/refute/plan.js";
import type { Verdict } from "../../src/refute/verdict.js";
import { makeTask } from "../../src/tasks/index.js";
import type { Task } from "../../src/tasks/task.js";
import { partialLookup } from "../../src/zoo/partial-lookup.js";
import { DedupLayout } from "../../src/refute/one-way/dedup.js";

/*
 * Every search shards, INDEX tasks included: the dedup walk partitioned by Alice's first symbols (collisions between
 * shards found by merge, whose one table holds every shard's digests), the sampled strings and rho as blocks of the
 * canonical units. The same seed gives the same verdict and certificate unsharded and sharded 1, 2 and 4 ways.
 */
const SEED = 11;
const index24 = makeTask("index-lookup", 24);

interface Case {
  readonly name: string;
  readonly spec: ModelSpec;
  readonly task: Task;
  readonly strategy: Strategy;
  readonly only?: FeedName[];
  /** What the unsharded search finds: the verdict's kind, the finding's kind and feed, and its runs. */
  readonly expect: Record<string, unknown>;
  /** The collision's two prefixes are in different shards' parts, for 2 and 4 shards: only merge's table meets them. */
  readonly betweenShards?: boolean;
}

// A random float16 LSTM whose dedup walk first meets a repeated state at level 10 (1,024 prefixes, one a partition),
// between prefixes that differ in their first symbols (in one shard of 2 or 4: their partitions agree mod 4).
const lstm16 = randomModel({
  arch: "lstm",
  hidden: 2,
  format: "float16",
  vocab: index24.vocab,
  labels: index24.labels,
  seed: 5,
});
const example = (file: string) => readModelFile(`examples/${file}`).spec;

const CASES: readonly Case[] = [
  {
    name: "partial lookup remembering 9 of N = 24 symbols, the dedup walk alone: its first collision is between shards",
    spec: partialLookup({ n: 24, remember: 9 }),
    task: index24,
    strategy: "dedup",
    only: ["dedup"],
    expect: { kind: "refuted", finding: "collision", feed: "dedup", runs: 1024 },
    betweenShards: true,
  },
  {
    name: "float16 LSTM, index lookup N = 24, the dedup walk alone: a collision at level 10, the first split into partitions",
    spec: lstm16,
    task: index24,
    strategy: "dedup",
    only: ["dedup"],
    expect: { kind: "refuted", finding: "collision", feed: "dedup", runs: 1310 },
  },
  {
    name: "float32 GRU, index lookup N = 16, the dedup walk alone: every state distinct, a final check wrong",
    spec: example("gru-float32-index16.json"),
    task: makeTask("index-lookup", 16),
    strategy: "dedup",
    only: ["dedup"],
    expect: { kind: "refuted", finding: "wrong-answer", feed: "dedup", runs: 131072 },
  },
  {
    name: "the index-lookup DFA of N = 10, the whole portfolio: the dedup walk covers the task (exhaustive survival)",
    spec: example("lookup-dfa-10.json"),
    task: makeTask("index-lookup", 10),
    strategy: "auto",
    expect: { kind: "survived", runs: 6303 },
  },
  {
    name: "float16 LSTM, index lookup N = 24, Alice's strings sampled, messages hashed",
    spec: lstm16,
    task: index24,
    strategy: "sample",
    only: ["sample"],
    expect: { kind: "refuted" },
  },
  {
    name: "float16 LSTM, index lookup N = 24, rho",
    spec: lstm16,
    task: index24,
    strategy: "rho",
    only: ["rho"],
    expect: { kind: "refuted" },
  },
];

function outcome(v: Verdict, task: Task) {
  if (v.kind !== "refuted") return { kind: v.kind, verdict: v };
  const certificate = certificateOf(v, {
    toolVersion: "test",
    modelSha256: "0".repeat(64),
    format: "test",
    task,
    replay: "replay",
  });
  return { kind: v.kind, certificate, search: v.search };
}

describe("every search shards, INDEX tasks included: one seed, one certificate, two workers, 1, 2 and 4 shards", () => {
  for (const c of CASES) {
    it(`${c.name} (seed ${SEED})`, async () => {
      const options = { strategy: c.strategy, seed: SEED, spec: c.spec, ...(c.only && { only: c.only }) };
      const model = compileModel(c.spec);
      const single = refute(model, c.task, options);
      const expected = outcome(single, c.task);
      const summary = {
        kind: single.kind,
        ...(single.kind === "refuted" && { finding: single.finding.kind, feed: single.finding.feed }),
        runs: single.search.runs,
      };
      expect(summary).toMatchObject(c.expect);
      if (c.betweenShards) {
        // The walk's partitions are Alice's first 10 symbols (1,024 of them); shard i of n has those = i - 1 mod n.
        const layout = new DedupLayout(Array.from({ length: 24 }, () => 2));
        expect(layout.partitions).toBe(1024);
        const f = single.kind === "refuted" ? single.finding : undefined;
        const pair = f?.kind === "collision" ? f.collision.inputs : [];
        const parts = pair.map((input) => parseInt(input.slice(0, 10).join(""), 2));
        expect(parts).toEqual([0, 1]);
      }
      // Two workers (the dedup walk split by partitions between them): the same.
      const workers = await refuteParallel(c.spec, c.task, { ...options, workers: 2, inlineMs: 0 });
      expect(outcome(workers, c.task), "two workers").toEqual(expected);
      for (const count of [1, 2, 4]) {
        const plan = planSearch(model, c.task, options);
        const works: ShardWork[] = [];
        for (let index = 1; index <= count; index++) works.push(await runShard(plan, { index, count }));
        const merged = mergeShards(plan, works, { units: DEFAULT_AUDIT, seed: SEED });
        expect(outcome(merged.verdict, c.task), `${count} shards`).toEqual(expected);
      }
    });
  }
});

describe("merge reports a survival only on results recomputed here", () => {
  const spec = example("lookup-dfa-10.json");
  const task = makeTask("index-lookup", 10);
  const plan = planSearch(compileModel(spec), task, { strategy: "auto", seed: SEED, spec });
  const shards = async () => [
    await runShard(plan, { index: 1, count: 2 }),
    await runShard(plan, { index: 2, count: 2 }),
  ];

  it("an honest survival: every shard result the audit left is recomputed (none on the shards' word)", async () => {
    const merged = mergeShards(plan, await shards(), { units: 0, seed: 1 });
    expect(merged.verdict.kind).toBe("survived");
    expect(merged.audited).toBe(0);
    expect(merged.rederived).toBe(merged.fromShards);
    expect(merged.fromShards).toBeGreaterThan(0);
  });

  it("one digest of the dedup walk altered, no audit: refused, where the survival would have held", async () => {
    const works = await shards();
    const altered = works.map((w, s) =>
      s !== 1
        ? w
        : {
            ...w,
            units: w.units.map((u, k) => {
              if (
                k !==
                w.units.findIndex(
                  (x) => x.unit.feed === "dedup" && x.result.kind === "digests" && x.result.digests.length > 0,
                )
              )
                return u;
              if (u.result.kind !== "digests") return u;
              const flipped = u.result.digests.slice();
              flipped[0] = flipped[0]! ^ (1 << 28);
              return { ...u, result: { ...u.result, digests: flipped } };
            }),
          },
    );
    expect(() => mergeShards(plan, altered, { units: 0, seed: 1 })).toThrow(
      /shard 2's result for unit \d+ \(dedup\) is not what the model computes/,
    );
  });

  it("a refutation is not recomputed in full: rederived is 0", async () => {
    const c = CASES[0]!;
    const p = planSearch(compileModel(c.spec), c.task, {
      strategy: c.strategy,
      seed: SEED,
      spec: c.spec,
      only: c.only!,
    });
    const works = [await runShard(p, { index: 1, count: 2 }), await runShard(p, { index: 2, count: 2 })];
    const merged = mergeShards(p, works, { units: DEFAULT_AUDIT, seed: 1 });
    expect(merged.verdict.kind).toBe("refuted");
    expect(merged.rederived).toBe(0);
  });
});
