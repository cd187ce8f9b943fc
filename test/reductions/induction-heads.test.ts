// INDEX -> induction heads at the split "pairs" for one-layer Transformers (Sanford, Hsu and Telgarsky 2024).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cc/protocol.js";
import { modelSha256 } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { TransformerModelSpec } from "../../src/models/spec.js";
import { belowBound, reductionFor } from "../../src/reductions/applies.js";
import { bind } from "../../src/reductions/bind.js";
import { inductionHeadsFamily } from "../../src/reductions/induction-heads.js";
import { pairsSplit, parseSplit, tokensOf } from "../../src/reductions/split.js";
import { theorem4Cost, theorem4Protocol, theorem4VectorProtocol } from "../../src/reductions/theorem4.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { boundParams, findResult } from "../../src/registry/index.js";
import { makeTask } from "../../src/tasks/index.js";

const SEED = 20240826;
const FORMATS = ["float64", "float32", "bfloat16", "fixed:1.2", "fixed:2.5", "fixed:3.4:nearest"];

const tf = (o: { format: string; width: number; headWidth: number; heads: number; seed: number }, n: number) =>
  randomTransformer({
    ...o,
    layers: 1,
    ffn: 2,
    maxLength: n,
    vocab: ["0", "1", "2", "*"],
    labels: ["0", "1", "2", "*"],
  });

const modelArb = fc.record({
  format: fc.constantFrom(...FORMATS),
  width: fc.integer({ min: 1, max: 3 }),
  headWidth: fc.integer({ min: 1, max: 3 }),
  heads: fc.integer({ min: 1, max: 2 }),
  seed: fc.nat(),
});

