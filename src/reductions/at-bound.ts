import { CcboundError, fail } from "../errors.js";
import type { Model } from "../models/compile.js";
import { labelsAreN, makeTask, maxNOf, minNOf, nStep, type TaskOptions } from "../tasks/index.js";
import type { Task, TaskName } from "../tasks/task.js";
import { reductionFor, type CcReduction } from "./applies.js";

/*
 * `check --at-bound`: the least N at which the lower bound that applies to this model binds it, that is where the
 * theorem requires more bits than the model sends across the reduction's split (its state for a recurrent model,
 * Theorem 4's transcript for a one-layer Transformer), so that an error must exist. Both numbers come from the one
 * table (reductionFor), evaluated at each N tried: nothing here knows a bound's formula.
 *
 * The search rests on two facts, each checked on every pair of Ns it compares (a violation is an internal error):
 * the bits required grow with N (a larger fooling set, or more of Alice's strings), and so do the bits sent (a state
 * does not depend on N; Theorem 4's sums need more bits when a party holds more positions). The gap between them need
 * not be monotone (a Transformer's transcript jumps by a few bits where a party's positions pass a power of two), but
 * on a range where the bits sent are constant it is, so the search splits ranges until the bits sent are constant on
 * each, and bisects there.
 */

export interface AtN {
  readonly n: number;
  readonly task: Task;
  readonly reduction: CcReduction;
}

export interface AtBound extends AtN {
  /** The next smaller N the task takes, where the model is not below the bound (absent when N is the smallest). */
  readonly before?: AtN;
  /** The only N the model takes (a task whose labels are 0..n-1), so there is no N before it to compare. */
  readonly only?: true;
}

type Probe =
  | { readonly kind: "at"; readonly at: AtN; readonly message: number; readonly required: number }
  | { readonly kind: "unfit"; readonly n: number; readonly why: string };

/**
 * The least N (of those the task takes, up to maxN) at which the model is below the bound that applies to it on
 * this task. Refused with one line when no bound applies, when the model cannot take the task at the smallest N, or
 * when no N up to the largest the model and the limits take is below the bound.
 */
export function leastBindingN(
  model: Model,
  name: TaskName,
  options: TaskOptions,
  maxN: number = maxNOf(name),
): AtBound {
  const step = nStep(name);
  const cache = new Map<number, Probe>();
  const probe = (n: number): Probe => {
    let p = cache.get(n);
    if (!p) cache.set(n, (p = evaluate(model, name, options, n)));
    return p;
  };
  // its labels fit one n only (the head's number of labels): that n is the only one to try
  if (labelsAreN(name)) return onlyN(model, name, probe);
  const start = minNOf(name);
  const first = probe(start);
  if (first.kind === "unfit") fail("task-mismatch", `the model does not take ${name} at n = ${start}: ${first.why}`);
  const theoremName = first.at.reduction.theorem.name;
  const below = (p: Probe & { kind: "at" }) => p.required > p.message;
  const at = (n: number) => {
    const p = probe(n);
    if (p.kind === "unfit") throw new Error(`at-bound: n = ${n} fitted before and not now`);
    return p;
  };
  const found = (n: number): AtBound => {
    const here = at(n);
    const prev = n - step >= start ? at(n - step) : undefined;
    return { ...here.at, ...(prev && { before: prev.at }) };
  };
  if (below(first)) return found(start);

  // Least n in (a, b] (multiples of step) with required > message, or undefined; a and b fit, a is not below.
  const within = (a: number, b: number): number | undefined => {
    const pa = at(a);
    const pb = at(b);
    if (pb.message < pa.message || pb.required < pa.required)
      throw new Error(`at-bound: the bits sent or required fall from n = ${a} to n = ${b}`);
    if (pa.message === pb.message) {
      // the bits sent are constant on [a, b] and the bits required grow: the gap grows, so bisect
      if (!below(pb)) return undefined;
      let lo = a;
      let hi = b;
      while (hi - lo > step) {
        const mid = lo + Math.floor((hi - lo) / (2 * step)) * step;
        if (below(at(mid))) hi = mid;
        else lo = mid;
      }
      return hi;
    }
    if (b - a <= step) return below(pb) ? b : undefined;
    const mid = a + Math.floor((b - a) / (2 * step)) * step;
    if (below(at(mid))) return within(a, mid) ?? mid;
    return within(mid, b);
  };

  // Doubling steps up to the limit or until the model no longer takes the task; each range is searched in order.
  let a: number = start;
  for (let b: number = 2 * start; ; b = Math.min(2 * b, maxN - (maxN % step))) {
    const pb = probe(b);
    if (pb.kind === "unfit") {
      // the largest n the model takes is in [a, b): bisect on whether it fits, then search up to it
      let lo = a;
      let hi = b;
      while (hi - lo > step) {
        const mid = lo + Math.floor((hi - lo) / (2 * step)) * step;
        if (probe(mid).kind === "at") lo = mid;
        else hi = mid;
      }
      const n = lo > a ? within(a, lo) : undefined;
      if (n !== undefined) return found(n);
      const last = at(lo);
      const why = (probe(hi) as Probe & { kind: "unfit" }).why;
      return fail(
        "too-large",
        `no n up to ${lo} puts the model below ${theoremName}'s bound on ${name} (at n = ${lo} it requires ${last.required} bits and the model sends ${last.message}), and the model does not take n = ${hi}: ${why}`,
        "--at-bound",
      );
    }
    const n = within(a, b);
    if (n !== undefined) return found(n);
    if (b >= maxN - (maxN % step)) {
      return fail(
        "too-large",
        `no n up to ${b}, the largest ccbound takes, puts the model below ${theoremName}'s bound on ${name} (at n = ${b} it requires ${pb.required} bits and the model sends ${pb.message})`,
        "--at-bound",
      );
    }
    a = b;
  }
}

