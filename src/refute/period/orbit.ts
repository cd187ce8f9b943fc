import type { RecurrentModel } from "../../models/model.js";

/** Where an orbit repeats: s_start = s_(start+length), both the least such (the tail's length and the cycle's). */
export interface Repeat {
  readonly start: number;
  readonly length: number;
}

/**
 * Brent's cycle detection on the orbit s_0 = origin, s_(t+1) = step(s_t, token) of a time-invariant model: the least
 * start mu and the least period P with s_mu = s_(mu+P), in O(1) states of memory and at most 4(mu + P) + 1 steps
 * (Brent 1980: the first phase ends once the tortoise, moved to s_(2^k - 1), is on the cycle and 2^k >= P, after
 * 2^k - 1 + P <= 2 max(mu + 1, P) - 1 + P steps; the second takes P + 2 mu). A generator: each `yield` is one
 * model step, so a feed can run it a budget's share at a time; it returns the repeat and leaves s_start in `entry`.
 * States are equal when every value is (Object.is: NaN equals NaN, +0 is not -0), which is equality of their exact
 * codes in every number format.
 */
export function* brent(
  model: RecurrentModel,
  origin: Float64Array,
  token: number,
  /** The position of the orbit's first token (the prefix's length): the step is told it, though it does not read it. */
  position: number,
  entry: Float64Array,
): Generator<void, Repeat, void> {
  const step = (s: Float64Array, t: number) => model.step(s, token, position + t);
  // Phase 1: the tortoise waits at s_(2^k - 1) while the hare runs up to 2^k steps ahead; they meet once 2^k >= P
  // and the tortoise is on the cycle. The distance then is the period.
  const tortoise = Float64Array.from(origin);
  const hare = Float64Array.from(origin);
  let t = 0; // the hare's index
  step(hare, t++);
  yield;
  let power = 1;
  let length = 1;
  while (!same(tortoise, hare)) {
    if (power === length) {
      tortoise.set(hare);
      power *= 2;
      length = 0;
    }
    step(hare, t++);
    yield;
    length++;
  }
  // Phase 2: two walkers `length` apart from s_0 meet first at s_start.
  tortoise.set(origin);
  hare.set(origin);
  for (let k = 0; k < length; k++) {
    step(hare, k);
    yield;
  }
  let start = 0;
  while (!same(tortoise, hare)) {
    step(tortoise, start);
    yield;
    step(hare, start + length);
    yield;
    start++;
  }
  entry.set(tortoise);
  return { start, length };
}

export function same(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
