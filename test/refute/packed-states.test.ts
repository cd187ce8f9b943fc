import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/models/compile.js";
import type { RecurrentModel } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import type { RecurrentModelSpec } from "../../src/models/spec.js";
import { DigestTable } from "../../src/refute/feeds/digest-table.js";
import { PackedStates, statePacking } from "../../src/refute/one-way/packed-states.js";

const SEED = 4242;
const FORMATS = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "fixed:2.5",
  "fixed:4.11:nearest",
  "fixed:1.0",
  "fixed:20.30",
];

/** Token ids from a seed. */
function tokens(length: number, vocab: number, seed: number): Int32Array {
  let s = seed >>> 0;
  return Int32Array.from({ length }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) % vocab);
}

function model(arch: "lstm" | "gru" | "elman", format: string, hidden: number, seed: number): RecurrentModel {
  const spec = randomModel({ arch, hidden, layers: 1, format, vocab: ["a", "b", "c"], labels: ["0", "1"], seed });
  return compileModel(spec as RecurrentModelSpec) as RecurrentModel;
}

/** The states a model reaches on a seeded input, each copied. */
function statesOf(m: RecurrentModel, count: number, seed: number): Float64Array[] {
  const ids = tokens(count, m.vocab.length, seed);
  const s = m.newState();
  return Array.from(ids, (id, t) => {
    m.step(s, id, t);
    return s.slice(0, m.stateUnits);
  });
}

describe("kept states packed at their encoded size", () => {
  it("every format: a state read back is the one written, bit for bit, at every place of a stretch", () => {
    const failures: string[] = [];
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.constantFrom("lstm" as const, "gru" as const, "elman" as const),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (format, arch, hidden, seed) => {
          const m = model(arch, format, hidden, seed);
          const states = statesOf(m, 40, seed);
          const packing = statePacking(m);
          const store = new PackedStates(packing, 7);
          let stretch = store;
          // Written out of order, grown half-way: what a partition's stretch sees.
          const order = [3, 0, 6, 1, 5, 2, 4];
          for (const [n, i] of order.entries()) {
            if (n === 4) stretch = stretch.grown(40);
            stretch.write(i, states[i]!);
          }
          for (let i = 7; i < 40; i++) stretch.write(i, states[i]!);
          const out = new Float64Array(m.stateUnits);
          for (let i = 0; i < 40; i++) {
            stretch.read(i, out);
            const want = states[i]!;
            if (!Array.from(out).every((v, j) => Object.is(v, want[j]) || (v !== v && want[j] !== want[j])))
              failures.push(
                `${arch} ${format} hidden=${hidden} seed=${seed} state ${i}: ${Array.from(out)} vs ${Array.from(want)}`,
              );
          }
        },
      ),
      { seed: SEED, numRuns: 120 },
    );
    expect(failures, `seed ${SEED}`).toEqual([]);
  });

  it("a state costs its encoded bits: U p bits (float32 and float64 exactly; the bit stream to the word)", () => {
    for (const format of FORMATS) {
      const m = model("lstm", format, 3, 1);
      const packing = statePacking(m);
      expect(packing.bits, format).toBe(m.stateUnits * m.unitBits);
      const store = new PackedStates(packing, 1000);
      expect(store.byteLength, format).toBe(Math.ceil((1000 * packing.bits) / 32) * 4);
      expect(store.byteLength / 1000, format).toBeLessThanOrEqual(Math.ceil(packing.bits / 8) + 0.004);
    }
  });

  it("the codes lane holds every value of a fixed format, its ends and -2^-F included", () => {
    const m = model("elman", "fixed:3.4", 2, 3);
    const store = new PackedStates(statePacking(m), 300);
    const values = Array.from({ length: 256 }, (_, k) => (k - 128) / 16);
    for (let i = 0; i < 128; i++) store.write(i, Float64Array.of(values[2 * i]!, values[2 * i + 1]!));
    const out = new Float64Array(2);
    for (let i = 0; i < 128; i++) {
      store.read(i, out);
      expect([out[0], out[1]]).toEqual([values[2 * i], values[2 * i + 1]]);
    }
  });
});

describe("the dedup walk's digest table", () => {
  const digest = (i: number, spread: number): [number, number] => [Math.imul(i % spread, 0x85ebca6b) >>> 0, i % spread];

  it("finds the first earlier item with an equal message, past false alarms, at any size and growth", () => {
    for (const expected of [0, 10, 5000]) {
      const table = new DigestTable(expected);
      // Items 0..2999: digests repeat every 1000; messages equal when i = j mod 2000 (so the digest of 1000 + i is a
      // false alarm on i, and 2000 + i repeats i).
      const message = (i: number) => i % 2000;
      for (let i = 0; i < 3000; i++) {
        const found = table.findOrAdd(...digest(i, 1000), i, (j) => message(j) === message(i));
        expect(found, `expected ${expected}, item ${i}`).toBe(i < 2000 ? undefined : i - 2000);
        if (found !== undefined) break;
      }
      expect(table.falseAlarms).toBe(1000);
    }
  });

  it("sized for its items, an entry costs under 14 bytes", () => {
    const n = 100_000;
    const table = new DigestTable(n);
    for (let i = 0; i < n; i++) expect(table.findOrAdd(...digest(i, n), i, () => false)).toBeUndefined();
    expect(table.size).toBe(n);
    expect(table.byteLength / n).toBeLessThan(14);
  });

  it("refuses items out of order", () => {
    const table = new DigestTable(4);
    expect(() => table.findOrAdd(0, 1, 1, () => false)).toThrow(/in order/);
  });
});
