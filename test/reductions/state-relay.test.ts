// The state relayed at every change of holder (Theorem 2 at any split) and the multi-pass reduction built on it.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { run } from "../../src/cc/protocol.js";
import { compileModel } from "../../src/models/compile.js";
import { forward, stateBits, type RecurrentModel } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import { reductionFor } from "../../src/reductions/applies.js";
import { protocolAt } from "../../src/reductions/protocol-at.js";
import {
  blocksOf,
  oddEvenSplit,
  parseSplit,
  partitionSplit,
  repeatedCut,
  tokensOf,
  type Split,
} from "../../src/reductions/split.js";
import { stateRelayCost, stateRelayProtocol } from "../../src/reductions/state-relay.js";
import { refute } from "../../src/refute/check.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { makeTask } from "../../src/tasks/index.js";
import { modelSha256 } from "../../src/io/model-file.js";
import { randomTransformer } from "../../src/models/random-transformer.js";

const SEED = 20240705;
const FORMATS = ["float64", "float32", "float16", "bfloat16", "fixed:1.2", "fixed:2.5:nearest"];

const modelArb = (vocab: readonly string[]) =>
  fc
    .record({
      arch: fc.constantFrom("elman", "lstm", "gru", "linear", "dfa"),
      format: fc.constantFrom(...FORMATS),
      hidden: fc.integer({ min: 1, max: 3 }),
      layers: fc.integer({ min: 1, max: 2 }),
      seed: fc.nat(),
      withPositions: fc.boolean(),
    })
    .map(
      ({ withPositions, ...o }) =>
        compileModel(
          randomModel({
            ...o,
            hidden: o.arch === "dfa" ? 1 + 3 * o.hidden : o.hidden,
            vocab,
            labels: ["0", "1", "2"],
            ...(withPositions && { positions: 24 }),
          }),
        ) as RecurrentModel,
    );

