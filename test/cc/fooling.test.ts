import { describe, expect, it } from "vitest";
import { BitString } from "../../src/cc/bits.js";
import { crossedError, oneWayError } from "../../src/cc/fooling.js";
import { oneWay, run, type Protocol } from "../../src/cc/protocol.js";
import { disjProblem, eqProblem, indexProblem, type Bits } from "../../src/cc/problems.js";
import { transcriptBits } from "../../src/cc/transcript.js";

describe("problems and their fooling sets (exhaustive for n <= 5)", () => {
  for (const make of [eqProblem, disjProblem]) {
    it(`${make(1).name}: f = value on the set, and every distinct pair has a crossing with f != value`, () => {
      for (let n = 1; n <= 5; n++) {
        const p = make(n);
        const fs = p.foolingSet;
        if (fs.kind !== "two-way") throw new Error("expected a two-way fooling set");
        expect(fs.size).toBe(1n << BigInt(n));
        expect(p.bound.bits).toBe(n);
        const elements = Array.from({ length: Number(fs.size) }, (_, i) => fs.at(BigInt(i)));
        for (const e of elements) expect(p.evaluate(e[0], e[1])).toBe(fs.value);
        for (let i = 0; i < elements.length; i++)
          for (let j = i + 1; j < elements.length; j++) {
            const [x, y] = fs.cross(elements[i]!, elements[j]!);
            expect(p.evaluate(x, y)).not.toBe(fs.value);
          }
      }
    });
  }

  it("DISJ is 1 when the sets intersect (the paper's convention)", () => {
    const d = disjProblem(3);
    expect(d.evaluate(Uint8Array.of(1, 0, 0), Uint8Array.of(1, 1, 0))).toBe(1);
    expect(d.evaluate(Uint8Array.of(1, 0, 0), Uint8Array.of(0, 1, 1))).toBe(0);
  });

  it("INDEX: every pair of Alice strings has a position that tells them apart", () => {
    for (let n = 1; n <= 5; n++) {
      const p = indexProblem(n);
      const fs = p.foolingSet;
      if (fs.kind !== "one-way") throw new Error("expected a one-way fooling set");
      for (let i = 0n; i < fs.size; i++)
        for (let j = i + 1n; j < fs.size; j++) {
          const y = fs.distinguish(fs.at(i), fs.at(j));
          expect(p.evaluate(fs.at(i), y)).not.toBe(p.evaluate(fs.at(j), y));
        }
    }
  });
});

/** A cheating EQ protocol: Alice sends only her first k bits. */
const firstBits = (k: number): Protocol<Bits, Bits, 0 | 1> =>
  oneWay(
    "prefix",
    (x) => BitString.fromBits(x.subarray(0, k)),
    (m, y) => (m.equals(BitString.fromBits(y.subarray(0, k))) ? 1 : 0),
  );

describe("the fooling-set lemma as code", () => {
  it("a collision of EQ's fooling set under a (n-1)-bit protocol yields a crossed input it gets wrong", () => {
    const n = 6;
    const eq = eqProblem(n);
    const fs = eq.foolingSet;
    if (fs.kind !== "two-way") throw new Error("two-way");
    const protocol = firstBits(n - 1);
    const seen = new Map<string, readonly [Bits, Bits]>();
    let found = false;
    for (let i = 0n; i < fs.size && !found; i++) {
      const e = fs.at(i);
      const key = transcriptBits(run(protocol, e[0], e[1]).transcript).key();
      const other = seen.get(key);
      if (other) {
        const err = crossedError(eq, fs, protocol, other, e);
        expect(err.run.output).not.toBe(eq.evaluate(err.x, err.y));
        expect(i).toBeLessThanOrEqual(2n ** BigInt(n - 1)); // pigeonhole: 2^(n-1) + 1 elements suffice
        found = true;
      }
      seen.set(key, e);
    }
    expect(found).toBe(true);
  });

  it("DISJ: the lemma picks the crossing that intersects", () => {
    const d = disjProblem(4);
    const fs = d.foolingSet;
    if (fs.kind !== "two-way") throw new Error("two-way");
    // A protocol that ignores everything: every pair collides.
    const constant: Protocol<Bits, Bits, 0 | 1> = { kind: "output", value: 0 };
    const err = crossedError(d, fs, constant, fs.at(3n), fs.at(12n));
    expect(d.evaluate(err.x, err.y)).toBe(1);
    expect(err.run.output).toBe(0);
  });

  it("a protocol wrong on a fooling-set element itself is refuted on that element", () => {
    const eq = eqProblem(3);
    const fs = eq.foolingSet;
    if (fs.kind !== "two-way") throw new Error("two-way");
    const constantZero: Protocol<Bits, Bits, 0 | 1> = { kind: "output", value: 0 };
    const err = crossedError(eq, fs, constantZero, fs.at(1n), fs.at(2n));
    expect(err.x).toEqual(fs.at(1n)[0]);
    expect(err.y).toEqual(fs.at(1n)[1]);
    expect(eq.evaluate(err.x, err.y)).toBe(1);
    expect(err.run.output).toBe(0);
  });

  it("refuses elements whose transcripts differ", () => {
    const eq = eqProblem(3);
    const fs = eq.foolingSet;
    if (fs.kind !== "two-way") throw new Error("two-way");
    expect(() => crossedError(eq, fs, firstBits(3), fs.at(1n), fs.at(2n))).toThrow(/different transcripts/);
  });

  it("INDEX one-way: two strings with one message give an error on the position that tells them apart", () => {
    const idx = indexProblem(5);
    const fs = idx.foolingSet;
    if (fs.kind !== "one-way") throw new Error("one-way");
    // Alice sends her first 4 bits: strings that differ only in the last bit collide.
    const protocol: Protocol<Bits, number, 0 | 1> = oneWay(
      "prefix",
      (a) => BitString.fromBits(a.subarray(0, 4)),
      (m, i) => (i < 4 ? (Number(m.readCode(i, 1)) as 0 | 1) : 0),
    );
    const err = oneWayError(idx, fs, protocol, fs.at(0b10110n), fs.at(0b10111n));
    expect(err.y).toBe(4);
    expect(err.run.output).not.toBe(idx.evaluate(err.x, err.y));
  });
});
