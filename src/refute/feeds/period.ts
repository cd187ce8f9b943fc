import { feed } from "../../models/model.js";
import { periodRefutes, type StateRepeat } from "../../reductions/dynamics.js";
import { MAX_N } from "../../tasks/index.js";
import { stateRepeatCollision } from "../period/collision.js";
import { brent, type Repeat } from "../period/orbit.js";
import type { Accepted, Feed, FeedEvent } from "../portfolio/feed.js";

/** One orbit the period search walked: from the state after `prefix`, fed 1 1 1 ...; its repeat once found. */
export interface PeriodWalk {
  readonly prefix: readonly string[];
  /** Model steps spent on this orbit: the prefix, Brent's two phases, and reading the answers around the cycle. */
  steps: number;
  repeat?: Repeat;
}

/** What the period search did, for the verdict: its orbits, and the full state's size they are measured against. */
export interface PeriodReport {
  readonly stateBits: number;
  readonly walks: readonly PeriodWalk[];
}

/** How the search ended: a pair that refutes the task, a period that refutes nothing, or a pair too long to build. */
type Outcome =
  | {
      readonly kind: "pair";
      readonly prefix: readonly string[];
      readonly ones: readonly [number, number];
      readonly wrong: 0 | 1;
      readonly repeat: Repeat;
    }
  | { readonly kind: "periodic"; readonly repeat: Repeat }
  | { readonly kind: "too-long"; readonly repeat: Repeat };

/**
 * The state-repeat argument as a feed (local: one walk, each step depending on the last; one model step is one run).
 * Brent's method finds where the full state on 1^t first repeats, s_mu = s_(mu+P). When the task does not answer
 * t and t+P ones alike (m does not divide P), the model errs on one of 1^t, 1^(t+P) for every t >= mu; the feed then
 * picks the certificate's length: the asked n when the model errs on 1^n, else on 0 1^(n-1) (a second orbit, from
 * the state after "0", walked when n is past the first repeat), else the length nearest n (the larger on a tie)
 * where it errs on 1^t: a length other than n is then said in the verdict and is the certificate's n. A period that refutes
 * nothing ends the feed (exhausted): the model's answers on 1^t are periodic as the task's are.
 */
export function periodFeed(arg: StateRepeat): Feed & { period(): PeriodReport } {
  const walks: PeriodWalk[] = [];
  const search = periodSearch(arg, arg.task.n, walks);
  let steps = 0;
  let ended = false;
  const event = (o: Outcome): FeedEvent => {
    switch (o.kind) {
      case "pair":
        return {
          kind: "finding",
          finding: () => stateRepeatCollision(arg, o.prefix, o.ones, o.wrong, o.repeat, "period"),
        };
      case "periodic":
        return { kind: "exhausted", items: BigInt(o.repeat.start + o.repeat.length) };
      case "too-long":
        return {
          kind: "gave-up",
          reason: `the state repeats from ${o.repeat.start} ones with period ${o.repeat.length}, so a certificate needs inputs longer than ${MAX_N} tokens, the longest task ccbound builds`,
        };
    }
  };
  return {
    name: "period",
    local: true,
    get items() {
      return steps;
    },
    next(runs) {
      return ended ? undefined : { feed: "period", first: steps, count: runs, runs };
    },
    accept(unit, _result, left): Accepted {
      const count = Math.min(unit.count, left);
      for (let runs = 0; runs < count; runs++) {
        const r = search.next();
        if (r.done) {
          ended = true;
          return { runs, event: event(r.value) };
        }
        steps++;
      }
      // The search may end right after its last step: say so now, not a unit later.
      return { runs: count };
    },
    period: () => ({ stateBits: arg.stateBits, walks: walks.map((w) => ({ ...w })) }),
  };
}

