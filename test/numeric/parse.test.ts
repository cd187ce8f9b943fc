import { describe, expect, it } from "vitest";
import { FORMAT_NAMES_HELP, parseFormat } from "../../src/numeric/parse.js";
import { bfloat16, float16, float32, float64 } from "../../src/numeric/ieee.js";
import { fixedFormat } from "../../src/numeric/fixed.js";
import { CcboundError } from "../../src/errors.js";

describe("parseFormat", () => {
  it("accepts the IEEE names and returns the shared instances", () => {
    expect(parseFormat("float64")).toBe(float64);
    expect(parseFormat("float32")).toBe(float32);
    expect(parseFormat("float16")).toBe(float16);
    expect(parseFormat("bfloat16")).toBe(bfloat16);
  });

  it("accepts fixed:I.F, fixed:I.F:floor (canonicalised to fixed:I.F) and fixed:I.F:nearest, caching instances", () => {
    const floor = parseFormat("fixed:3.4");
    expect(floor.name).toBe("fixed:3.4");
    expect(floor.bits).toBe(8);
    expect(parseFormat("fixed:3.4:floor")).toBe(floor);
    expect(parseFormat("fixed:3.4")).toBe(floor);
    expect(floor).toBe(fixedFormat(3, 4));
    const nearest = parseFormat("fixed:3.4:nearest");
    expect(nearest.name).toBe("fixed:3.4:nearest");
    expect(nearest).not.toBe(floor);
    expect(parseFormat("fixed:0.52").bits).toBe(53);
    expect(parseFormat("fixed:0.0").bits).toBe(1);
    expect(parseFormat("fixed:26.26:nearest").name).toBe("fixed:26.26:nearest");
  });

  it.each([
    "",
    "float8",
    "Float32",
    "float32 ",
    " float16",
    "fixed",
    "fixed:",
    "fixed:1",
    "fixed:1.",
    "fixed:.2",
    "fixed:-1.2",
    "fixed:1.2:",
    "fixed:1.2:up",
    "fixed:1.2.3",
    "fixed:0.53",
    "fixed:30.30",
    "fixed:100.1",
    "fixed:1e1.2",
    "int8",
  ])("rejects %j with a CcboundError invalid-format that lists the accepted names", (name) => {
    let error: unknown;
    try {
      parseFormat(name, "/format");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CcboundError);
    const e = error as CcboundError;
    expect(e.code).toBe("invalid-format");
    expect(e.where).toBe("/format");
    expect(e.hint).toContain(FORMAT_NAMES_HELP);
    expect(e.oneLine()).toContain(JSON.stringify(name));
  });
});
