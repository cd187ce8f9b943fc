import { fail } from "../errors.js";
import { MAX_DIM } from "../limits.js";
import { dyckDfa } from "../models/dyck-dfa.js";
import type { DfaModelSpec, Matrix, RecurrentModelSpec } from "../models/spec.js";
import { arithFor } from "../numeric/arith.js";
import { parseFormat } from "../numeric/parse.js";
import { dyck } from "../tasks/dyck.js";
import type { Task } from "../tasks/task.js";
import type { BuiltConstruction, Construction, ConstructionOptions, ConstructionSize } from "./construction.js";
import { zeros, zeroVector } from "./layout.js";
import { measuredSize } from "./size.js";

/** dyck-rnn takes one option beyond the common ones: the Elman cell's nonlinearity. */
export interface DyckRnnOptions extends ConstructionOptions {
  /**
   * "relu" (default): units are 0 or 1. "tanh": units are 0 or -1; it needs fixed point with no fraction bits and
   * floor rounding, where tanh is exactly a step function (tanh(x) in (-1, 0) rounds down to -1, in [0, 1) to 0).
   */
  readonly nonlinearity?: "relu" | "tanh";
}

/**
 * The RNN upper bound for bounded Dyck (paper App. E, after Thm 10): one Elman layer that runs the minimal DFA of
 * Dyck-(k, m) (src/models/dyck-dfa.ts), so its size does not depend on N.
 *
 * One unit per live transition τ = (s, a, s') of the DFA (both s and s' can still reach acceptance): after reading
 * x_t the unit is active iff the DFA was in s before x_t and x_t = a. Exactly one unit is active while the DFA is
 * alive, none once it is dead, so [state = s] is a sum of units, linear, and a unit's update is one threshold:
 *
 *   u'(s, a, ·) = [ Σ_{σ into s} u(σ) + x_a ≥ 2 ]          (an AND of "in s" and "reads a")
 *
 * The start state: h_0 = 0 cannot say "in the start state" (all units off also means dead), so one extra unit z
 * turns on at the first step and stays on, and [state = start] gets the term 1 - z. The head reads acceptance,
 * Σ_{σ into an accepting state} u(σ) (+ 1 - z if the start accepts), as logit1 and 1 minus it as logit0.
 *
 * Every value is an integer in [-1, 1] (unit, pre-activation and partial sum alike), so fixed:1.0 (p = 2) computes
 * it exactly; a p = 1 format has no +1 and fails. With "tanh" every sign flips: units are -1 (active) or 0 and the
 * pre-activation is -1, 0 or 1, which floor-rounded tanh maps to -1, 0, 0.
 */
export const dyckRnn: Construction & { build(n: number, options?: DyckRnnOptions): BuiltConstruction } = {
  name: "dyck-rnn",
  theorem: "dyck-rnn",
  description: "bounded Dyck by one Elman layer running its minimal DFA: constant size, p = 2",
  takes: ["pairs", "depth"],
  build: buildDyckRnn,
  size: (n, options) => sizeOf(plan(n, options)),
};

/** A transition of the DFA between live states: unit index = position in the list. */
interface Transition {
  readonly from: number;
  readonly symbol: number;
  readonly to: number;
}

interface Plan {
  readonly n: number;
  readonly task: Task;
  readonly pairs: number;
  readonly depth: number;
  readonly dfa: DfaModelSpec;
  readonly transitions: readonly Transition[];
  readonly nonlinearity: "relu" | "tanh";
  readonly format: string;
}

function plan(n: number, options: DyckRnnOptions = {}): Plan {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0)
    fail("invalid-flag", `dyck-rnn needs an even n >= 2 (no string of odd length is balanced), got ${n}`, "--n");
  const task = dyck(n, options.task ?? {}); // checks pairs and depth
  const { pairs, depth } = task.params as { pairs: number; depth: number };
  // Count before building: the DFA has sum_{d<=m} k^d states, too many to list for a large depth.
  const units = unitCount(pairs, depth);
  if (units > MAX_DIM)
    fail(
      "too-large",
      `dyck-rnn for Dyck-(${pairs},${depth}) needs ${units} units, more than a model can have (${MAX_DIM})`,
      "--depth",
    );
  const dfa = dyckDfa(pairs, depth);
  const transitions = liveTransitions(dfa);
  const nonlinearity = options.nonlinearity ?? "relu";
  const format = options.format ?? `fixed:1.${options.fracBits ?? 0}`;
  checkFormat(format, nonlinearity);
  return { n, task, pairs, depth, dfa, transitions, nonlinearity, format };
}

/** Live transitions + the start unit: k opens from each stack below depth m, one close from each nonempty stack. */
function unitCount(pairs: number, depth: number): number {
  let stacks = 1; // k^d stacks of height d
  let transitions = 0;
  for (let d = 0; d <= depth && transitions <= MAX_DIM; d++, stacks *= pairs)
    transitions += (d < depth ? pairs * stacks : 0) + (d > 0 ? stacks : 0);
  return transitions + 1;
}

/**
 * Refuses a format in which the construction is not exact, by asking the format's own arithmetic: relu needs -1 and 1
 * as values; tanh needs floor-rounded tanh to be the step -1 below 0, 0 from 0 on.
 */
