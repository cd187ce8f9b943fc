import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/io/atomic-write.js";
import { errorOf } from "./expect-error.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ccbound-atomic-"));
});

describe("writeFileAtomic", () => {
  it("writes the data and leaves no temporary file", () => {
    const path = join(dir, "out.json");
    writeFileAtomic(path, "hello\n");
    expect(readFileSync(path, "utf8")).toBe("hello\n");
    expect(readdirSync(dir)).toEqual(["out.json"]);
  });

  it("replaces an existing file whole", () => {
    const path = join(dir, "out.json");
    writeFileSync(path, "old contents, longer than the new ones");
    writeFileAtomic(path, new Uint8Array([110, 101, 119]));
    expect(readFileSync(path, "utf8")).toBe("new");
    expect(readdirSync(dir)).toEqual(["out.json"]);
  });

  it("writes large data completely", () => {
    const path = join(dir, "big.txt");
    const data = "x".repeat(5_000_000);
    writeFileAtomic(path, data);
    expect(readFileSync(path, "utf8")).toBe(data);
  });

  it("a missing directory is an io error naming the path, and nothing is created", () => {
    const path = join(dir, "missing", "out.json");
    const error = errorOf(() => writeFileAtomic(path, "x"));
    expect(error.code).toBe("io");
    expect(error.oneLine()).toBe(`${path}: cannot write: no such file or directory`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("when the rename fails, the temporary file is removed and the target is untouched", () => {
    const path = join(dir, "target");
    mkdirSync(path); // renaming a file over a directory fails
    writeFileSync(join(path, "inside"), "keep");
    const error = errorOf(() => writeFileAtomic(path, "x"));
    expect(error.code).toBe("io");
    expect(error.where).toBe(path);
    expect(readdirSync(dir)).toEqual(["target"]);
    expect(readdirSync(path)).toEqual(["inside"]);
  });
});
