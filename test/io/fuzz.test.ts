/**
 * Whatever the input, the model reader throws nothing but CcboundError, and every error it throws is well formed
 * (one line, issues with JSON pointers). Fixed seeds: a failure names its seed and replays exactly.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { parseModelJson, validateModel } from "../../src/io/model-file.js";
import { ALL_MODELS, clone } from "./fixtures.js";

/** Runs `fn`; passes if it returns or throws a well-formed CcboundError, fails on anything else. */
function onlyCcboundErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof CcboundError)) throw error;
    expect(error.oneLine()).not.toMatch(/[\r\n]/);
    for (const issue of error.issues) {
      expect(issue.path).toMatch(/^(\/[^/]*)*$/);
      expect(issue.message).not.toMatch(/[\r\n]/);
    }
    if (error.code === "invalid-model") expect(error.issues.length).toBeGreaterThan(0);
  }
}

/** All paths into a JSON value (arrays and objects), as key lists. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...prefix, i])));
  if (value !== null && typeof value === "object") return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
  return here;
}

describe("parseModelJson never throws anything but CcboundError", () => {
  it("on random JSON texts", () => {
    fc.assert(fc.property(fc.json(), (text) => onlyCcboundErrors(() => parseModelJson(text, "fuzz.json"))), { seed: 1, numRuns: 1000 });
  });

  it("on random strings", () => {
    fc.assert(fc.property(fc.string(), (text) => onlyCcboundErrors(() => parseModelJson(text, "fuzz.json"))), { seed: 2, numRuns: 1000 });
  });

  it("on random values (validateModel)", () => {
    fc.assert(fc.property(fc.anything(), (value) => onlyCcboundErrors(() => validateModel(value, "fuzz"))), { seed: 3, numRuns: 1000 });
  });

  it("on random objects with the model's keys", () => {
    const keys = ["ccbound", "version", "arch", "format", "vocab", "labels", "embedding", "layers", "head", "states", "start", "transitions", "output", "cell", "hidden"];
    const value = fc.dictionary(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(fc.property(value, (v) => onlyCcboundErrors(() => validateModel({ ccbound: "model", version: 1, ...v }, "fuzz"))), { seed: 4, numRuns: 1000 });
  });

  // The shape checks read half-valid data; the dangerous inputs are valid models with one part broken.
  it("on valid models with one value replaced or removed", () => {
    const mutation = fc.record({
      model: fc.constantFrom(...Object.keys(ALL_MODELS)),
      pick: fc.nat(),
      replacement: fc.option(fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(0, -1, 1.5, 4097, 1e308, "", [], [[]], {}))),
    });
    fc.assert(
      fc.property(mutation, ({ model, pick, replacement }) => {
        const spec = clone(ALL_MODELS[model]!()) as unknown as Record<string, unknown>;
        const all = pathsOf(spec).filter((p) => p.length > 0);
        const path = all[pick % all.length]!;
        let parent: any = spec; // eslint-disable-line @typescript-eslint/no-explicit-any
        for (const key of path.slice(0, -1)) parent = parent[key];
        const last = path.at(-1)!;
        if (replacement === null) {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else parent[last] = replacement;
        onlyCcboundErrors(() => parseModelJson(JSON.stringify(spec), "fuzz.json"));
      }),
      { seed: 5, numRuns: 3000 },
    );
  });
});
