/**
 * Theorem 3 binds Mamba and the linear Transformer: random models whose state is below the bound on index lookup
 * are refuted by the collision search alone (dedup: two of Alice's strings that reach one state) with a collision
 * certificate that verify accepts by recomputation, and a forward pass confirms the model is wrong on the input.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { forward, stateBits } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import { bind } from "../../src/reductions/bind.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { indexLookup } from "../../src/tasks/index-lookup.js";

const SHA = "0".repeat(64);

describe("Theorem 3 on Mamba and linear attention (collision certificates)", () => {
  for (const arch of ["mamba", "linear-attention"] as const)
    it(`${arch}: below the bound, refuted by dedup with a collision that verify accepts`, () => {
      let ran = 0;
      fc.assert(
        fc.property(
          fc.constantFrom("fixed:1.2", "fixed:2.1:nearest", "fixed:0.3", "fixed:1.4"),
          fc.integer({ min: 6, max: 14 }),
          fc.nat(),
          (format, n, seed) => {
            const task = indexLookup(n);
            const spec = randomModel({
              arch,
              hidden: 1,
              format,
              vocab: task.vocab,
              labels: task.labels,
              seed,
              // The smallest state each has: Mamba 1 channel x (d_conv - 1 = 0 + d_state 1); one 1x1 head.
              dState: 1,
              dConv: 1,
              expand: 1,
              dtRank: 1,
              heads: 1,
              ffn: 2,
            });
            const model = compileModel(spec);
            if (model.kind !== "recurrent") throw new Error("recurrent");
            fc.pre(stateBits(model) < n);
            ran++;
            const v = refute(model, task, { seed, only: ["dedup"] });
            expect(v.kind, `seed ${seed}`).toBe("refuted");
            if (v.kind !== "refuted") return;
            expect(v.finding.kind).toBe("collision");
            const b = bind(model, task);
            expect(model.labels[forward(model, b.ids(v.finding.input))]).not.toBe(task.answer(v.finding.input));
            const cert = certificateOf(v, {
              toolVersion: "test",
              modelSha256: SHA,
              format: model.formatName,
              task,
              replay: "-",
            });
            expect(cert.kind).toBe("collision");
            expect(verifyCertificate(cert, model, SHA).valid).toBe(true);
          },
        ),
        { seed: 1507, numRuns: 25 },
      );
      expect(ran).toBe(25);
    });
});
