import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locateJsonError } from "../../src/io/json-locate.js";
import { parseJsonText } from "../../src/io/json-text.js";
import { errorOf } from "./expect-error.js";

describe("locateJsonError", () => {
  it.each([
    ['{"a":}', 1, 6, 'unexpected "}", expected a value'],
    ["[1,2", 1, 5, 'unexpected end of input, expected "," or "]"'],
    ['{"a" 1}', 1, 6, 'unexpected "1", expected ":"'],
    ["[1,]", 1, 4, 'unexpected "]", expected a value'],
    ['{"a":1,}', 1, 8, 'unexpected "}", expected a property name in double quotes'],
    ["tru", 1, 4, 'unexpected end of input, expected "true"'],
    ["[01]", 1, 3, 'unexpected "1", expected "," or "]"'],
    ['{"a":1}x', 1, 8, 'unexpected "x", expected end of input'],
    ["", 1, 1, "unexpected end of input, expected a value"],
    ["[1.]", 1, 4, 'unexpected "]", expected a digit'],
    ['"\\q"', 1, 3, 'unexpected "q", expected an escape character'],
    ['{\n  "a": [1,\n    2\n  }', 4, 3, 'unexpected "}", expected "," or "]"'],
    ["[NaN]", 1, 2, 'unexpected "N", expected a value'],
  ])("%j -> line %i, column %i", (text, line, column, message) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(locateJsonError(text)).toMatchObject({ line, column, message });
  });

  it("finds nothing wrong in valid JSON", () => {
    for (const text of ["0", "-0.5e-3", '"\\u00e9\\n"', " [ ] ", '{"a":[{"b":null}],"c":true}', "1E+2"]) {
      expect(locateJsonError(text)).toBeUndefined();
    }
  });

  it("handles deep nesting without recursion", () => {
    expect(locateJsonError(`${"[".repeat(100_000)}1${"]".repeat(99_999)}`)?.message).toBe(
      'unexpected end of input, expected "," or "]"',
    );
  });

  // Differential test against V8: break valid JSON texts by one edit; the locator must fail exactly when JSON.parse does,
  // at the position V8 names when it names one.
  it("agrees with JSON.parse on one-edit corruptions of random JSON (seeded)", () => {
    const edit = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom("delete", "insert", "replace"),
      char: fc.constantFrom(...'{}[],:"\\0123456789.eE+-tfnul x\n\u0001'),
    });
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), edit, (json, e) => {
        const at = e.at % (json.length + 1);
        const broken =
          e.kind === "delete"
            ? json.slice(0, at) + json.slice(at + 1)
            : json.slice(0, at) + e.char + json.slice(e.kind === "insert" ? at : at + 1);
        let v8: SyntaxError | undefined;
        try {
          JSON.parse(broken);
        } catch (error) {
          v8 = error as SyntaxError;
        }
        const located = locateJsonError(broken);
        expect(located === undefined).toBe(v8 === undefined);
        const position = v8 && /at position (\d+)/.exec(v8.message)?.[1];
        if (position !== undefined) expect(located?.offset).toBe(Number(position));
      }),
      { seed: 20240613, numRuns: 3000 },
    );
  });
});

describe("parseJsonText", () => {
  it("returns the value", () => {
    expect(parseJsonText('{"a":[1,2]}', "x.json")).toEqual({ a: [1, 2] });
  });

  it("malformed JSON is one line with the position", () => {
    const error = errorOf(() => parseJsonText('{\n"a": [1,\n2,,3]}', "x.json"));
    expect(error.code).toBe("malformed-json");
    expect(error.oneLine()).toBe('x.json: malformed JSON at line 3, column 3: unexpected ",", expected a value');
  });
});
