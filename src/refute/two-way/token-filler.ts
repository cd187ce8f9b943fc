import type { Binding } from "../../reductions/bind.js";
import type { TwoWayFamily } from "../../reductions/two-way-family.js";
import { Rng } from "../../random.js";
import { randomBelow } from "../draws.js";
import { indexOf, pointOf, wordsFor } from "../rho/points.js";

/*
 * A walk visits millions of fooling-set elements, so their token ids are filled into a buffer without strings when
 * the family allows it.
 */

/** Fills the token ids of the element at a point (a buffer of the task's input length). */
export type FillTokens = (point: Uint32Array, ids: Int32Array) => void;

/**
 * Token ids of the element at a point. When every position's token depends on at most one bit of the index (EQ's
 * (x, x), DISJ's (x, not x)), a table of (bit, token for 0, token for 1) per position is read off the family by
 * probing the elements 0 and 2^k, and confirmed on sample elements; otherwise each point goes through
 * family.element (strings; slower, and the answer is the same).
 */
export function tokenFiller(family: TwoWayFamily, binding: Binding, bits: number): FillTokens {
  const table = bitTable(family, binding, bits);
  if (table && confirmed(table, family, binding, bits)) return table.fill;
  return (point, ids) => ids.set(binding.ids(family.element(indexOf(point))));
}

interface BitTable {
  fill: FillTokens;
}

function bitTable(family: TwoWayFamily, binding: Binding, bits: number): BitTable | undefined {
  const zero = binding.ids(family.element(0n));
  const n = zero.length;
  const one = zero.slice();
  const bitAt = new Int32Array(n).fill(-1);
  for (let k = 0; k < bits; k++) {
    const ids = binding.ids(family.element(1n << BigInt(k)));
    for (let p = 0; p < n; p++) {
      if (ids[p] === zero[p]) continue;
      if (bitAt[p] !== -1) return undefined;
      bitAt[p] = k;
      one[p] = ids[p]!;
    }
  }
  return {
    fill(point, ids) {
      for (let p = 0; p < n; p++) {
        const k = bitAt[p]!;
        ids[p] = k < 0 || ((point[k >>> 5]! >>> (k & 31)) & 1) === 0 ? zero[p]! : one[p]!;
      }
    },
  };
}

/** The table gives family.element's tokens on sample elements (fixed seed: the check is the same every run). */
function confirmed(table: BitTable, family: TwoWayFamily, binding: Binding, bits: number): boolean {
  const rng = new Rng(0x70696e74);
  const words = wordsFor(bits);
  const ids = new Int32Array(binding.ids(family.element(0n)).length);
  for (let s = 0; s < 16; s++) {
    const index = randomBelow(rng, family.size);
    table.fill(pointOf(index, words), ids);
    const expected = binding.ids(family.element(index));
    if (!expected.every((t, p) => t === ids[p])) return false;
  }
  return true;
}
