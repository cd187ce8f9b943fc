/**
 * The class of hole: a command that writes over one of its inputs (`convert m.json m.json`, `merge --cert m.json`).
 * The same file is recognised by its resolved name, its real path and its device and inode.
 */
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { modelInputs, refuseOverwrite } from "../../src/io/overwrite.js";
import { tempDir } from "../e2e/cli.js";
import { errorOf } from "./expect-error.js";

const dir = tempDir();
const model = join(dir, "m.json");
writeFileSync(model, "{}");
const input = [{ path: model, role: "the model file" }];

describe("refuseOverwrite", () => {
  it("the same path, written another way", () => {
    mkdirSync(join(dir, "sub"));
    for (const out of [model, join(dir, "sub", "..", "m.json"), `${dir}//m.json`, relative(process.cwd(), model)]) {
      const e = errorOf(() => refuseOverwrite([{ path: out, role: "--cert" }], input));
      expect(e.code).toBe("invalid-flag");
      expect(e.where).toBe("--cert");
      expect(e.message).toMatch(/is the model file .*: writing it would overwrite an input of this command/);
    }
  });

  it("a symlink to the input, and a hard link of it", () => {
    symlinkSync(model, join(dir, "soft.json"));
    linkSync(model, join(dir, "hard.json"));
    for (const out of ["soft.json", "hard.json"])
      expect(() => refuseOverwrite([{ path: join(dir, out), role: "OUT" }], input)).toThrow(/would overwrite/);
  });

  it("two outputs that are one file", () => {
    const c = join(dir, "c.json");
    expect(() =>
      refuseOverwrite(
        [
          { path: c, role: "--cert" },
          { path: c, role: "--out" },
        ],
        input,
      ),
    ).toThrow(/c\.json is also where --cert writes/);
  });

  it("another file, existing or not, is fine", () => {
    writeFileSync(join(dir, "other.json"), "{}");
    expect(() => refuseOverwrite([{ path: join(dir, "other.json"), role: "OUT" }], input)).not.toThrow();
    expect(() => refuseOverwrite([{ path: join(dir, "new.json"), role: "OUT" }], input)).not.toThrow();
  });

  it("a safetensors model's inputs include its sidecar", () => {
    const st = join(dir, "w.safetensors");
    writeFileSync(st, "x");
    expect(modelInputs(st).map((i) => i.path)).toEqual([st, join(dir, "w.ccbound.json")]);
    expect(modelInputs(model).map((i) => i.path)).toEqual([model]);
  });
});
