import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BitString } from "../../src/cc/bits.js";
import { comap, oneWay, run, swap, type Protocol } from "../../src/cc/protocol.js";
import { bitsOf, eqProblem, type Bits } from "../../src/cc/problems.js";

const SEED = 20241127;
const bitsArb = (n: number) => fc.uint8Array({ minLength: n, maxLength: n, min: 0, max: 1 });

/** The trivial EQ protocol: Alice sends x, Bob compares. */
const sendAll: Protocol<Bits, Bits, 0 | 1> = oneWay(
  "x",
  (x) => BitString.fromBits(x),
  (m, y) => (m.equals(BitString.fromBits(y)) ? 1 : 0),
);

/** A two-round protocol: Alice sends her first bit, Bob answers with his, Alice outputs their AND. */
const andFirst: Protocol<Bits, Bits, 0 | 1> = {
  kind: "alice",
  label: "x0",
  send: (x) => BitString.fromBits([x[0]!]),
  next: (m) => ({
    kind: "bob",
    label: "y0",
    send: (y) => BitString.fromBits([y[0]!]),
    next: (r) => ({ kind: "output", value: (m.value & r.value) === 1n ? 1 : 0 }),
  }),
};

describe("BitString", () => {
  it("fromCodes and toCodes are inverse, and the length is the sum of widths", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { maxLength: 10 }),
        (w, raw) => {
          const codes = raw.map((c) => c & ((1n << BigInt(w)) - 1n));
          const b = BitString.fromCodes(codes, w);
          expect(b.length).toBe(w * codes.length);
          if (codes.length > 0) expect(b.toCodes(w)).toEqual(codes);
        },
      ),
      { seed: SEED },
    );
  });

  it("keys are equal exactly when bit strings are equal (leading zeros count)", () => {
    expect(BitString.fromBits([0, 1]).key()).not.toBe(BitString.fromBits([1]).key());
    expect(BitString.fromBits([0, 0, 0, 0, 1]).key()).toBe(BitString.fromCode(1n, 5).key());
    expect(BitString.fromBits([1, 0, 1]).toString()).toBe("101");
    expect(() => BitString.fromCode(4n, 2)).toThrow(RangeError);
  });
});

describe("protocols", () => {
  it("run counts the bits of every message (send-all EQ on all inputs with n <= 4)", () => {
    for (let n = 1; n <= 4; n++) {
      const eq = eqProblem(n);
      for (let i = 0n; i < 1n << BigInt(n); i++)
        for (let j = 0n; j < 1n << BigInt(n); j++) {
          const r = run(sendAll, bitsOf(i, n), bitsOf(j, n));
          expect(r.output).toBe(eq.evaluate(bitsOf(i, n), bitsOf(j, n)));
          expect(r.cost).toBe(n);
          expect(r.transcript).toHaveLength(1);
        }
    }
  });

  it("comap keeps every transcript and the cost (lemma comap_complexity)", () => {
    fc.assert(
      fc.property(bitsArb(6), bitsArb(6), (x, y) => {
        const rev = (b: Bits) => b.slice().reverse();
        const pulled = comap(sendAll, rev, rev);
        const a = run(pulled, x, y);
        const b = run(sendAll, rev(x), rev(y));
        expect(a.output).toBe(b.output);
        expect(a.cost).toBe(b.cost);
        expect(a.transcript.map((m) => m.bits.key())).toEqual(b.transcript.map((m) => m.bits.key()));
      }),
      { seed: SEED },
    );
  });

  it("swap keeps the answer and the cost, with the senders exchanged (lemma swap_run)", () => {
    fc.assert(
      fc.property(bitsArb(3), bitsArb(3), (x, y) => {
        for (const p of [sendAll, andFirst]) {
          const a = run(p, x, y);
          const b = run(swap(p), y, x);
          expect(b.output).toBe(a.output);
          expect(b.cost).toBe(a.cost);
          expect(b.transcript.map((m) => m.from)).toEqual(
            a.transcript.map((m) => (m.from === "alice" ? "bob" : "alice")),
          );
        }
      }),
      { seed: SEED },
    );
  });

  it("a two-round protocol interleaves senders and ends at a shared output", () => {
    const r = run(andFirst, Uint8Array.of(1), Uint8Array.of(1));
    expect(r.output).toBe(1);
    expect(r.transcript.map((m) => m.from)).toEqual(["alice", "bob"]);
    expect(r.cost).toBe(2);
  });
});
