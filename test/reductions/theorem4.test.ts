import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { run } from "../../src/cc/protocol.js";
import { BLOCKS } from "../../src/models/blocks/index.js";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import { cutSplit, oddEvenSplit, partitionSplit, tokensOf, type Split } from "../../src/reductions/split.js";
import { theorem4Cost, theorem4Protocol, theorem4VectorProtocol } from "../../src/reductions/theorem4.js";

// Every registered block, and the toy pre-norm block of test/models/toy-block.ts (a computation before attention).
vi.mock("../../src/models/blocks/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/models/blocks/index.js")>();
  const { prenorm } = await import("../models/toy-block.js");
  return { ...real, ...real.blockRegistry([...real.BLOCKS, prenorm]) };
});

const SEED = 20240613;
const FORMATS = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "fixed:1.2",
  "fixed:2.5",
  "fixed:3.4:nearest",
  "fixed:0.3",
];
const VOCAB = ["a", "b", "c", "d", "e"];

const transformerArb = (maxLength: number) =>
  fc
    .record({
      format: fc.constantFrom(...FORMATS),
      width: fc.integer({ min: 1, max: 4 }),
      headWidth: fc.integer({ min: 1, max: 3 }),
      heads: fc.integer({ min: 1, max: 3 }),
      ffn: fc.integer({ min: 0, max: 4 }),
      causal: fc.boolean(),
      layerNorm: fc.boolean(),
      block: fc.constantFrom(...BLOCKS.map((b) => b.name)),
      normFirst: fc.boolean(),
      activation: fc.constantFrom("relu" as const, "gelu" as const),
      seed: fc.nat(),
    })
    .map((o) => ({ ...o, ...packedSizes(o), layers: 1, maxLength, vocab: VOCAB, labels: ["0", "1", "2"] }));

/** GPT-2 and nn.TransformerEncoderLayer split d into their heads and always have an FFN. */
function packedSizes(o: { block: string; width: number; heads: number; ffn: number }) {
  if (o.block !== "gpt2" && o.block !== "torch-encoder") return {};
  const heads = [3, 2, 1].find((h) => h <= o.heads && o.width % h === 0)!;
  return { heads, ffn: Math.max(1, o.ffn) };
}

/** A split of n positions: a cut, odd/even, or any partition (from a bit mask). */
const splitArb = (n: number): fc.Arbitrary<Split> =>
  fc.oneof(
    fc.integer({ min: 1, max: n - 1 }).map((k) => cutSplit(n, k)),
    fc.constant(oddEvenSplit(n)),
    fc.array(fc.boolean(), { minLength: n, maxLength: n }).map((mask) =>
      partitionSplit(
        n,
        mask.flatMap((b, i) => (b ? [i] : [])),
      ),
    ),
  );

const caseArb = fc.integer({ min: 2, max: 40 }).chain((n) =>
  fc.record({
    model: transformerArb(40),
    split: splitArb(n),
    tokens: fc.array(fc.integer({ min: 0, max: VOCAB.length - 1 }), { minLength: n, maxLength: n }),
  }),
);

