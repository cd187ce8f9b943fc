import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import { randomModel } from "../../src/models/random.js";
import type { TransformerModelSpec } from "../../src/models/spec.js";
import { bind } from "../../src/reductions/bind.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { answerOf } from "../../src/refute/finding.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { makeTask } from "../../src/tasks/index.js";
import type { Task } from "../../src/tasks/task.js";
import { quotientDfa, trieDfa } from "./trie-dfa.js";

const SEED = 4242;
const SHA = "0".repeat(64);

/** A one-layer Transformer whose every weight is zero and whose head prefers `label`: a constant model. */
function constantTransformer(task: Task, label: string): TransformerModelSpec {
  const spec = randomTransformer({
    width: 2,
    heads: 1,
    layers: 1,
    maxLength: task.inputLength,
    format: "fixed:3.4",
    vocab: task.vocab,
    labels: task.labels,
    seed: 1,
  });
  const zero = (m: number[][]) => m.map((row) => row.map(() => 0));
  return {
    ...spec,
    tokenEmbedding: zero(spec.tokenEmbedding),
    positionEmbedding: zero(spec.positionEmbedding),
    head: { weight: zero(spec.head.weight), bias: task.labels.map((l) => (l === label ? 1 : 0)) },
  };
}

function certify(model: ReturnType<typeof compileModel>, task: Task, v: ReturnType<typeof refute>) {
  if (v.kind !== "refuted") throw new Error(`expected refuted, got ${v.kind}`);
  const cert = certificateOf(v, { toolVersion: "test", modelSha256: SHA, format: model.formatName, task, replay: "-" });
  return { cert, check: verifyCertificate(cert, model, SHA) };
}

