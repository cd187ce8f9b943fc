/**
 * A layer output that is not state (docs/architectures.md, "A cell's output that is not its state"): the model's
 * buffer holds it past the state, the next layer and the head read it there, and the state, its bits and Theorem 2's
 * message leave it out, except at a cut that no token follows, where the message carries what the readout reads.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { run } from "../../src/cc/protocol.js";
import { recurrent } from "../../src/models/archs/recurrent.js";
import { compileModel } from "../../src/models/compile.js";
import { encodeState, feed, forward, stateBits, type RecurrentModel } from "../../src/models/model.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { protocolAt } from "../../src/reductions/protocol-at.js";
import { cutSplit } from "../../src/reductions/split.js";
import { theorem2Cost, theorem2Protocol } from "../../src/reductions/theorem2.js";
import { fixedKernel } from "../../src/refute/kernels/fixed-kernel.js";
import type { ApartLayer } from "./apart-cell.js";

vi.mock("../../src/models/cells/index.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/models/cells/index.js")>();
  const { apart } = await import("./apart-cell.js");
  return { ...real, ...real.cellRegistry([...real.CELLS, apart]) };
});

const vocab = ["a", "b", "c"];
const labels = ["x", "y", "z"];
const FORMATS = ["float64", "float32", "bfloat16", "fixed:2.5", "fixed:1.3:nearest"];

/** Two layers: the apart cell, then `second` (apart again, or an LSTM whose output is its state). */
function model(
  format: string,
  seed: number,
  second: "apart" | "lstm",
): { spec: RecurrentModelSpec; m: RecurrentModel } {
  const one = recurrent.random({ kind: "apart", hidden: 3, format, vocab, labels, seed, embed: 2 });
  const two = recurrent.random({ kind: second, hidden: 3, format, vocab, labels, seed: seed + 1, embed: 3 });
  const spec = { ...two, layers: [one.layers[0]!, two.layers[0]!], embedding: one.embedding };
  const m = compileModel(spec);
  if (m.kind !== "recurrent") throw new Error("recurrent");
  return { spec, m };
}

/** The same computation with plain arrays, one rounding per operation. */
function referenceLogits(spec: RecurrentModelSpec, tokens: readonly number[]): number[] {
  const r = parseFormat(spec.format).round;
  const affine = (m: readonly number[][], v: readonly number[], b: readonly number[]) =>
    m.map((row, i) => r(row.reduce((acc, w, j) => r(acc + r(w * v[j]!)), 0) + b[i]!));
  const layers = spec.layers as unknown as ApartLayer[];
  const h = layers.map((l) => new Array<number>(l.hidden).fill(0));
  let y: number[] = [];
  for (const t of tokens) {
    y = spec.embedding[t]!;
    layers.forEach((l, k) => {
      const u = affine(l.b, y, l.bias);
      y = h[k]!.map((hj, j) => r(hj * u[j]!));
      h[k] = h[k]!.map((hj, j) => r(r(l.a[j]! * hj) + u[j]!));
    });
  }
  return affine(spec.head.weight, y.length ? y : new Array<number>(3).fill(0), spec.head.bias);
}

describe("a cell whose output is apart from its state", () => {
  it("the forward pass reads each layer's output past the state, bit for bit as the plain-array computation", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.nat(),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 10 }),
        (format, seed, tokens) => {
          const { spec, m } = model(format, seed, "apart");
          expect(Array.from(m.logits(feed(m, m.newState(), tokens)))).toEqual(referenceLogits(spec, tokens));
        },
      ),
      { seed: 1501, numRuns: 60 },
    );
  });

  it("the state is what the next step reads: outputs are past it, uncounted, and the readout's are at the end", () => {
    const { m: both } = model("float32", 1, "apart");
    expect([both.stateUnits, both.outputUnits, both.readoutUnits]).toEqual([6, 6, 3]);
    expect(stateBits(both)).toBe(6 * 32);
    expect(both.newState().length).toBe(12);
    expect(encodeState(both, feed(both, both.newState(), [0, 1])).length).toBe(6 * 32);
    expect(encodeState(both, feed(both, both.newState(), [0, 1]), true).length).toBe(9 * 32);
    // An LSTM on top: its h is both its output and state, so the readout reads the state alone.
    const { m: mixed } = model("float32", 1, "lstm");
    expect([mixed.stateUnits, mixed.outputUnits, mixed.readoutUnits]).toEqual([3 + 6, 3, 0]);
  });

  it("Theorem 2 at every cut 0..N equals the forward pass; the message is the state, and at K = N the readout's values too", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.nat(),
        fc.constantFrom("apart" as const, "lstm" as const),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 }),
        (format, seed, second, tokens) => {
          const { m } = model(format, seed, second);
          for (let cut = 0; cut <= tokens.length; cut++) {
            const r = run(theorem2Protocol(m, cut, tokens.length), tokens.slice(0, cut), tokens.slice(cut));
            expect(r.output).toBe(forward(m, tokens));
            const extra = cut === tokens.length ? m.readoutUnits : 0;
            expect(r.cost).toBe((m.stateUnits + extra) * m.unitBits);
            expect(r.cost).toBe(theorem2Cost(m, cut, tokens.length));
            expect(protocolAt(m, cutSplit(tokens.length, cut, true)).bits).toBe(r.cost);
          }
        },
      ),
      { seed: 1502, numRuns: 80 },
    );
  });

  it("the readout's values are needed at K = N: without them the answer is not a function of the state", () => {
    // Find two inputs whose final states agree but whose answers differ: possible only because y reads the old h.
    const found = [1, 2, 3, 4, 5, 6, 7, 8].some((seed) => {
      const { m } = model("fixed:1.2", seed, "apart");
      const seen = new Map<string, number>();
      for (let x = 0; x < 3 ** 6; x++) {
        const tokens = Array.from({ length: 6 }, (_, i) => Math.floor(x / 3 ** i) % 3);
        const key = encodeState(m, feed(m, m.newState(), tokens)).key();
        const answer = forward(m, tokens);
        const other = seen.get(key);
        if (other !== undefined && other !== answer) return true;
        seen.set(key, answer);
      }
      return false;
    });
    expect(found).toBe(true);
  });

  it("the fixed-point kernel declines a cell it does not know", () => {
    const { spec, m } = model("fixed:2.5", 3, "lstm");
    expect(fixedKernel(spec, m, [Int32Array.of(0, 1, 2)])).toBeUndefined();
  });
});
