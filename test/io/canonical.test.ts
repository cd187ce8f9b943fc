import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalSha256, sha256Hex } from "../../src/io/canonical.js";

/** The same value with every object's keys in a shuffled order. */
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, random));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, shuffleKeys(v, random)] as const);
    for (let i = entries.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return Object.fromEntries(entries);
  }
  return value;
}

describe("canonicalJson", () => {
  it("sorts keys recursively, keeps array order, writes no whitespace", () => {
    expect(canonicalJson({ b: [3, 1, { d: 1, c: 2 }], a: "x y" })).toBe('{"a":"x y","b":[3,1,{"c":2,"d":1}]}');
  });

  it("writes numbers in shortest round-trip form and -0 as 0", () => {
    expect(canonicalJson([0.1, 1e21, 1e-7, -0, 5e-324, 123456789012345680000])).toBe(
      "[0.1,1e+21,1e-7,0,5e-324,123456789012345680000]",
    );
  });

  it("leaves out undefined properties, so an absent optional field hashes like an undefined one", () => {
    expect(canonicalJson({ a: 1, name: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it("refuses values JSON cannot hold", () => {
    for (const bad of [Infinity, NaN, [1, undefined], [1, NaN], [1, , 2], 10n, () => 1]) {
      expect(() => canonicalJson(bad)).toThrow(TypeError);
    }
  });

  it("is independent of key order, and parses back to itself (seeded)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        let state = seed >>> 0; // a small LCG: the shuffle is a pure function of the generated seed
        const random = (): number => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
        const text = canonicalJson(value);
        expect(canonicalJson(shuffleKeys(value, random))).toBe(text);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe("canonicalSha256", () => {
  it("is the SHA-256 of canonicalJson, hashed piece by piece (seeded)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalSha256(value)).toBe(sha256Hex(canonicalJson(value)));
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it("hashes text longer than one piece handed to the hash (a model's matrices)", () => {
    const row = (i: number) => Array.from({ length: 64 }, (_, j) => Math.fround(Math.sin(i * 64 + j)) / 7);
    const model = { name: "é", weights: Array.from({ length: 600 }, (_, i) => row(i)), bias: [-0, 1e-7, 5e-324] };
    const text = canonicalJson(model);
    expect(text.length).toBeGreaterThan(4 * 65536);
    expect(canonicalSha256(model)).toBe(sha256Hex(text));
    expect(text).toContain('"bias":[0,1e-7,5e-324]');
  });
});

describe("sha256Hex", () => {
  it("matches the standard test vectors", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("hashes the UTF-8 bytes", () => {
    expect(sha256Hex("é")).toBe(sha256Hex(Buffer.from([0xc3, 0xa9]).toString("utf8")));
  });
});