function checkFormat(name: string, nonlinearity: "relu" | "tanh"): void {
  const arith = arithFor(parseFormat(name, "--format"));
  const exact = arith.round(1) === 1 && arith.round(-1) === -1;
  const step = arith.tanh(-1) === -1 && arith.tanh(0) === 0 && arith.tanh(1) === 0;
  if (!exact)
    fail(
      "invalid-flag",
      `dyck-rnn needs a format with the values -1 and 1, got ${name}`,
      "--format",
      "fixed:1.0 is the smallest",
    );
  if (nonlinearity === "tanh" && !step) {
    fail(
      "invalid-flag",
      `dyck-rnn with tanh needs rounded tanh to be a step function (fixed:I.0 with floor rounding), got ${name}`,
      "--format",
      "fixed:1.0",
    );
  }
}

/** The states that can still reach an accepting state (the DFA's dead state is not one). */
function liveStates(dfa: DfaModelSpec): boolean[] {
  const live = dfa.output.map((label) => label === 1);
  for (let changed = true; changed;) {
    changed = false;
    dfa.transitions.forEach((row, s) => {
      if (!live[s] && row.some((t) => live[t])) changed = live[s] = true;
    });
  }
  return live;
}

function liveTransitions(dfa: DfaModelSpec): Transition[] {
  const live = liveStates(dfa);
  return dfa.transitions.flatMap((row, from) =>
    live[from] ? row.flatMap((to, symbol) => (live[to] ? [{ from, symbol, to }] : [])) : [],
  );
}

function buildDyckRnn(n: number, options: DyckRnnOptions = {}): BuiltConstruction {
  const p = plan(n, options);
  const spec = dyckRnnSpec(p);
  const states = p.dfa.states;
  return {
    name: "dyck-rnn",
    theorem: "dyck-rnn",
    task: p.task,
    spec,
    size: measuredSize(spec),
    parameters: {
      nonlinearity: p.nonlinearity,
      format: p.format,
      dfaStates: states,
      liveStates: liveStates(p.dfa).filter(Boolean).length,
      transitionUnits: p.transitions.length,
      startUnits: 1,
      lemma4StateBits: Math.ceil(Math.log2(states)),
    },
    // The paper counts Dyck-(2,2) only (7 live states); for other (k, m) its argument gives the live states' count.
    paper:
      p.pairs === 2 && p.depth === 2
        ? {
            states: 7,
            stateBits: Math.ceil(Math.log2(7)),
            width: "O(1)",
            construction: "any DFA with k states in log k bits (App. E)",
          }
        : {
            states: "not stated (Dyck-(2,2) only)",
            width: "O(1)",
            construction: "any DFA with k states in log k bits (App. E)",
          },
  };
}

/**
 * The weights, written for both nonlinearities at once with g = +1 (relu) or -1 (tanh), the value of an active unit.
 * Row τ = (s, a, s'): pre = Σ_{σ into s} h(σ) + g x_a - g + [s = start] (g - z), i.e. g ([in s] + x_a - 1).
 */
function dyckRnnSpec(p: Plan): RecurrentModelSpec {
  const { dfa, transitions } = p;
  const g = p.nonlinearity === "relu" ? 1 : -1;
  const units = transitions.length + 1;
  const z = transitions.length;
  const symbols = dfa.vocab.length;
  const weightIh = zeros(units, symbols);
  const weightHh = zeros(units, units);
  const biasIh = zeroVector(units);
  const biasHh = zeroVector(units);
  transitions.forEach((tau, r) => {
    weightIh[r]![tau.symbol] = g;
    biasIh[r] = -g;
    transitions.forEach((sigma, c) => sigma.to === tau.from && (weightHh[r]![c] = 1));
    if (tau.from === dfa.start) {
      weightHh[r]![z] = -1;
      biasHh[r] = g;
    }
  });
  biasIh[z] = g; // z = relu(1) = 1 or tanh(-1) = -1 from the first step on
  return {
    ccbound: "model",
    version: 1,
    name: `dyck-rnn-${p.pairs}-${p.depth}`,
    description: `One ${p.nonlinearity} Elman layer running the minimal DFA of Dyck-(${p.pairs},${p.depth}): one unit per live transition and a start unit; built by ccbound construct`,
    vocab: [...dfa.vocab],
    labels: ["0", "1"],
    arch: "recurrent",
    format: p.format,
    embedding: identityMatrix(symbols),
    layers: [
      {
        cell: "elman",
        nonlinearity: p.nonlinearity,
        hidden: units,
        weight_ih: weightIh,
        weight_hh: weightHh,
        bias_ih: biasIh,
        bias_hh: biasHh,
      },
    ],
    head: acceptanceHead(dfa, transitions, g),
  };
}

/** logit1 = [accepting] = Σ_{σ into accepting} g h(σ) + A (1 - g z) with A = [start accepts]; logit0 = 1 - logit1. */
function acceptanceHead(
  dfa: DfaModelSpec,
  transitions: readonly Transition[],
  g: number,
): { weight: Matrix; bias: number[] } {
  const accepts = dfa.output[dfa.start] === 1 ? 1 : 0;
  const one = [...transitions.map((t) => (dfa.output[t.to] === 1 ? g : 0)), -accepts * g];
  return { weight: [one.map((w) => -w + 0), one], bias: [1 - accepts, accepts] };
}

function identityMatrix(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** The size from the counts: T live transitions + 1 units, 2k inputs, and every parameter counted. */
function sizeOf(p: Plan): ConstructionSize {
  const units = p.transitions.length + 1;
  const symbols = p.dfa.vocab.length;
  const precision = parseFormat(p.format).bits;
  const numbers = symbols * symbols + units * symbols + units * units + 2 * units + 2 * units + 2;
  return {
    width: units,
    layers: 1,
    heads: 0,
    precision,
    parameterBits: numbers * precision,
    stateBits: units * precision,
  };
}