/** A task the model takes at one n only: that n when the model is below the bound there, else why not. */
function onlyN(model: Model, name: TaskName, probe: (n: number) => Probe): AtBound {
  const n = model.labels.length;
  const p = probe(n);
  if (p.kind === "unfit") fail("task-mismatch", `the model does not take ${name} at n = ${n}: ${p.why}`);
  if (p.required > p.message) return { ...p.at, only: true };
  return fail(
    "too-large",
    `the model takes ${name} at n = ${n} only (its ${n} labels are the values 0..n-1), and there ${p.at.reduction.theorem.name} requires ${p.required} bits against the ${p.message} it sends: not below the bound`,
    "--at-bound",
    `use --n ${n}`,
  );
}

/** What applies at n: the reduction's bits sent and required, or why the model does not take the task at n. */
function evaluate(model: Model, name: TaskName, options: TaskOptions, n: number): Probe {
  const task = makeTask(name, n, options);
  let applies: ReturnType<typeof reductionFor>;
  try {
    applies = reductionFor(model, task);
  } catch (e) {
    // a vocabulary without the task's tokens at n (index lookup's @n), inputs longer than a Transformer's positions
    if (e instanceof CcboundError && (e.code === "task-mismatch" || e.code === "invalid-input"))
      return { kind: "unfit", n, why: e.message };
    throw e;
  }
  if (applies.kind === "none")
    fail("unsupported", `no lower bound applies to this model on ${name}: ${applies.reason}`, "--at-bound");
  const r = applies.reduction;
  if (r.kind === "dynamics")
    fail(
      "unsupported",
      `${r.theorem.name} binds this model on ${name} through its state's orbit, not through bits sent against bits required, so there is no least N to find`,
      "--at-bound",
      "use --n N",
    );
  if (r.noGuarantee !== undefined)
    fail(
      "unsupported",
      `${r.theorem.name}'s count does not bind this model's protocol on ${name} (${r.noGuarantee}), so there is no least N where it guarantees an error`,
      "--at-bound",
      "use --n N",
    );
  return { kind: "at", at: { n, task, reduction: r }, message: r.messageBits, required: r.requiredBits };
}
