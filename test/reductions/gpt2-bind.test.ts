/**
 * Theorems 12 and 5 bind a one-layer GPT-2 block as they bind the paper's layer: below the bound, the fooling-set
 * search finds two fooling-set elements with one Theorem 4 transcript, and the crossed input is a certificate that
 * `verify` accepts by a forward pass. Two GPT-2 layers get no theorem (src/reductions/applies.ts decides by the
 * number of layers, whatever the block).
 *
 * The models are random one-layer GPT-2 blocks (random embeddings, attention and MLP) whose ln_f is nearly flat and
 * whose score says the fooling set's answer by a margin, so they are right on every fooling-set element and their
 * errors can only be the crossed inputs that Theorem 4's protocol forces (a random head is wrong on the first element,
 * which is a plain wrong answer, not the theorem at work).
 */
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import type { TransformerModelSpec } from "../../src/models/spec.js";
import { theorem4Cost } from "../../src/reductions/theorem4.js";
import { cutSplit, oddEvenSplit } from "../../src/reductions/split.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { makeTask } from "../../src/tasks/index.js";
import type { Task } from "../../src/tasks/task.js";

const SHA = "0".repeat(64);

function gpt2(task: Task, seed: number, layers: number, yes?: string[]): TransformerModelSpec {
  const spec = randomTransformer({
    ...{ width: 2, heads: 1, layers, ffn: 2, format: "fixed:1.2", seed, block: "gpt2" },
    ...{ maxLength: task.inputLength, vocab: task.vocab, labels: task.labels },
  });
  if (yes === undefined) return spec;
  const label = task.labels.indexOf(task.answer(yes));
  return {
    ...spec,
    finalNorm: {
      ...spec.finalNorm!,
      weight: spec.finalNorm!.weight.map(() => 0.25),
      bias: spec.finalNorm!.bias.map(() => 1),
    },
    head: { ...spec.head, weight: spec.head.weight.map((row, r) => row.map(() => (r === label ? 1 : -1))) },
  };
}

function collisionOf(spec: TransformerModelSpec, task: Task) {
  const model = compileModel(spec);
  const v = refute(model, task, { seed: 1, only: ["fooling-set"] });
  if (v.kind !== "refuted") throw new Error(`expected refuted, got ${v.kind}`);
  const cert = certificateOf(v, { toolVersion: "test", modelSha256: SHA, format: model.formatName, task, replay: "-" });
  return { model, v, cert, check: verifyCertificate(cert, model, SHA) };
}

describe("Theorems 12 and 5 on one GPT-2 block (fixed:1.2, d 2, one head)", () => {
  it("equality at n = 256: Theorem 4's 75 bits are below Theorem 12's 128; a collision at the cut, verified", () => {
    const task = makeTask("equality", 256);
    const { model, v, cert, check } = collisionOf(gpt2(task, 3, 1, new Array<string>(256).fill("0")), task);
    expect(v.applied).toMatchObject({ kind: "reduction", split: "128", messageBits: 75, requiredBits: 128 });
    // The bound's message size is the closed form: 1 token bit (0, 1) + H [2p + (m + 1)(2p + 7 + 7)], p 4, m 2, H 1.
    expect(theorem4Cost(model, cutSplit(256, 128))).toBe(1 + (2 * 4 + 3 * (2 * 4 + 7 + 7)));
    expect(cert).toMatchObject({ kind: "collision", theorem: "thm12" });
    expect(check).toMatchObject({ valid: true, kind: "collision", theorem: "thm12", collision: { protocol: "thm4" } });
  });

  it("dyck at n = 128: 70 bits below Theorem 5's 127; a collision at the odd/even split, verified", () => {
    const task = makeTask("dyck", 128);
    const balanced = Array.from({ length: 128 }, (_, i) => (i % 2 === 0 ? "(" : ")"));
    const { model, v, cert, check } = collisionOf(gpt2(task, 3, 1, balanced), task);
    expect(v.applied).toMatchObject({ kind: "reduction", split: "odd-even", messageBits: 70, requiredBits: 127 });
    // 2 token bits ( ) [ ] + H [2p + (m + 1)(2p + 6 + 6)]: 64 positions each.
    expect(theorem4Cost(model, oddEvenSplit(128))).toBe(2 + (2 * 4 + 3 * (2 * 4 + 6 + 6)));
    expect(cert).toMatchObject({ kind: "collision", theorem: "thm5" });
    expect(check).toMatchObject({ valid: true, kind: "collision", theorem: "thm5", collision: { protocol: "thm4" } });
  });

  it("two GPT-2 layers get no theorem (Corollary 13.1)", () => {
    const task = makeTask("equality", 16);
    const v = refute(compileModel(gpt2(task, 3, 2)), task, { seed: 1 });
    expect(v.applied.kind === "none" && v.applied.reason).toMatch(/two or more layers \(Corollary 13\.1/);
  });
});
