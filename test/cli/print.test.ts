/**
 * The class of hole: text from a file reaching the terminal raw (ESC sequences, CR, NUL, bidi overrides) or an error
 * "line" of megabytes. One escaping function serves every printer; one cap serves every error line.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorLine, MAX_ERROR_LINE } from "../../src/cli/main.js";
import { escapeForTerminal, jsonText } from "../../src/cli/print.js";

const UNSAFE = [
  "\u0000",
  "\u0007",
  "\b",
  "\r",
  "\n",
  "\t",
  "\u001b",
  "\u007f",
  "\u009b",
  "\u202e",
  "\u2066",
  "\u200b",
  "\u2028",
  "\ufeff",
];

describe("escapeForTerminal", () => {
  it.each(UNSAFE)("escapes %j", (c) => {
    const out = escapeForTerminal(`a${c}b`);
    expect(out).toBe(`a\\u{${c.codePointAt(0)!.toString(16).padStart(4, "0")}}b`);
  });

  it("keeps newlines and tabs in multi-line text, and leaves ordinary text (accents, CJK, emoji) alone", () => {
    expect(escapeForTerminal("a\nb\tc\u001b", true)).toBe("a\nb\tc\\u{001b}");
    for (const s of ["é ü ß", "日本語", "🙂", "( [ ] )", "@12"]) expect(escapeForTerminal(s)).toBe(s);
  });

  it("no unsafe character survives, for any string (seeded)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(escapeForTerminal(s)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});

describe("jsonText", () => {
  it("is the same JSON value, with what JSON.stringify leaves raw escaped (seeded)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: "binary" }), (v, s) => {
        const value = { v, s };
        const text = jsonText(value);
        expect(text).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 8, numRuns: 1000 },
    );
  });

  it("writes NaN and the infinities as strings, not as null", () => {
    expect(JSON.parse(jsonText({ a: NaN, b: [Infinity, -Infinity, 1], c: 5n }))).toEqual({
      a: "NaN",
      b: ["Infinity", "-Infinity", 1],
      c: "5",
    });
  });
});

describe("errorLine", () => {
  it(`caps a line at ${MAX_ERROR_LINE} characters, saying how long it was`, () => {
    const line = errorLine("x".repeat(1_400_000));
    expect(line).toHaveLength(MAX_ERROR_LINE);
    expect(line).toMatch(/^ccbound: x+ \.\.\. \(cut here: 1400009 characters in all\)$/);
    expect(errorLine("short")).toBe("ccbound: short");
  });

  it("escapes before it counts: a newline in a message cannot start a second line", () => {
    expect(errorLine("a\nccbound: valid")).toBe("ccbound: a\\u{000a}ccbound: valid");
  });
});