describe("the state relay: Theorem 2 at any split", () => {
  it("answers as the forward pass at every partition, with one state per change of holder (random models, formats, splits)", () => {
    fc.assert(
      fc.property(
        modelArb(["a", "b", "c"]),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 24 }),
        fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }),
        (model, tokens, owners) => {
          const split = partitionSplit(
            tokens.length,
            tokens.map((_, i) => i).filter((i) => owners[i]),
          );
          const r = run(stateRelayProtocol(model, split), tokensOf(tokens, split.alice), tokensOf(tokens, split.bob));
          expect(r.output).toBe(forward(model, tokens));
          const changes = blocksOf(split).length - 1;
          expect(r.transcript.length).toBe(changes);
          expect(r.cost).toBe(changes * stateBits(model));
          expect(r.cost).toBe(stateRelayCost(model, split));
          // The holders alternate, starting with the holder of position 0.
          r.transcript.forEach((m, i) => expect(m.from).toBe(blocksOf(split)[i]!.owner));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("is Theorem 2 at a cut, and odd/even relays N - 1 times", () => {
    const model = compileModel(
      randomModel({ arch: "gru", hidden: 2, format: "fixed:1.2", vocab: ["0", "1"], labels: ["0", "1"], seed: 3 }),
    ) as RecurrentModel;
    expect(protocolAt(model, parseSplit("5", 8)).bits).toBe(stateBits(model));
    expect(protocolAt(model, oddEvenSplit(8)).bits).toBe(7 * stateBits(model));
    expect(protocolAt(model, repeatedCut(8, 4, 3)).bits).toBe(5 * stateBits(model));
  });
});

describe("splits of K copies", () => {
  it("KxC holds the first K tokens of every copy and names itself so; parseSplit reads the name back", () => {
    const s = repeatedCut(5, 2, 3);
    expect(s.name).toBe("2x3");
    expect(Array.from(s.alice)).toEqual([0, 1, 5, 6, 10, 11]);
    expect(Array.from(s.bob)).toEqual([2, 3, 4, 7, 8, 9, 12, 13, 14]);
    const back: Split = parseSplit("2x3", 15);
    expect([Array.from(back.alice), Array.from(back.bob), back.name]).toEqual([
      Array.from(s.alice),
      Array.from(s.bob),
      "2x3",
    ]);
    expect(blocksOf(s).map((b) => b.owner)).toEqual(["alice", "bob", "alice", "bob", "alice", "bob"]);
    expect(() => parseSplit("2x4", 15)).toThrow(/4 copies of one length, but the input has 15 tokens/);
    expect(repeatedCut(5, 2, 1).name).toBe("2");
  });
});

describe("a task read K times", () => {
  it("repeats one input, answers it once, and refuses copies that differ", () => {
    const task = makeTask("disjointness", 4, { passes: 3 });
    expect(task.params).toEqual({ passes: 3 });
    expect(task.inputLength).toBe(12);
    const one = ["1", "0", "1", "1"];
    expect(task.answer([...one, ...one, ...one])).toBe("1");
    expect(() => task.answer([...one, ...one, "0", "0", "1", "1"])).toThrow(
      /copy 3 differs from copy 1 at its token 1/,
    );
    expect([...task.enumerate()].length).toBe(16);
    expect([...task.enumerate()].every((x) => x.join("") === x.slice(0, 4).join("").repeat(3))).toBe(true);
    // Random access into the enumeration gives the same repeated inputs (the sweep's shards read it).
    expect(Array.from({ length: 16 }, (_, k) => task.inputAt!(k))).toEqual([...task.enumerate()]);
    // One pass is the task itself: its stored params are unchanged (certificates of one pass keep their bytes).
    expect(makeTask("disjointness", 4, { passes: 1 }).params).toEqual({});
    expect(makeTask("equality", 4, { passes: 2, separator: true }).inputLength).toBe(10);
  });
});

describe("the multi-pass rows of the table", () => {
  const gru = compileModel(
    randomModel({ arch: "gru", hidden: 2, format: "fixed:1.2", vocab: ["0", "1", "|"], labels: ["0", "1"], seed: 2 }),
  );
  it("cite jrt-multipass for recurrent models on K >= 2 copies, with (2K - 1) states sent, and the paper's rows for one", () => {
    for (const [name, options] of [
      ["disjointness", {}],
      ["equality", { separator: true }],
      ["equality", { variant: "ineq" }],
    ] as const) {
      for (const passes of [1, 2, 3]) {
        const a = reductionFor(gru, makeTask(name, 16, { ...options, passes }));
        expect(a.kind).toBe("reduction");
        if (a.kind !== "reduction" || a.reduction.kind !== "two-way") throw new Error("expected a two-way reduction");
        expect(a.reduction.theorem.id).toBe(
          passes === 1 ? (name === "equality" ? "thm11" : "disj-rnn") : "jrt-multipass",
        );
        expect(a.reduction.messageBits).toBe((2 * passes - 1) * stateBits(gru as RecurrentModel));
        expect(a.reduction.requiredBits).toBe(8);
        expect(a.reduction.split.name).toBe(passes === 1 ? "8" : `8x${passes}`);
      }
    }
  });

  it("bind no one-layer Transformer on K >= 2 copies, and say why", () => {
    const tf = compileModel(
      randomTransformer({
        width: 2,
        heads: 1,
        layers: 1,
        maxLength: 32,
        format: "fixed:1.2",
        vocab: ["0", "1"],
        labels: ["0", "1"],
        seed: 1,
      }),
    );
    const a = reductionFor(tf, makeTask("disjointness", 16, { passes: 2 }));
    expect(a).toMatchObject({ kind: "none" });
    expect(a.kind === "none" && a.reason).toMatch(/one-layer Transformers on inputs read 2 times/);
    expect(reductionFor(tf, makeTask("disjointness", 16))).toMatchObject({ kind: "reduction" });
  });

  it("refute a GRU below the multi-pass bound by a collision of full transcripts, and the certificate verifies", () => {
    const spec = randomModel({
      arch: "gru",
      hidden: 2,
      format: "fixed:1.2",
      vocab: ["0", "1"],
      labels: ["0", "1"],
      seed: 2,
    });
    const model = compileModel(spec);
    const task = makeTask("disjointness", 64, { passes: 2 });
    const v = refute(model, task, { seed: 1, only: ["fooling-set"] });
    expect(v.kind).toBe("refuted");
    if (v.kind !== "refuted" || v.finding.kind !== "collision") throw new Error(`expected a collision, got ${v.kind}`);
    expect(v.finding.theorem).toBe("jrt-multipass");
    expect(v.finding.collision.split).toBe("32x2");
    expect(v.finding.collision.transcriptBits).toBe(3 * stateBits(model as RecurrentModel));
    // The verdict says how many times the state crossed, from the split (not from dividing the bits).
    expect(v.applied).toMatchObject({ kind: "reduction", stateMessages: 3, messageBits: 24 });
    expect(task.answer(v.finding.input)).not.toBe(v.finding.answer);
    const cert = certificateOf(v, {
      toolVersion: "test",
      modelSha256: modelSha256(spec),
      format: model.formatName,
      task,
      replay: "ccbound verify c.json --model m.json",
    });
    expect(verifyCertificate(cert, model, modelSha256(spec))).toMatchObject({ valid: true });
    // The same collision cited as the one-pass theorem does not apply to a task read twice.
    expect(verifyCertificate({ ...cert, theorem: "disj-rnn" }, model, modelSha256(spec))).toMatchObject({
      valid: false,
    });
  });
});
