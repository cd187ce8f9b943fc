/**
 * The class of hole: JSON whose structure, not its size, is the attack (249 MB of `[[],[],...]` once took 6 GB and
 * minutes before its one-line error). Every structure limit is enforced while the text is scanned, names where it was
 * passed, and stops the scan there; duplicate keys, which JSON.parse resolves silently, are refused; "__proto__" stays
 * an ordinary key for the validators to refuse.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import * as z from "zod";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { JsonScanner, JsonSyntaxStop, locateJsonError } from "../../src/io/json-locate.js";
import { parseJsonText, readJsonFile } from "../../src/io/json-text.js";
import { DEFAULT_JSON_LIMITS, MODEL_JSON_LIMITS, type JsonLimits } from "../../src/io/limits.js";
import { parseModelJson } from "../../src/io/model-file.js";
import { validateWith } from "../../src/io/validate.js";
import { tempDir } from "../e2e/cli.js";
import { errorOf } from "./expect-error.js";
import { elmanModel } from "./fixtures.js";

const SMALL: JsonLimits = {
  kind: "test file",
  maxBytes: 1 << 20,
  maxDepth: 3,
  maxEntries: 4,
  maxValues: 12,
  maxNumbers: 6,
  maxStringChars: 5,
};

function tooLarge(text: string, limits: JsonLimits = SMALL): string {
  const e = errorOf(() => parseJsonText(text, "t.json", limits));
  expect(e.code).toBe("too-large");
  expect(e.hint).toMatch(/docs\/security\.md/);
  return e.oneLine();
}

describe("structure limits, each named with where it was passed", () => {
  it("depth", () => {
    expect(tooLarge('{"a":[[[1]]]}')).toBe(
      "t.json: arrays and objects nested more than 3 deep at /a/0/0: over the limit for a test file (the limits are in docs/security.md)",
    );
    expect(() => parseJsonText('{"a":[[1]]}', "t.json", SMALL)).not.toThrow();
  });

  it("entries of one array, keys of one object", () => {
    expect(tooLarge('{"w":[1,2,3,4,5]}')).toMatch(/^t\.json: an array of more than 4 entries at \/w: over the limit/);
    expect(tooLarge('{"a":1,"b":2,"c":3,"d":4,"e":5}')).toMatch(/an object of more than 4 keys at the top level/);
    expect(() => parseJsonText("[1,2,3,4]", "t.json", SMALL)).not.toThrow();
  });

  it("values in the whole text (containers count), and numbers", () => {
    expect(tooLarge(`[${new Array(12).fill("[]").join(",")}]`, { ...SMALL, maxEntries: 100 })).toMatch(
      /more than 12 JSON values \(the last at \/11\)/,
    );
    expect(tooLarge("[[1,2],[3,4],[5,6],[7]]")).toMatch(/more than 6 numbers \(the last at \/3\/0\)/);
  });

  it("the length of one string, and of one key", () => {
    expect(tooLarge('{"a":"abcdef"}')).toMatch(/a string of more than 5 characters at \/a/);
    expect(tooLarge('{"abcdef":1}')).toMatch(/a key of more than 5 characters in the object at the top level/);
    expect(tooLarge('["ab\\u0063de"]')).toMatch(/a string of more than 5 characters at \/0/); // escapes count as written
  });

  it("the model file's limits are what the format needs: a list far longer than MAX_TOKENS is refused by the scan", () => {
    const long = `{"vocab":[${new Array(2 ** 21 + 1).fill("0").join(",")}]}`;
    expect(tooLarge(long, { ...MODEL_JSON_LIMITS, maxValues: 2 ** 22, maxNumbers: 2 ** 22 })).toMatch(
      /an array of more than 2097152 entries at \/vocab: over the limit for a model file/,
    );
  });

  it("a file over a limit is not read to its end: 48 MB of [[],[],...] is refused after its first 2 Mi values, in well under a second", () => {
    const path = join(tempDir(), "empties.json");
    writeFileSync(path, `[${"[],".repeat(16 << 20)}[]]`);
    const started = Date.now();
    const e = errorOf(() => readJsonFile(path, DEFAULT_JSON_LIMITS));
    expect(e.code).toBe("too-large");
    expect(e.message).toMatch(/more than 2097152 JSON values/);
    expect(Date.now() - started).toBeLessThan(3000); // reading the whole file and JSON.parse take longer than this
  });
});

describe("duplicate keys are refused (JSON.parse would keep the last, silently)", () => {
  it.each([
    ['{"a":1,"a":2}', 1, 8, "the top level"],
    ['{"x":{"b":[],\n "b":{}}}', 2, 2, "/x"],
    ['{"a":1,"\\u0061":2}', 1, 8, "the top level"], // the same key, escaped
  ])("%j", (text, line, column, at) => {
    const e = errorOf(() => parseJsonText(text, "d.json"));
    expect(e.code).toBe("malformed-json");
    expect(e.oneLine()).toMatch(
      new RegExp(
        `^d\\.json: malformed JSON at line ${line}, column ${column}: key "[ab]" appears twice in the object at ${at.replace("/", "\\/")}`,
      ),
    );
  });

  it("the same key in two objects is fine", () => {
    expect(parseJsonText('[{"a":1},{"a":2}]', "d.json")).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe('"__proto__" is an ordinary own key, refused as an unknown field', () => {
  it("the parser keeps it as an own property, not as the prototype", () => {
    const v = parseJsonText('{"params":{"__proto__":{"polluted":1},"a":1}}', "p.json") as {
      params: Record<string, unknown>;
    };
    expect(Object.hasOwn(v.params, "__proto__")).toBe(true);
    expect(Object.keys(v.params)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(v.params)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("a strict object's validator sees it and names it", () => {
    const value = parseJsonText('{"n":1,"__proto__":{}}', "p.json");
    const e = errorOf(() =>
      validateWith(z.strictObject({ n: z.number() }), value, { code: "invalid-input", where: "p.json", what: "bad" }),
    );
    expect(e.issues.map((i) => [i.path, i.message])).toEqual([["/__proto__", 'unknown field "__proto__"']]);
  });

  it("in a model file", () => {
    const text = JSON.stringify(elmanModel()).replace(/^\{/, '{"__proto__":{"arch":"dfa"},');
    const e = errorOf(() => parseModelJson(text, "m.json"));
    expect(e.code).toBe("invalid-model");
    expect(e.issues.map((i) => i.path)).toContain("/__proto__");
  });
});

describe("the scanner reads in pieces exactly as in one piece", () => {
  /** What scanning gives: "ok", the syntax error's offset and message, or a CcboundError's line. */
  function outcome(feed: (s: JsonScanner) => void, limits: JsonLimits | undefined): string {
    const s = new JsonScanner(limits, "p.json");
    try {
      feed(s);
      s.end();
      return "ok";
    } catch (e) {
      if (e instanceof JsonSyntaxStop) return `${e.error.offset} ${e.error.line}:${e.error.column} ${e.error.message}`;
      if (e instanceof CcboundError) return e.oneLine();
      throw e;
    }
  }

  it("on random and corrupted JSON cut at random places, with and without limits (seeded)", () => {
    const textArb = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc
        .tuple(fc.json({ maxDepth: 3 }), fc.nat(), fc.constantFrom(...'{}[],:"\\0e.-tfn \n\u00e9\ud83d'))
        .map(([j, at, c]) => j.slice(0, at % (j.length + 1)) + c + j.slice(at % (j.length + 1))),
    );
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (text, cuts, limited) => {
        const limits = limited ? SMALL : undefined;
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((from, i) => text.slice(from, [...at, text.length][i]));
        const whole = outcome((s) => s.feed(text), limits);
        expect(outcome((s) => pieces.forEach((p) => s.feed(p)), limits)).toBe(whole);
        // without limits, the scan accepts exactly what JSON.parse accepts (duplicate keys aside)
        if (!limited && locateJsonError(text) === undefined) expect(() => JSON.parse(text)).not.toThrow();
      }),
      { seed: 20260613, numRuns: 2000 },
    );
  });
});

