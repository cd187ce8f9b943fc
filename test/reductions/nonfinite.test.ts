/**
 * The class of hole: models whose finite weights overflow (NaN and infinities in logits, maxima, exponentials, sums or
 * states), on which a protocol and the forward pass part ways. Theorem 4's and Theorem 2's protocols must still be the
 * forward pass bit for bit, in every IEEE format. Each generator scales the token embeddings by a power of two up to the
 * format's largest, so most cases overflow somewhere; a coverage check makes sure they do (the test fails if the
 * generator stops producing non-finite values).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cc/protocol.js";
import { compileModel } from "../../src/models/compile.js";
import { decodeState, encodeState, feed } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { cutSplit, oddEvenSplit, partitionSplit, tokensOf, type Split } from "../../src/reductions/split.js";
import { theorem2Protocol } from "../../src/reductions/theorem2.js";
import { theorem4Protocol, theorem4VectorProtocol } from "../../src/reductions/theorem4.js";

const SEED = 2406_09347;
const IEEE = ["float64", "float32", "float16", "bfloat16"] as const;
/** log2 of the largest finite value of each format: scales 2^0 .. 2^(this) reach overflow in a product or two. */
const MAX_EXPONENT: Record<(typeof IEEE)[number], number> = { float64: 1023, float32: 127, float16: 15, bfloat16: 127 };
const VOCAB = ["a", "b", "c", "d"];

// Half the exponents near the top of the range, where one product or a few steps overflow.
const scaleArb = fc.constantFrom(...IEEE).chain((format) =>
  fc.record({
    format: fc.constant(format),
    exponent: fc.oneof(
      fc.integer({ min: 0, max: MAX_EXPONENT[format] }),
      fc.integer({ min: MAX_EXPONENT[format] - 6, max: MAX_EXPONENT[format] }),
    ),
  }),
);

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

function scaled(rows: number[][], format: string, exponent: number): number[][] {
  const round = parseFormat(format).round;
  return rows.map((r) => r.map((v) => round(v * 2 ** exponent)));
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe("overflowing models: every protocol is still the forward pass, bit for bit", () => {
  it("Theorem 4 on one-layer Transformers with huge embeddings in float64/32/16 and bfloat16, any split", () => {
    let nonFinite = 0;
    const caseArb = fc.integer({ min: 2, max: 12 }).chain((n) =>
      fc.record({
        scale: scaleArb,
        width: fc.integer({ min: 1, max: 4 }),
        heads: fc.integer({ min: 1, max: 3 }),
        ffn: fc.integer({ min: 0, max: 3 }),
        causal: fc.boolean(),
        layerNorm: fc.boolean(),
        seed: fc.nat(),
        split: splitArb(n),
        tokens: fc.array(fc.integer({ min: 0, max: VOCAB.length - 1 }), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(caseArb, (c) => {
        const spec = randomTransformer({
          format: c.scale.format,
          width: c.width,
          heads: c.heads,
          ffn: c.ffn,
          layers: 1,
          causal: c.causal,
          layerNorm: c.layerNorm,
          maxLength: 12,
          vocab: VOCAB,
          labels: ["0", "1", "2"],
          seed: c.seed,
        });
        const model = compileModel({
          ...spec,
          tokenEmbedding: scaled(spec.tokenEmbedding, c.scale.format, c.scale.exponent),
        });
        if (model.kind !== "transformer") throw new Error("not a transformer");
        const input = Int32Array.from(c.tokens);
        const alice = tokensOf(input, c.split.alice);
        const bob = tokensOf(input, c.split.bob);
        const expected = Float64Array.from(model.finalVector(input));
        if (expected.some((v) => !Number.isFinite(v))) nonFinite += 1;
        const y = run(theorem4VectorProtocol(model, c.split), alice, bob).output;
        expect(same(y, expected), `protocol ${Array.from(y)} vs forward ${Array.from(expected)}`).toBe(true);
        expect(run(theorem4Protocol(model, c.split), alice, bob).output).toBe(model.forward(input));
      }),
      { seed: SEED, numRuns: 400 },
    );
    expect(nonFinite).toBeGreaterThan(20); // the generator does reach NaN and infinities (one case in ten at least)
  });

  it("Theorem 2 on Elman (relu, tanh), LSTM, GRU and linear models with huge embeddings, any cut", () => {
    let nonFinite = 0;
    const caseArb = fc.integer({ min: 2, max: 12 }).chain((n) =>
      fc.record({
        scale: scaleArb,
        arch: fc.constantFrom("elman", "lstm", "gru", "linear"),
        nonlinearity: fc.constantFrom("tanh", "relu"),
        hidden: fc.integer({ min: 1, max: 3 }),
        layers: fc.integer({ min: 1, max: 2 }),
        seed: fc.nat(),
        /** the recurrent weights too: a state that grows at each step overflows after a few */
        growth: fc.integer({ min: 0, max: 6 }),
        cut: fc.integer({ min: 1, max: n - 1 }),
        tokens: fc.array(fc.integer({ min: 0, max: VOCAB.length - 1 }), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(caseArb, (c) => {
        const spec = randomModel({
          arch: c.arch,
          nonlinearity: c.nonlinearity,
          format: c.scale.format,
          hidden: c.hidden,
          layers: c.layers,
          vocab: VOCAB,
          labels: ["0", "1"],
          seed: c.seed,
        }) as RecurrentModelSpec;
        const layers = spec.layers.map((l) =>
          l.cell === "linear"
            ? { ...l, b: scaled(l.b, c.scale.format, c.growth) }
            : "weight_hh" in l
              ? { ...l, weight_hh: scaled(l.weight_hh, c.scale.format, c.growth) }
              : l,
        );
        const model = compileModel({
          ...spec,
          embedding: scaled(spec.embedding, c.scale.format, c.scale.exponent),
          layers,
        });
        if (model.kind !== "recurrent") throw new Error("not a recurrent model");
        const state = feed(model, model.newState(), c.tokens);
        if (state.some((v) => !Number.isFinite(v))) nonFinite += 1;
        const r = run(theorem2Protocol(model, c.cut, c.tokens.length), c.tokens.slice(0, c.cut), c.tokens.slice(c.cut));
        expect(r.output).toBe(model.readout(state));
        // the message carries Alice's state exactly, NaN and infinities included
        const alice = feed(model, model.newState(), c.tokens.slice(0, c.cut));
        expect(same(decodeState(model, encodeState(model, alice)), alice)).toBe(true);
      }),
      { seed: SEED + 1, numRuns: 400 },
    );
    expect(nonFinite).toBeGreaterThan(20);
  });
});