describe("two-way fooling-set search (Theorem 4 for Transformers, Theorem 2 for RNNs)", () => {
  it("a constant one-layer Transformer on Dyck-(2,2), n = 8, odd/even: the second element collides, the crossed input is the error, the certificate re-checks", () => {
    const task = makeTask("dyck", 8);
    const model = compileModel(constantTransformer(task, "1"));
    const v = refute(model, task, { seed: 1, only: ["fooling-set"] });
    expect(v.kind).toBe("refuted");
    expect(v.applied).toMatchObject({ kind: "reduction", split: "odd-even", requiredBits: 7 });
    if (v.applied.kind === "reduction") expect(v.applied.theorem.id).toBe("thm5");
    expect(v.search.runs).toBe(2);
    const { cert, check } = certify(model, task, v);
    expect(cert).toMatchObject({ kind: "collision", theorem: "thm5", collision: { split: "odd-even" } });
    expect(check).toMatchObject({
      valid: true,
      kind: "collision",
      theorem: "thm5",
      collision: { protocol: "thm4", split: "odd-even" },
    });
    // The whole portfolio refutes it too (a probe or a crossed input may come first: a plain wrong answer).
    expect(refute(model, task, { seed: 1 }).kind).toBe("refuted");
    // A tampered transcript no longer verifies.
    const tampered = {
      ...cert,
      collision: {
        ...cert.collision!,
        transcriptHex: cert.collision!.transcriptHex.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
      },
    };
    expect(verifyCertificate(tampered, model, SHA).valid).toBe(false);
  });

  it("random one-layer Transformers on equality (EQ/INEQ, with and without separator), disjointness and dyck at n = 4..10: refuted, a forward pass confirms, the certificate verifies", () => {
    const taskArb = fc.oneof(
      fc.record({
        name: fc.constant("equality"),
        n: fc.constantFrom(4, 6, 8, 10),
        variant: fc.constantFrom("eq", "ineq"),
        separator: fc.boolean(),
      }),
      fc.record({ name: fc.constant("disjointness"), n: fc.constantFrom(4, 6, 8, 10) }),
      fc.record({ name: fc.constant("dyck"), n: fc.constantFrom(4, 6, 8, 10) }),
    );
    fc.assert(
      fc.property(
        taskArb,
        fc.nat(),
        fc.constantFrom("fixed:2.5", "float16", "float32"),
        ({ name, n, ...options }, seed, format) => {
          const task = makeTask(name, n, options as never);
          const model = compileModel(
            randomTransformer({
              width: 2,
              heads: 1,
              layers: 1,
              maxLength: task.inputLength,
              format,
              vocab: task.vocab,
              labels: task.labels,
              seed,
            }),
          );
          const v = refute(model, task, { seed: 1 });
          expect(v.kind).toBe("refuted");
          if (v.kind !== "refuted") return;
          expect(answerOf(model, bind(model, task), v.finding.input)).not.toBe(task.answer(v.finding.input));
          expect(certify(model, task, v).check.valid).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it("a recurrent model that is exactly right on EQ at n = 8 survives, checked on the whole task (256 inputs)", () => {
    const task = makeTask("equality", 8);
    const model = compileModel(trieDfa(task.vocab, task.labels, task.inputLength, (t) => task.answer(t)));
    const v = refute(model, task, { seed: 1 });
    expect(v).toMatchObject({ kind: "survived", mode: "exhaustive", inputs: 256n });
    if (v.applied.kind === "reduction") expect(v.applied.theorem.id).toBe("thm11");
    else throw new Error("Theorem 11 applies to recurrent models on equality");
    // The fooling set was covered too (every element its own state), which alone would not have been survival.
    expect(v.search.feeds.find((f) => f.name === "fooling-set")?.ended).toEqual({ kind: "exhausted", items: 16n });
  });

  it("a recurrent model that forgets the first bit on EQ at n = 10: a collision at the cut and a certificate Theorem 2's verifier accepts", () => {
    const task = makeTask("equality", 10);
    // Right except that it compares only bits 2..5 with 7..10.
    const model = compileModel(
      quotientDfa(
        task.vocab,
        task.labels,
        task.inputLength,
        (p) => p.slice(1).join(""),
        (t) => (t.slice(1, 5).join("") === t.slice(6).join("") ? "1" : "0"),
      ),
    );
    const v = refute(model, task, { seed: 1, only: ["fooling-set"] });
    const { cert, check } = certify(model, task, v);
    expect(cert).toMatchObject({ kind: "collision", theorem: "thm11", collision: { split: "5" } });
    expect(check).toMatchObject({ valid: true, collision: { protocol: "thm2", split: "5" } });
  });

  it("where no bound applies the verdict says why (two layers, recurrent models on dyck, Transformers on index lookup); a wrong split is an error", () => {
    const dyck = makeTask("dyck", 6);
    const two = compileModel(
      randomTransformer({
        width: 2,
        heads: 1,
        layers: 2,
        maxLength: 6,
        format: "float32",
        vocab: dyck.vocab,
        labels: dyck.labels,
        seed: 1,
      }),
    );
    const none = (v: ReturnType<typeof refute>) => (v.applied.kind === "none" ? v.applied.reason : "a bound applied");
    expect(none(refute(two, dyck, { seed: 1 }))).toMatch(/two or more layers \(Corollary 13.1/);
    const rnn = compileModel(trieDfa(dyck.vocab, dyck.labels, 6, (t) => dyck.answer(t)));
    const right = refute(rnn, dyck, { seed: 1 });
    expect(none(right)).toMatch(/no lower bound for recurrent models on dyck/);
    // Right on every one of the 4^6 inputs: the sweep shows it.
    expect(right).toMatchObject({ kind: "survived", mode: "exhaustive", inputs: 4096n });
    const eq = makeTask("equality", 8);
    const tf = compileModel(
      randomTransformer({
        width: 2,
        heads: 1,
        layers: 1,
        maxLength: 8,
        format: "float32",
        vocab: eq.vocab,
        labels: eq.labels,
        seed: 1,
      }),
    );
    expect(() => refute(tf, eq, { split: "odd-even" })).toThrow(/splits the input at "4"/);
    const lookup = makeTask("index-lookup", 4);
    const tfLookup = compileModel(
      randomTransformer({
        width: 2,
        heads: 1,
        layers: 1,
        maxLength: 5,
        format: "float32",
        vocab: lookup.vocab,
        labels: lookup.labels,
        seed: 1,
      }),
    );
    expect(none(refute(tfLookup, lookup, { seed: 1 }))).toMatch(
      /no lower bound for one-layer Transformers on index-lookup/,
    );
  });
});

describe("nearest neighbour for recurrent models (Theorem 8, through INDEX)", () => {
  it("random recurrent models with fewer state bits than n pairs are refuted on nearest-neighbor (n = 6..12), and the certificate verifies", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 6, max: 12 }),
        fc.nat(),
        fc.constantFrom("lstm", "gru", "elman") as fc.Arbitrary<"lstm" | "gru" | "elman">,
        (n, seed, arch) => {
          const task = makeTask("nearest-neighbor", n);
          const model = compileModel(
            randomModel({ arch, hidden: 1, format: "fixed:1.1", vocab: task.vocab, labels: task.labels, seed }),
          );
          const v = refute(model, task, { seed: 1 });
          expect(v.applied).toMatchObject({ kind: "reduction", requiredBits: n });
          if (v.applied.kind === "reduction") expect(v.applied.theorem.id).toBe("thm8");
          expect(v.kind).toBe("refuted");
          expect(certify(model, task, v).check.valid).toBe(true);
        },
      ),
      { seed: SEED, numRuns: 30 },
    );
  });
});

describe("--strategy for fooling-set searches", () => {
  const task = makeTask("dyck", 8);
  const model = compileModel(constantTransformer(task, "1"));
  it("sample draws elements (the constant model still collides at once); exhaustive enumerates; dedup is refused", () => {
    expect(refute(model, task, { seed: 3, strategy: "sample", budget: 50 }).kind).toBe("refuted");
    expect(refute(model, task, { strategy: "exhaustive", only: ["fooling-set"] }).search.runs).toBe(2);
    expect(() => refute(model, task, { strategy: "dedup" })).toThrow(/fooling set/);
  });
});

describe("collisions on DISJ at the cut (the crossing goes either way round)", () => {
  it("recurrent models on disjointness at n = 8..16: every collision certificate's input crosses its pair, and verify accepts it (seeds 1..40)", () => {
    let collisions = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const n = 8 + 2 * (seed % 5);
      const task = makeTask("disjointness", n);
      const model = compileModel(
        randomModel({ arch: "gru", hidden: 1, format: "fixed:1.1", vocab: task.vocab, labels: task.labels, seed }),
      );
      const v = refute(model, task, { seed, only: ["fooling-set"] });
      if (v.kind !== "refuted" || v.finding.kind !== "collision") continue;
      collisions++;
      const { cert, check } = certify(model, task, v);
      const [x, y] = cert.collision!.inputs;
      // Alice's half of one element with Bob's half of the other: (x_a, not x_b) or (x_b, not x_a).
      const crossed = [x.slice(0, n / 2).concat(y.slice(n / 2)), y.slice(0, n / 2).concat(x.slice(n / 2))];
      expect(crossed.map((c) => c.join(" "))).toContain(cert.input.join(" "));
      expect(check).toMatchObject({ valid: true, kind: "collision", theorem: "disj-rnn" });
    }
    expect(collisions).toBeGreaterThan(5);
  });
});