describe('"__proto__" in a record (which copies entries by assignment) is refused too', () => {
  it("at any depth, by its path, once", () => {
    const schema = z.strictObject({
      params: z.record(z.string(), z.number()),
      list: z.array(z.record(z.string(), z.string())),
    });
    const value = parseJsonText('{"params":{"__proto__":1,"n":2},"list":[{"a":"b"},{"__proto__":"x"}]}', "p.json");
    const e = errorOf(() => validateWith(schema, value, { code: "invalid-input", where: "p.json", what: "bad" }));
    expect(e.issues.map((i) => [i.path, i.message]).sort()).toEqual([
      ["/list/1/__proto__", 'unknown field "__proto__"'],
      ["/params/__proto__", 'unknown field "__proto__"'],
    ]);
  });
});

describe("messages show a short bad value as written", () => {
  it("an array and an object", () => {
    const schema = z.strictObject({ shape: z.number(), o: z.string() });
    const e = errorOf(() =>
      validateWith(schema, { shape: [-1, 2], o: { a: 1 } }, { code: "invalid-input", where: "v.json", what: "bad" }),
    );
    expect(e.issues.map((i) => i.message).sort()).toEqual([
      "expected a number, got [-1, 2]",
      'expected a string, got {"a":1}',
    ]);
  });
});
