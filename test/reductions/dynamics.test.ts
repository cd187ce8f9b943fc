import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { compileModel } from "../../src/models/compile.js";
import { flipLinear, nonNegative, orbitDfa, parityElman } from "../../src/models/known-orbits.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import { applicableTheorem, reductionFor, stateRepeatFor } from "../../src/reductions/applies.js";
import { makeTask } from "../../src/tasks/index.js";

const parity = makeTask("parity", 16);
const mod2 = makeTask("mod-count", 16, { modulus: 2 });
const mod3 = makeTask("mod-count", 16, { modulus: 3 });
const mod4 = makeTask("mod-count", 16, { modulus: 4 });

function random(arch: "linear" | "elman" | "lstm" | "gru", labels: readonly string[], layers = 1): RecurrentModelSpec {
  return randomModel({
    arch,
    hidden: 3,
    layers,
    format: "fixed:2.5",
    vocab: ["0", "1"],
    labels,
    seed: 5,
  }) as RecurrentModelSpec;
}

/** The theorem the table gives, or "none: <reason>". */
function cited(spec: Parameters<typeof compileModel>[0], task = parity): string {
  const a = reductionFor(compileModel(headFor(spec, task)), task);
  return a.kind === "none" ? `none: ${a.reason}` : a.reduction.theorem.id;
}

/**
 * The model with its head cut to the task's labels (a head must have one output per label, src/reductions/bind.ts):
 * a recurrent model of 4 outputs asked about mod 2 or mod 3 keeps its first 2 or 3.
 */
function headFor(spec: Parameters<typeof compileModel>[0], task: typeof parity): Parameters<typeof compileModel>[0] {
  if (spec.arch !== "recurrent" || spec.labels.length <= task.labels.length) return spec;
  const k = task.labels.length;
  return {
    ...spec,
    labels: spec.labels.slice(0, k),
    head: { weight: spec.head.weight.slice(0, k), bias: spec.head.bias.slice(0, k) },
  };
}

describe("the table's rows for parity and mod-count", () => {
  const labels2 = parity.labels;
  const labels4 = mod4.labels;

  it("cover recurrences whose every layer is diagonal linear with a >= 0, on parity and on every modulus", () => {
    for (const layers of [1, 3]) {
      const spec = nonNegative(random("linear", labels4, layers));
      expect(
        cited({ ...spec, labels: [...labels2], head: { weight: spec.head.weight.slice(0, 2), bias: [0, 0] } }),
      ).toBe("sarrof-parity");
      for (const task of [mod2, mod3, mod4]) expect(cited(spec, task)).toBe("grazzi-modcount");
    }
  });

  it("leave out a negative entry of a on parity and mod 2 (a negative eigenvalue escapes it), not from mod 3 on", () => {
    const flip = flipLinear("fixed:1.2", 4);
    expect(flip.layers[0]!.cell === "linear" && flip.layers[0]!.a).toEqual([-1]);
    expect(cited(flipLinear("fixed:1.2"))).toMatch(/^none: a negative eigenvalue escapes it: layer 1's a\[0\] = -1/);
    expect(cited(flip, mod2)).toMatch(/^none: a negative eigenvalue escapes it/);
    expect(cited(flip, mod3)).toBe("grazzi-modcount");
    expect(cited(flip, mod4)).toBe("grazzi-modcount");
  });

  it("leave out nonlinear cells, mixed stacks and DFAs, saying which layer", () => {
    for (const cell of ["elman", "lstm", "gru"] as const) {
      expect(cited(random(cell, labels2))).toMatch(
        new RegExp(`^none: layer 1 \\(${cell}\\) has a transition that is not`),
      );
      expect(cited(random(cell, labels4), mod3)).toMatch(
        new RegExp(`^none: layer 1 \\(${cell}\\) has a transition that is not`),
      );
    }
    const linear = nonNegative(random("linear", labels2));
    const mixed = { ...linear, layers: [linear.layers[0]!, random("elman", labels2).layers[0]!] };
    expect(cited(mixed)).toMatch(/^none: layer 2 \(elman\) has a transition/);
    expect(cited(parityElman("fixed:1.1"))).toMatch(/^none: layer 1 \(elman\) has a transition/);
    expect(cited(orbitDfa({ tail: 0, period: 2, modulus: 2 }))).toMatch(
      /^none: a DFA's transition is an arbitrary table/,
    );
  });

  it("leave out a step that reads the position, and Transformers", () => {
    const linear = nonNegative(random("linear", labels2));
    const positional = {
      ...linear,
      positionEmbedding: Array.from({ length: 16 }, () => linear.embedding[0]!.map(() => 0)),
    };
    expect(cited(positional)).toMatch(/^none: the model reads the position/);
    const tf = randomTransformer({
      width: 2,
      heads: 1,
      layers: 1,
      maxLength: 16,
      format: "fixed:2.5",
      vocab: ["0", "1"],
      labels: labels2,
      seed: 1,
    });
    expect(cited(tf)).toMatch(/^none: no result in the registry bounds Transformers on parity/);
    // The class alone has a row: the model's condition is what narrows it.
    const row = applicableTheorem("recurrent", parity);
    expect("theorem" in row && row.theorem.id).toBe("sarrof-parity");
  });

  it("say what a state repeat cites: the theorem in its scope, the periodicity lemma outside it, nothing when the step reads the position", () => {
    const cite = (spec: Parameters<typeof compileModel>[0], task = parity) => {
      const r = stateRepeatFor(compileModel(spec), task);
      return "none" in r ? `none: ${r.none}` : `${r.theorem.id}${r.guaranteed ? " (guaranteed)" : ""}`;
    };
    const linear = nonNegative(random("linear", labels2));
    expect(cite(linear)).toBe("sarrof-parity (guaranteed)");
    expect(cite(flipLinear("fixed:1.2"))).toBe("state-repeat");
    expect(cite(flipLinear("fixed:1.2", 3), mod3)).toBe("grazzi-modcount (guaranteed)");
    expect(cite(random("lstm", labels2))).toBe("state-repeat");
    expect(cite(orbitDfa({ tail: 2, period: 3, modulus: 2 }))).toBe("state-repeat");
    expect(cite({ ...linear, positionEmbedding: Array.from({ length: 16 }, () => [0]) })).toMatch(
      /^none: the model reads/,
    );
    expect(cite(linear, makeTask("equality", 16))).toMatch(
      /^none: the state-repeat argument is for tasks that count 1s/,
    );
  });

  it("refuse a --split: the dynamics split nothing", () => {
    try {
      reductionFor(compileModel(nonNegative(random("linear", labels2))), parity, "8");
      expect.unreachable();
    } catch (e) {
      expect(e instanceof CcboundError && e.code).toBe("invalid-flag");
      expect((e as Error).message).toMatch(/splits nothing/);
    }
  });
});

describe("cells that read the position", () => {
  it("take a model out of the periodicity argument, and say why (RetNet's rotation; the other new cells do not)", () => {
    const parity = makeTask("parity", 16);
    const at = (arch: "retnet" | "s4d" | "mamba" | "linear-attention") =>
      stateRepeatFor(
        compileModel(
          randomModel({ arch, hidden: 2, format: "float32", vocab: ["0", "1"], labels: ["0", "1"], seed: 1 }),
        ),
        parity,
      );
    expect(at("retnet")).toMatchObject({ none: expect.stringMatching(/reads the position/) });
    for (const arch of ["s4d", "mamba", "linear-attention"] as const)
      expect(at(arch), arch).toMatchObject({ theorem: { id: "state-repeat" } });
  });
});
