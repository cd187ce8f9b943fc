/** The class of hole: an output flag given a value that writes nothing, silently (`--cert ''`). */
import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { outputFile } from "../../src/cli/options.js";

describe("outputFile", () => {
  const parse = outputFile("--cert");
  it.each([
    ["", /--cert needs a file name, got an empty string/],
    ["out/", /got the directory "out\/"/],
    [".", /got the directory "\."/],
    ["..", /got the directory "\.\."/],
  ])("refuses %j", (raw, message) => {
    expect(() => parse(raw)).toThrow(InvalidArgumentError);
    expect(() => parse(raw)).toThrow(message);
  });

  it("takes any other name as it is", () => {
    for (const name of ["c.json", "certs/c.json", " spaced .json", "-dash.json"]) expect(parse(name)).toBe(name);
  });
});
