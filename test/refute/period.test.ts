import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import { flipLinear, nonNegative, orbitDfa, parityElman } from "../../src/models/known-orbits.js";
import type { RecurrentModel } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import type { ModelSpec, RecurrentModelSpec } from "../../src/models/spec.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { brent } from "../../src/refute/period/orbit.js";
import type { Verdict } from "../../src/refute/verdict.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { makeTask } from "../../src/tasks/index.js";
import type { Task } from "../../src/tasks/task.js";

const SHA = "0".repeat(64);

/** Runs Brent's method to the end: the repeat and the model steps it took. */
function brentOf(model: RecurrentModel) {
  const walk = brent(model, model.newState(), model.vocab.indexOf("1"), 0, model.newState());
  let steps = 0;
  for (let r = walk.next(); ; r = walk.next(), steps++) if (r.done) return { ...r.value, steps };
}

function check(spec: ModelSpec, task: Task, only?: "period") {
  const model = compileModel(spec);
  const verdict = refute(model, task, { seed: 1, budget: 1 << 22, ...(only && { only: [only] }) });
  return { model, verdict };
}

/** The verdict's certificate, and what verify says of it. */
function certified(model: ReturnType<typeof compileModel>, task: Task, v: Verdict) {
  if (v.kind !== "refuted") throw new Error(`not refuted: ${JSON.stringify(v)}`);
  const cert = certificateOf(v, { toolVersion: "t", modelSha256: SHA, format: model.formatName, task, replay: "r" });
  return { cert, check: verifyCertificate(cert, model, SHA) };
}

/** A random linear recurrence, every a made >= 0 unless `signs` is kept. */
function linear(o: { hidden: number; layers: number; format: string; seed: number; labels: readonly string[] }) {
  return randomModel({ arch: "linear", vocab: ["0", "1"], ...o }) as RecurrentModelSpec;
}

describe("Brent's method on the full state", () => {
  it("finds the tail and the least period of hand-built lassos, odd and even, in at most 4(mu + P) + 1 steps", () => {
    for (const [tail, period] of [
      [0, 1],
      [0, 2],
      [3, 5],
      [7, 4],
      [10, 1],
      [1, 13],
      [33, 64],
      [100, 3],
    ] as const) {
      const r = brentOf(compileModel(orbitDfa({ tail, period, modulus: 2 })));
      expect([r.start, r.length], `${tail}, ${period}`).toEqual([tail, period]);
      expect(r.steps).toBeLessThanOrEqual(4 * (tail + period) + 1);
    }
  });
});