describe("Theorem 4's protocol is the forward pass (one layer, any split)", () => {
  it("draws models of every block, the toy pre-norm block among them", () => {
    expect(BLOCKS.map((b) => b.name)).toContain("prenorm");
  });

  it("for random models of every block in 8 formats, random cuts, odd/even and arbitrary partitions of 2..40 positions: output === forward, cost === closed form", () => {
    fc.assert(
      fc.property(caseArb, ({ model: options, split, tokens }) => {
        const model = compileModel(randomTransformer(options));
        const input = Int32Array.from(tokens);
        const r = run(theorem4Protocol(model, split), tokensOf(input, split.alice), tokensOf(input, split.bob));
        expect(r.output).toBe(model.forward(input));
        // Bit for bit: the final vector at the last position, every coordinate (Object.is: -0 and NaN too).
        const y = run(
          theorem4VectorProtocol(model, split),
          tokensOf(input, split.alice),
          tokensOf(input, split.bob),
        ).output;
        const expected = Array.from(model.finalVector(input));
        expect(Array.from(y).every((v, i) => Object.is(v, expected[i]))).toBe(true);
        expect(r.cost).toBe(theorem4Cost(model, split));
        // The holder of the last token speaks first.
        expect(r.transcript[0]!.from).toBe(split.alice.includes(split.n - 1) ? "alice" : "bob");
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  for (const block of ["gpt2", "torch-encoder"]) {
    it(`${block}: 150 more random one-layer models (IEEE and fixed formats, the encoder's settings both ways), output === forward bit for bit, counted cost === closed form`, () => {
      const arb = caseArb.map((c) => ({ ...c, model: { ...c.model, block, ...packedSizes({ ...c.model, block }) } }));
      fc.assert(
        fc.property(arb, ({ model: options, split, tokens }) => {
          const model = compileModel(randomTransformer(options));
          const input = Int32Array.from(tokens);
          const r = run(theorem4VectorProtocol(model, split), tokensOf(input, split.alice), tokensOf(input, split.bob));
          const expected = Array.from(model.finalVector(input));
          expect(Array.from(r.output).every((v, i) => Object.is(v, expected[i]))).toBe(true);
          expect(r.cost).toBe(theorem4Cost(model, split));
        }),
        { seed: SEED + 1, numRuns: 150 },
      );
    });
  }

  it("the closed form for one gpt2 and one torch-encoder layer (fixed:2.5, d 4, 2 heads of m 2): what the transcript counts", () => {
    for (const block of ["gpt2", "torch-encoder"]) {
      const model = compileModel(
        randomTransformer({
          ...{ width: 4, heads: 2, ffn: 3, layers: 1, maxLength: 16, format: "fixed:2.5", block },
          ...{ vocab: VOCAB, labels: ["0", "1"], seed: 7 },
        }),
      );
      const split = cutSplit(16, 5);
      const input = Int32Array.from({ length: 16 }, (_, i) => i % VOCAB.length);
      const counted = run(
        theorem4Protocol(model, split),
        tokensOf(input, split.alice),
        tokensOf(input, split.bob),
      ).cost;
      // 3 token bits + H [2p + (m + 1)(2p + ceil(log2 5) + ceil(log2 11))], p 8: ln_1, the scale and ln_f add no bits.
      expect(counted).toBe(3 + 2 * (2 * 8 + 3 * (2 * 8 + 3 + 4)));
      expect(theorem4Cost(model, split)).toBe(counted);
    }
  });

  it("the closed form for fixed point: ceil(log2|V|) + H[2p + (m+1)(2p + ceil(log2 c_A) + ceil(log2 c_B))]", () => {
    const model = compileModel(
      randomTransformer({
        width: 3,
        headWidth: 2,
        heads: 2,
        layers: 1,
        maxLength: 16,
        format: "fixed:2.5",
        vocab: VOCAB,
        labels: ["0", "1"],
        seed: 7,
      }),
    );
    const p = 8;
    // Cut at 5 of 16: c_A = 5 (3 bits), c_B = 11 (4 bits).
    expect(theorem4Cost(model, cutSplit(16, 5))).toBe(3 + 2 * (2 * p + 3 * (2 * p + 3 + 4)));
    // Odd/even of 16: 8 and 8 (3 bits each).
    expect(theorem4Cost(model, oddEvenSplit(16))).toBe(3 + 2 * (2 * p + 3 * (2 * p + 3 + 3)));
  });

  it("for fixed point and m >= 4, the counted cost without the token is at most the paper's 3m(p + ceil(log2 N))H (random widths, heads, splits of 4..64 positions)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom("fixed:1.2", "fixed:4.11", "fixed:8.8"),
        fc.integer({ min: 4, max: 64 }).chain((n) => splitArb(n)),
        (m, H, format, split) => {
          const model = compileModel(
            randomTransformer({
              width: 2,
              headWidth: m,
              heads: H,
              layers: 1,
              maxLength: 64,
              format,
              vocab: VOCAB,
              labels: ["0", "1"],
              seed: 1,
            }),
          );
          const tokenBits = Math.ceil(Math.log2(VOCAB.length));
          const paper = 3 * m * (model.unitBits + Math.ceil(Math.log2(split.n))) * H;
          expect(theorem4Cost(model, split) - tokenBits).toBeLessThanOrEqual(paper);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
  });

  it("refuses models with more than one layer (Corollary 13.1: no such protocol exists)", () => {
    const model = compileModel(
      randomTransformer({
        width: 2,
        heads: 1,
        layers: 2,
        maxLength: 4,
        format: "float32",
        vocab: VOCAB,
        labels: ["0", "1"],
        seed: 1,
      }),
    );
    expect(() => theorem4Protocol(model, cutSplit(4, 2))).toThrow(/one-layer/);
  });
});
