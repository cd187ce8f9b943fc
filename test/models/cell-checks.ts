/**
 * The checks every recurrent cell's test file makes (mamba, linear-attention, s4d, retnet): its compiled step against
 * the naive oracle, Theorem 2 at every cut and the state relayed at the odd/even split against the forward pass, and
 * a model below Theorem 3's bound refuted by the dedup walk with a collision certificate that verifies. Each file
 * keeps its own generators, seeds and expected sizes; these say once what is compared.
 */
import { expect } from "vitest";
import { run } from "../../src/cc/protocol.js";
import { compileModel } from "../../src/models/compile.js";
import { feed, forward, stateBits, type RecurrentModel } from "../../src/models/model.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { parseFormat } from "../../src/numeric/parse.js";
import { oddEvenSplit, tokensOf } from "../../src/reductions/split.js";
import { stateRelayCost, stateRelayProtocol } from "../../src/reductions/state-relay.js";
import { theorem2Cost, theorem2Protocol } from "../../src/reductions/theorem2.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import type { Task } from "../../src/tasks/task.js";
import { referenceForward } from "./reference.js";

export function recurrentOf(spec: RecurrentModelSpec): RecurrentModel {
  const m = compileModel(spec);
  if (m.kind !== "recurrent") throw new Error("expected a recurrent model");
  return m;
}

/** The compiled step equals the naive oracle bit for bit on these tokens: the state and the logits. */
export function expectOracle(spec: RecurrentModelSpec, tokens: readonly number[]): void {
  const model = recurrentOf(spec);
  const state = feed(model, model.newState(), tokens);
  const ref = referenceForward(spec, parseFormat(spec.format), [...tokens]);
  expect(Array.from(state.subarray(0, model.stateUnits))).toEqual(ref.state.flat());
  expect(Array.from(model.logits(state))).toEqual(ref.logits);
}

/** Theorem 2 at every cut 0..N gives the forward pass's answer and costs the state (plus the readout at K = N). */
export function expectTheorem2AtEveryCut(model: RecurrentModel, tokens: readonly number[]): void {
  const answer = forward(model, tokens);
  for (let cut = 0; cut <= tokens.length; cut++) {
    const r = run(theorem2Protocol(model, cut, tokens.length), tokens.slice(0, cut), tokens.slice(cut));
    expect(r.output).toBe(answer);
    expect(r.cost).toBe(theorem2Cost(model, cut, tokens.length));
    expect(r.cost).toBe(stateBits(model) + (cut === tokens.length ? model.readoutUnits * model.unitBits : 0));
  }
}

/** The state relayed at every change of holder of the odd/even split gives the forward pass's answer. */
export function expectRelayAtOddEven(model: RecurrentModel, tokens: readonly number[]): void {
  const split = oddEvenSplit(tokens.length);
  const ids = Int32Array.from(tokens);
  const r = run(stateRelayProtocol(model, split), tokensOf(ids, split.alice), tokensOf(ids, split.bob));
  expect(r.output).toBe(forward(model, tokens));
  expect(r.cost).toBe(stateRelayCost(model, split));
  expect(r.cost).toBe((tokens.length - 1) * stateBits(model));
}

/** A model below Theorem 3's bound: the dedup walk alone refutes it by a collision whose certificate verifies. */
export function expectRefutedByCollision(model: RecurrentModel, task: Task, seed: number): void {
  const verdict = refute(model, task, { seed, only: ["dedup"] });
  expect(verdict).toMatchObject({ kind: "refuted", finding: { kind: "collision" } });
  if (verdict.kind !== "refuted") return;
  const sha = "0".repeat(64);
  const cert = certificateOf(verdict, {
    toolVersion: "test",
    modelSha256: sha,
    format: model.formatName,
    task,
    replay: "-",
  });
  expect(verifyCertificate(cert, model, sha)).toMatchObject({ valid: true, kind: "collision", theorem: "thm3" });
}
