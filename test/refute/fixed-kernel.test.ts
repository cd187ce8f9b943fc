import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { fixedKernel } from "../../src/refute/kernels/fixed-kernel.js";
import { hashEquality } from "../../src/zoo/hash-equality.js";
import { arbitraryFixedFormat } from "../../src/testing/arbitraries.js";

const SEED = 7177;

/** Token ids from a seed (not the kernel's own sample inputs, which it was already checked on). */
function tokens(length: number, vocab: number, seed: number): Int32Array {
  let s = seed >>> 0;
  return Int32Array.from({ length }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) % vocab);
}

describe("the fixed-point kernel (a walk's hot loop) steps exactly as the model does", () => {
  it("random fixed-point Elman, LSTM, GRU and linear stacks, with and without position embeddings: every state equal bit for bit", () => {
    const failures: string[] = [];
    fc.assert(
      fc.property(
        fc.constantFrom("elman", "lstm", "gru", "linear"),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 2 }),
        arbitraryFixedFormat({ maxBits: 16 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        (arch, hidden, layers, format, positions, relu, seed) => {
          const spec = randomModel({
            arch,
            hidden,
            layers,
            format: format.name,
            vocab: ["a", "b", "c"],
            labels: ["0", "1"],
            seed,
            nonlinearity: relu ? "relu" : "tanh",
            ...(positions && { positions: 24 }),
          }) as RecurrentModelSpec;
          const model = compileModel(spec);
          const kernel = fixedKernel(spec, model, [tokens(24, 3, seed)]);
          const label = `${arch} hidden=${hidden} layers=${layers} ${format.name} positions=${positions} seed=${seed}`;
          if (kernel === undefined) return void failures.push(`${label}: no kernel`);
          const ids = tokens(24, 3, seed ^ 0x5bd1e995);
          const mine = model.newState();
          const theirs = model.newState();
          kernel.feed(mine, ids, 0, 24, 0);
          for (let t = 0; t < 24; t++) model.step(theirs, ids[t]!, t);
          if (!Array.from(mine).every((v, i) => Object.is(v, theirs[i])))
            failures.push(`${label}: ${Array.from(mine)} vs ${Array.from(theirs)}`);
        },
      ),
      { seed: SEED, numRuns: 200 },
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
  });

  it("hash-equality at c = 48 (saturating sums past 2^51 on the slow rounding path): Alice's and Bob's halves equal", () => {
    const spec = hashEquality({ n: 128, bits: 48, seed: 3 });
    const model = compileModel(spec);
    const kernel = fixedKernel(spec, model, [tokens(128, 2, 1)])!;
    expect(kernel).toBeDefined();
    const ids = tokens(128, 2, 99);
    const mine = model.newState();
    const theirs = model.newState();
    kernel.feed(mine, ids, 0, 64, 0);
    kernel.feed(mine, ids, 64, 128, 64);
    for (let t = 0; t < 128; t++) model.step(theirs, ids[t]!, t);
    expect(Array.from(mine)).toEqual(Array.from(theirs));
  });

  it("is not made for IEEE formats or DFAs (the walk then runs the model's own step)", () => {
    const spec = randomModel({
      arch: "elman",
      hidden: 2,
      format: "float32",
      vocab: ["0", "1"],
      labels: ["0", "1"],
      seed: 1,
    }) as RecurrentModelSpec;
    expect(fixedKernel(spec, compileModel(spec), [])).toBeUndefined();
  });
});