describe("the period feed", () => {
  it("refutes parity with an odd period and certifies a state repeat citing the periodicity lemma (a DFA is outside the theorems)", () => {
    const task = makeTask("parity", 20);
    for (const [tail, period] of [
      [3, 5],
      [0, 3],
      [11, 1],
    ] as const) {
      const { model, verdict } = check(orbitDfa({ tail, period, modulus: 2 }), task, "period");
      const { cert, check: c } = certified(model, task, verdict);
      expect(cert.kind).toBe("collision");
      expect(cert.theorem).toBe("state-repeat");
      expect(cert.collision?.period).toMatchObject({ start: tail, length: period });
      expect(cert.collision!.inputs[1].length - cert.collision!.inputs[0].length).toBe(period);
      expect(c.valid, JSON.stringify(c)).toBe(true);
    }
  });

  it("finds nothing for parity in an even period, which still refutes mod 3", () => {
    const spec = orbitDfa({ tail: 7, period: 4, modulus: 3 });
    const three = check(spec, makeTask("mod-count", 20, { modulus: 3 }), "period");
    expect(three.verdict.kind).toBe("refuted");
    expect(certified(three.model, makeTask("mod-count", 20, { modulus: 3 }), three.verdict).check.valid).toBe(true);
    const even = check(orbitDfa({ tail: 7, period: 4, modulus: 2 }), makeTask("parity", 20), "period");
    expect(even.verdict.kind).toBe("inconclusive");
    expect(even.verdict.kind === "inconclusive" && even.verdict.reason).toMatch(/refutes nothing here/);
    expect(even.verdict.kind === "inconclusive" && even.verdict.budgetCanHelp).toBe(false);
    expect(even.verdict.search.period?.walks[0]?.repeat).toEqual({ start: 7, length: 4 });
  });

  it("refutes every random non-negative linear recurrence on parity (fixed point and IEEE), with period 1 after at most L(2^p - 1) ones, citing Sarrof et al.", () => {
    const task = makeTask("parity", 48);
    let cases = 0;
    for (const format of ["fixed:1.2", "fixed:2.5", "fixed:3.12", "fixed:1.2:nearest", "bfloat16", "float32"]) {
      for (const [hidden, layers] of [
        [1, 1],
        [4, 1],
        [3, 3],
      ] as const) {
        for (let seed = 1; seed <= 4; seed++) {
          const spec = nonNegative(linear({ hidden, layers, format, seed, labels: task.labels }));
          const { model, verdict } = check(spec, task, "period");
          const walk = verdict.search.period!.walks[0]!;
          expect(walk.repeat?.length, `${format} ${hidden}x${layers} seed ${seed}`).toBe(1);
          if (format.startsWith("fixed"))
            expect(walk.repeat!.start).toBeLessThanOrEqual(layers * (2 ** model.unitBits - 1));
          // Brent's 4(mu + P) + 1 steps and the P answers on the cycle, far below pigeonhole's 2^(state bits) + 1.
          expect(walk.steps).toBeLessThanOrEqual(4 * (walk.repeat!.start + 1) + 2);
          const { cert, check: c } = certified(model, task, verdict);
          expect(cert.theorem).toBe("sarrof-parity");
          expect(c.valid, JSON.stringify(c)).toBe(true);
          cases++;
        }
      }
    }
    expect(cases).toBe(72);
  });

  it("refutes every random diagonal linear recurrence of any sign on mod 3 with a period of 1 or 2, citing Grazzi et al.", () => {
    const task = makeTask("mod-count", 40, { modulus: 3 });
    let negative = 0;
    for (const format of ["fixed:2.5", "fixed:3.12", "float32"]) {
      for (let seed = 1; seed <= 8; seed++) {
        const spec = linear({ hidden: 3, layers: 2, format, seed, labels: task.labels });
        if (spec.layers.some((l) => l.cell === "linear" && l.a.some((a) => a < 0))) negative++;
        const { model, verdict } = check(spec, task, "period");
        const walk = verdict.search.period!.walks[0]!;
        expect([1, 2]).toContain(walk.repeat!.length);
        if (format.startsWith("fixed"))
          expect(walk.repeat!.start).toBeLessThanOrEqual(2 * 2 * (2 ** model.unitBits - 1));
        const { cert, check: c } = certified(model, task, verdict);
        expect(cert.theorem).toBe("grazzi-modcount");
        expect(c.valid, JSON.stringify(c)).toBe(true);
      }
    }
    expect(negative).toBeGreaterThan(16);
  });

  it("certifies at the asked n when the model errs there (on 1^n or 0 1^(n-1)), else at the nearest length, saying so", () => {
    // A counter that stops after 12 ones: right on every input of length <= 12, wrong on 1^13.
    const capped = orbitDfa({ tail: 12, period: 1, modulus: 2 });
    const at12 = check(capped, makeTask("parity", 12), "period");
    const c12 = certified(at12.model, makeTask("parity", 12), at12.verdict);
    expect(at12.verdict.kind === "refuted" && at12.verdict.finding.n).toBe(13);
    expect(c12.cert.task.n).toBe(13);
    expect(c12.cert.input).toEqual(Array(13).fill("1"));
    expect(c12.check.valid).toBe(true);
    // Past 12 it answers "0" on every 1^t: wrong on 1^21 itself, and at n = 20 on 0 1^19 (the second orbit).
    for (const [n, first] of [
      [21, "1"],
      [20, "0"],
    ] as const) {
      const r = check(capped, makeTask("parity", n), "period");
      const c = certified(r.model, makeTask("parity", n), r.verdict);
      expect([c.cert.task.n, c.cert.input[0], c.cert.input.length, c.check.valid], `n = ${n}`).toEqual([
        n,
        first,
        n,
        true,
      ]);
    }
  });

  it("lets a model outside the theorems escape it: a parity RNN survives every input, and a = -1 errs only by plain wrong answers", () => {
    const task = makeTask("parity", 10);
    const elman = check(parityElman("fixed:1.1"), task);
    expect(elman.verdict.kind === "survived" && elman.verdict.mode).toBe("exhaustive");
    expect(elman.verdict.search.period?.walks[0]?.repeat).toEqual({ start: 0, length: 2 });
    const flip = check(flipLinear("fixed:1.2"), task);
    expect(flip.verdict.applied.kind).toBe("none");
    expect(flip.verdict.kind === "refuted" && flip.verdict.finding.kind).toBe("wrong-answer");
    expect(flip.verdict.kind === "refuted" && flip.verdict.finding.feed).not.toBe("period");
    // It is right on every 1^t: its state alternates 0, 1/2.
    const model = compileModel(flipLinear("fixed:1.2"));
    for (let t = 1; t <= 64; t++) {
      const tt = makeTask("parity", t);
      expect(model.labels[model.readout(feedOnes(model, t))]).toBe(tt.answer(Array(t).fill("1")));
    }
    // From m = 3 on, Grazzi et al. cover it, and the period 2 refutes it.
    const three = makeTask("mod-count", 10, { modulus: 3 });
    const r = check(flipLinear("fixed:1.2", 3), three, "period");
    const c = certified(r.model, three, r.verdict);
    expect([c.cert.theorem, c.cert.collision?.period?.length, c.check.valid]).toEqual(["grazzi-modcount", 2, true]);
  });
});

function feedOnes(model: RecurrentModel, t: number): Float64Array {
  const state = model.newState();
  for (let i = 0; i < t; i++) model.step(state, model.vocab.indexOf("1"), i);
  return state;
}
