import type { RecurrentModel } from "../../models/model.js";
import { feed } from "../../models/model.js";
import { same, type Repeat } from "./orbit.js";

/**
 * Checks by running the model that the states of prefix 1^t (t = 0, 1, ...) first repeat at t = start with least
 * period `length`: s_start = s_(start+length), not s_(start-1) = s_(start-1+length) (else the repeat began earlier:
 * one equality at t passes to every later t by determinism), and s_start != s_(start+length/q) for each prime q of
 * the length (else the period is shorter). One walk of start + length steps; returns why not, or undefined.
 */
export function checkRepeat(
  model: RecurrentModel,
  prefix: Int32Array,
  one: number,
  repeat: Repeat,
): string | undefined {
  const { start, length } = repeat;
  if (!(Number.isSafeInteger(start) && start >= 0 && Number.isSafeInteger(length) && length >= 1))
    return `the repeat must start at a whole t >= 0 with a period >= 1, got start ${start}, period ${length}`;
  const wanted = new Set([start, start + length, ...primeFactors(length).map((q) => start + length / q)]);
  if (start > 0) wanted.add(start - 1).add(start - 1 + length);
  const at = new Map<number, Float64Array>();
  const state = feed(model, model.newState(), prefix);
  for (let t = 0; t <= start + length; t++) {
    if (wanted.has(t)) at.set(t, Float64Array.from(state));
    if (t < start + length) model.step(state, one, prefix.length + t);
  }
  const s = (t: number) => at.get(t)!;
  if (!same(s(start), s(start + length)))
    return `the state after ${start} ones differs from the state after ${start + length}: no repeat there`;
  if (start > 0 && same(s(start - 1), s(start - 1 + length)))
    return `the states already repeat from ${start - 1} ones, not first at ${start}`;
  const shorter = primeFactors(length).find((q) => same(s(start), s(start + length / q)));
  if (shorter !== undefined) return `the period is ${length / shorter} or less, not ${length}`;
  return undefined;
}

/** The distinct primes dividing n >= 1, by trial division (n is at most a few thousand here). */
export function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (let q = 2; q * q <= n; q++) {
    if (n % q !== 0) continue;
    out.push(q);
    while (n % q === 0) n /= q;
  }
  if (n > 1) out.push(n);
  return out;
}
