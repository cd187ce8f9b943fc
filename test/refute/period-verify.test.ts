import { describe, expect, it } from "vitest";
import { validateCertificate } from "../../src/io/certificate.js";
import { compileModel } from "../../src/models/compile.js";
import { nonNegative, orbitDfa } from "../../src/models/known-orbits.js";
import { randomModel } from "../../src/models/random.js";
import type { ModelSpec, RecurrentModelSpec } from "../../src/models/spec.js";
import { bind } from "../../src/reductions/bind.js";
import { certificateOf, type Certificate } from "../../src/refute/certificate.js";
import { answerOf } from "../../src/refute/finding.js";
import { refute } from "../../src/refute/check.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { makeTask } from "../../src/tasks/index.js";

const SHA = "0".repeat(64);
const task = makeTask("parity", 24);

function certify(spec: ModelSpec): { cert: Certificate; model: ReturnType<typeof compileModel> } {
  const model = compileModel(spec);
  const v = refute(model, task, { seed: 1, only: ["period"] });
  if (v.kind !== "refuted") throw new Error("not refuted");
  const cert = certificateOf(v, { toolVersion: "t", modelSha256: SHA, format: model.formatName, task, replay: "r" });
  return { cert, model };
}

/** verify's reason for an edited copy of the certificate, or "valid". */
function reasonFor(cert: Certificate, model: ReturnType<typeof compileModel>, edit: (c: Certificate) => void): string {
  const copy = structuredClone(cert);
  edit(copy);
  const c = verifyCertificate(validateCertificate(copy, "edited"), model, SHA);
  return c.valid ? "valid" : c.reason;
}

const linear = nonNegative(
  randomModel({
    arch: "linear",
    hidden: 2,
    layers: 2,
    format: "fixed:2.5",
    vocab: ["0", "1"],
    labels: ["0", "1"],
    seed: 3,
  }) as RecurrentModelSpec,
);

describe("verify re-derives a state-repeat certificate and rejects every edited field", () => {
  const inScope = certify(linear);
  const lasso = certify(orbitDfa({ tail: 6, period: 3, modulus: 2 }));

  it("accepts the real ones: Sarrof et al. in its scope, the periodicity lemma for a DFA", () => {
    expect(inScope.cert.theorem).toBe("sarrof-parity");
    expect(lasso.cert.theorem).toBe("state-repeat");
    for (const { cert, model } of [inScope, lasso]) expect(reasonFor(cert, model, () => undefined)).toBe("valid");
  });

  it("rejects edited lengths, period, start, prefix and state", () => {
    const { cert, model } = lasso;
    const p = cert.collision!.period!;
    const edits: [string, (c: Certificate) => void, RegExp][] = [
      ["the longer input one 1 longer", (c) => c.collision!.inputs[1].push("1"), /apart, not the period 3/],
      [
        "both inputs one 1 shorter",
        (c) => c.collision!.inputs.forEach((x) => x.pop()),
        /not the one both inputs reach|neither/,
      ],
      ["the period 3 -> 6", (c) => (c.collision!.period!.length = 6), /apart, not the period 6/],
      [
        "the start later",
        (c) => (c.collision!.period!.start = p.start + 1),
        /already repeat from 6 ones|before the repeat starts/,
      ],
      ["the start earlier", (c) => (c.collision!.period!.start = p.start - 1), /no repeat there/],
      [
        "the prefix",
        (c) => (c.collision!.period!.prefix = p.prefix.length === 0 ? ["0"] : []),
        /not the prefix followed by ones/,
      ],
      [
        "the state",
        (c) => (c.collision!.transcriptHex = c.collision!.transcriptHex.replace(/.$/, (d) => (d === "0" ? "1" : "0"))),
        /recorded state/,
      ],
      ["the split", (c) => (c.collision!.split = "6"), /split "end"/],
      ["no period", (c) => delete c.collision!.period, /records the orbit/],
      [
        "the certificate's n and input (to the right one)",
        (c) => {
          c.input = c.collision!.inputs.find((x) => x.join() !== c.input.join())!;
          c.task.n = c.input.length;
        },
        /the task's answer|which is right/,
      ],
    ];
    for (const [what, edit, reason] of edits) expect(reasonFor(cert, model, edit), what).toMatch(reason);
  });

  it("rejects a period that is not the least, and a start that is not the first, on a consistent pair", () => {
    // Period 5 from t = 4: inputs 15 ones apart reach one state and parity tells them apart, but 15 is not least.
    const odd = certify(orbitDfa({ tail: 4, period: 5, modulus: 2 }));
    const fifteen = reasonFor(odd.cert, odd.model, (c) => {
      const [u] = c.collision!.inputs;
      c.collision!.period!.length = 15;
      c.collision!.inputs = [u, [...u, ...Array(15).fill("1")]];
      repoint(c, odd.model);
    });
    expect(fifteen).toMatch(/the period is 5 or less, not 15/);
    const first = reasonFor(odd.cert, odd.model, (c) => (c.collision!.period!.start = 0));
    expect(first).toMatch(/no repeat there/);
  });

  it("rejects a theorem that does not apply: Sarrof et al. for a DFA, the lemma where the theorem applies, a bound of another task", () => {
    expect(reasonFor(lasso.cert, lasso.model, (c) => (c.theorem = "sarrof-parity"))).toMatch(
      /cites sarrof-parity, but a state repeat of this model on parity cites state-repeat .*only the periodicity lemma/,
    );
    expect(reasonFor(inScope.cert, inScope.model, (c) => (c.theorem = "state-repeat"))).toMatch(
      /cites state-repeat, but a state repeat of this model on parity cites sarrof-parity/,
    );
    expect(reasonFor(inScope.cert, inScope.model, (c) => (c.theorem = "thm3"))).toMatch(/cites thm3/);
    expect(reasonFor(inScope.cert, inScope.model, (c) => (c.theorem = "grazzi-modcount"))).toMatch(
      /cites grazzi-modcount/,
    );
  });

  it("rejects a certificate for a model outside the theorem's scope (the same file with a position table)", () => {
    const zeros = Array.from({ length: 64 }, () => linear.embedding[0]!.map(() => 0));
    const positional = compileModel({ ...linear, positionEmbedding: zeros });
    const c = verifyCertificate(inScope.cert, positional, SHA);
    expect(c.valid || c.reason).toMatch(/cites sarrof-parity, but the model reads the position/);
  });

  it("rejects a certificate whose task is another modulus", () => {
    const r = reasonFor(lasso.cert, lasso.model, (c) => {
      c.task = { name: "mod-count", n: c.task.n, params: { modulus: 3 } };
    });
    expect(r).not.toBe("valid");
  });
});

/** Points the certificate's input, n and answers at whichever of its two inputs the model answers wrongly. */
function repoint(c: Certificate, model: ReturnType<typeof compileModel>): void {
  for (const x of c.collision!.inputs) {
    const at = makeTask("parity", x.length);
    const answer = answerOf(model, bind(model, at), x);
    if (answer === at.answer(x)) continue;
    Object.assign(c, { input: [...x], expected: at.answer(x), answer, task: { ...c.task, n: x.length } });
    return;
  }
  throw new Error("the model is right on both inputs");
}