/** The search as a generator: one yield per model step. */
function* periodSearch(arg: StateRepeat, n: number, walks: PeriodWalk[]): Generator<void, Outcome, void> {
  const first = yield* orbit(arg, [], walks);
  if (!periodRefutes(arg.modulus, first.repeat.length)) return { kind: "periodic", repeat: first.repeat };
  if (first.repeat.start + first.repeat.length > MAX_N) return { kind: "too-long", repeat: first.repeat };
  const labels = yield* cycleLabels(arg, first);
  const exact = pairAt(arg, [], first.repeat, labels, n);
  if (exact) return exact;
  // 1^n is past the repeat and answered rightly: 0 1^(n-1), of the same length, has one 1 fewer.
  if (n >= first.repeat.start) {
    const second = yield* orbit(arg, ["0"], walks);
    const r = second.repeat;
    if (periodRefutes(arg.modulus, r.length) && 1 + r.start + r.length <= MAX_N) {
      const p = pairAt(arg, ["0"], r, yield* cycleLabels(arg, second), n - 1);
      if (p) return p;
    }
  }
  return nearest(arg, first.repeat, labels, n) ?? { kind: "too-long", repeat: first.repeat };
}

interface Walked {
  readonly log: PeriodWalk;
  readonly repeat: Repeat;
  /** s_start: the state at the repeat's start. */
  readonly entry: Float64Array;
}

/** The orbit of 1 from the state after `prefix`: its repeat by Brent's method, every step counted in its log. */
function* orbit(arg: StateRepeat, prefix: readonly string[], walks: PeriodWalk[]): Generator<void, Walked, void> {
  const { model } = arg;
  const log: PeriodWalk = { prefix, steps: 0 };
  walks.push(log);
  const origin = model.newState();
  for (const id of arg.binding.ids(prefix)) {
    feed(model, origin, [id], log.steps);
    log.steps++;
    yield;
  }
  const entry = model.newState();
  const walk = brent(model, origin, arg.one, prefix.length, entry);
  for (;;) {
    const r = walk.next();
    if (r.done) {
      log.repeat = r.value;
      return { log, repeat: r.value, entry };
    }
    log.steps++;
    yield;
  }
}

/** The model's labels on prefix 1^(start+k), k = 0..P-1: its answers on every prefix 1^t with t >= start. */
function* cycleLabels(arg: StateRepeat, w: Walked): Generator<void, string[], void> {
  const { model } = arg;
  const state = Float64Array.from(w.entry);
  const labels: string[] = [];
  for (let k = 0; k < w.repeat.length; k++) {
    labels.push(model.labels[model.readout(state)]!);
    model.step(state, arg.one, w.log.prefix.length + w.repeat.start + k);
    w.log.steps++;
    yield;
  }
  return labels;
}

/**
 * The pair whose wrong input is prefix 1^t, when t >= start, the model errs there and a partner t - P (preferred,
 * shorter) or t + P fits: every input has 1..MAX_N tokens.
 */
function pairAt(
  arg: StateRepeat,
  prefix: readonly string[],
  repeat: Repeat,
  labels: readonly string[],
  t: number,
): Outcome | undefined {
  const { start, length } = repeat;
  const fits = (ones: number) => ones >= start && prefix.length + ones >= 1 && prefix.length + ones <= MAX_N;
  if (!fits(t)) return undefined;
  const ones = prefix.filter((x) => x === "1").length + t;
  if (labels[(t - start) % length] !== String(ones % arg.modulus)) {
    if (fits(t - length)) return { kind: "pair", prefix, ones: [t - length, t], wrong: 1, repeat };
    if (fits(t + length)) return { kind: "pair", prefix, ones: [t, t + length], wrong: 0, repeat };
  }
  return undefined;
}

/** The pair on 1^t whose wrong input's length is nearest n (the larger on a tie). */
function nearest(arg: StateRepeat, repeat: Repeat, labels: readonly string[], n: number): Outcome | undefined {
  for (let d = 1; n + d <= MAX_N || n - d >= repeat.start; d++) {
    const found = pairAt(arg, [], repeat, labels, n + d) ?? pairAt(arg, [], repeat, labels, n - d);
    if (found) return found;
  }
  return undefined;
}