describe("INDEX -> induction heads (split pairs)", () => {
  it("lays out Alice's symbols after Bob's slots: the base input answers 0, Bob's query for t answers x_t", () => {
    for (const n of [9, 10]) {
      const task = makeTask("induction-heads", n, { alphabet: 3 });
      const f = inductionHeadsFamily(task);
      expect(f.split.name).toBe("pairs");
      expect(f.split.alice).toHaveLength(3);
      expect(f.size).toBe(27n);
      // ⌈3 log2 3⌉ = 5
      expect(f.boundBits).toBe(5);
      for (let i = 0n; i < f.size; i++) {
        const e = f.element(i);
        expect(task.answer(e)).toBe("0");
        const x = Array.from(f.split.alice, (p) => e[p]);
        expect(x.join("")).toBe(i.toString(3).padStart(3, "0"));
        for (let j = 0n; j < f.size; j++) {
          if (i === j) continue;
          const [u, v] = f.queried!(i, j);
          const bob = (w: string[]) => Array.from(f.split.bob, (p) => w[p]).join(" ");
          expect(bob(u)).toBe(bob(v));
          const alice = (w: string[]) => Array.from(f.split.alice, (p) => w[p]).join("");
          expect(alice(u)).toBe(x.join(""));
          const t = x.findIndex((s, q) => s !== alice(v)[q]);
          expect(task.answer(u)).toBe(x[t]);
          expect(task.answer(v)).toBe(alice(v)[t]);
          expect(f.crossed(i, j)).toEqual(u);
        }
      }
    }
    expect(parseSplit("pairs", 11)).toEqual(pairsSplit(11));
    expect(() => pairsSplit(2)).toThrow(/at least 3 tokens/);
    // Below n = 5 there is no pair: Alice holds nothing and the argument needs no bits.
    expect(pairsSplit(4).alice).toHaveLength(0);
    expect(inductionHeadsFamily(makeTask("induction-heads", 4))).toMatchObject({ size: 1n, boundBits: 0 });
  });

  it("Theorem 4's protocol at pairs is the forward pass bit for bit on the family's inputs and costs its closed form; Alice's maxima do not depend on Bob's query, her later messages do (random one-layer models, 6 formats)", () => {
    let later = 0;
    fc.assert(
      fc.property(modelArb, fc.integer({ min: 5, max: 24 }), fc.nat(), fc.nat(), (options, n, a, b) => {
        const task = makeTask("induction-heads", n, { alphabet: 3 });
        const f = inductionHeadsFamily(task);
        const model = compileModel(tf(options, n));
        const binding = bind(model, task);
        const i = BigInt(a) % f.size;
        const j = (i + 1n + (BigInt(b) % (f.size - 1n))) % f.size;
        // Element i, and Alice's string i under Bob's query where it differs from j (twice: from j's side too).
        const inputs = [f.element(i), f.queried!(i, j)[0], f.queried!(j, i)[1]];
        const alice = inputs.map((tokens) => {
          const ids = binding.ids(tokens);
          const [x, y] = [tokensOf(ids, f.split.alice), tokensOf(ids, f.split.bob)];
          const r = run(theorem4Protocol(model, f.split), x, y);
          expect(r.output).toBe(model.forward(ids));
          const vector = run(theorem4VectorProtocol(model, f.split), x, y).output;
          const expected = Array.from(model.finalVector(ids));
          expect(Array.from(vector).every((v, k) => Object.is(v, expected[k]))).toBe(true);
          expect(r.cost).toBe(theorem4Cost(model, f.split));
          // Bob holds the last token, the marker on every input, and speaks first.
          expect(r.transcript[0]!.from).toBe("bob");
          return r.transcript.filter((m) => m.from === "alice").map((m) => m.bits.toHex());
        });
        expect(alice[1]![0]).toBe(alice[0]![0]);
        expect(alice[2]![0]).toBe(alice[0]![0]);
        if (alice.some((msgs) => msgs.join("|") !== alice[0]!.join("|"))) later++;
      }),
      { seed: SEED, numRuns: 200 },
    );
    // The global maximum and normaliser carry Bob's query into Alice's normalisers and weighted sums (NO_GUARANTEE).
    expect(later).toBeGreaterThan(0);
  });

  it("applies to one-layer Transformers only, and the registry's bound is the family's", () => {
    const model = compileModel(
      randomTransformer({
        width: 2,
        layers: 1,
        heads: 1,
        maxLength: 201,
        format: "fixed:2.2",
        vocab: ["0", "1", "*"],
        labels: ["0", "1", "*"],
        seed: 3,
      }),
    );
    const r = reductionFor(model, makeTask("induction-heads", 201));
    expect(r.kind === "reduction" && r.reduction.theorem.id).toBe("sanford-induction");
    expect(r.kind === "reduction" && r.reduction.kind !== "dynamics" && r.reduction.requiredBits).toBe(99);
    // The count binds no protocol here: the reduction says why, and --at-bound has nothing to find.
    expect(r.kind === "reduction" && r.reduction.kind !== "dynamics" && r.reduction.noGuarantee).toMatch(/interactive/);
    expect(r.kind === "reduction" && belowBound(r.reduction as never)).toBe(false);
    const two = compileModel(
      randomTransformer({
        width: 2,
        layers: 2,
        heads: 1,
        maxLength: 9,
        format: "fixed:2.2",
        vocab: ["0", "1", "*"],
        labels: ["0", "1", "*"],
        seed: 1,
      }),
    );
    const none = reductionFor(two, makeTask("induction-heads", 9));
    expect(none.kind === "none" && none.reason).toMatch(/two layers of constant width/);
    const e = findResult("sanford-induction")!.evaluate!(boundParams({ n: 201, p: 4 }));
    expect(e.applicable && e.quantities.map((q) => q.text)).toEqual(["bits >= 99", "(m + 2)H >= 9"]);
    const odd = findResult("sanford-induction")!.evaluate!(boundParams({ n: 102, p: 4, alphabet: 3 }));
    // k = 49 pairs, ⌈49 log2 3⌉ = 78 bits, ⌈log2 49⌉ = 6.
    expect(odd.applicable && odd.quantities.map((q) => q.text)).toEqual(["bits >= 78", "(m + 2)H >= 8 (39/5 ≈ 7.8)"]);
    expect(findResult("sanford-induction")!.evaluate!(boundParams({ n: 4, p: 4 }))).toMatchObject({
      applicable: false,
    });
  });

  it("refutes a model below the count by a collision that verify accepts, and rejects it tampered", () => {
    // A one-layer model whose embedding does not tell 0 from 1 and whose head always says 0: 84 bits < 99.
    const spec = tf({ format: "fixed:2.2", width: 2, headWidth: 2, heads: 1, seed: 1 }, 201);
    const blind: TransformerModelSpec = {
      ...spec,
      vocab: ["0", "1", "*"],
      labels: ["0", "1", "*"],
      tokenEmbedding: [spec.tokenEmbedding[0]!, spec.tokenEmbedding[0]!, spec.tokenEmbedding[3]!],
      head: { weight: spec.head.weight.slice(0, 3).map((r) => r.map(() => 0)), bias: [1, 0, 0] },
    };
    const model = compileModel(blind);
    const task = makeTask("induction-heads", 201);
    const applied = reductionFor(model, task);
    expect(applied.kind === "reduction" && applied.reduction.kind !== "dynamics" && applied.reduction.messageBits).toBe(
      84,
    );
    const v = refute(model, task, { seed: 5, only: ["fooling-set"] });
    if (v.kind !== "refuted" || v.finding.kind !== "collision") throw new Error(`expected a collision, got ${v.kind}`);
    expect(v.finding.theorem).toBe("sanford-induction");
    expect(v.finding.collision.split).toBe("pairs");
    expect(v.finding.collision.transcriptBits).toBe(84);
    expect(task.answer(v.finding.input)).toBe("1");
    expect(v.finding.answer).toBe("0");
    const sha = modelSha256(blind);
    const cert = certificateOf(v, {
      toolVersion: "test",
      modelSha256: sha,
      format: model.formatName,
      task,
      replay: "ccbound verify c.json --model m.json",
    });
    expect(verifyCertificate(cert, model, sha)).toMatchObject({ valid: true, theorem: "sanford-induction" });
    // Tampered: the other input's Alice part changed to the certificate's own (the two inputs are then one).
    const [u, w] = cert.collision!.inputs;
    const same = verifyCertificate({ ...cert, collision: { ...cert.collision!, inputs: [u, u] } }, model, sha);
    expect(same).toMatchObject({ valid: false });
    // Tampered: a transcript that was not sent.
    const hex = cert.collision!.transcriptHex;
    const flipped = (hex[0] === "0" ? "1" : "0") + hex.slice(1);
    const forged = verifyCertificate(
      { ...cert, collision: { ...cert.collision!, transcriptHex: flipped } },
      model,
      sha,
    );
    expect(forged).toMatchObject({ valid: false });
    // Tampered: the split of another reduction.
    const split = verifyCertificate({ ...cert, collision: { ...cert.collision!, split: "100" } }, model, sha);
    expect(split).toMatchObject({ valid: false });
    // A model that tells 0 from 1 at these inputs sends other transcripts on the same pair: invalid.
    expect(verifyCertificate(cert, compileModel(spec as TransformerModelSpec), modelSha256(spec))).toMatchObject({
      valid: false,
    });
    expect(w).not.toEqual(u);
  });
});
