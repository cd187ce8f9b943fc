/**
 * The class of hole: inputs that are not regular files (devices, FIFOs, directories) or that lie about their size
 * (/dev/zero and /proc files stat as 0 bytes). Every reader goes through openRegularFile, so each case is refused on the
 * opened descriptor, at once and without reading, or read no further than its limit.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonFile } from "../../src/io/json-text.js";
import { readSafetensorsFile } from "../../src/io/safetensors.js";
import { openRegularFile, readChunks, readHead, readRegularFile, readTextFile } from "../../src/io/read-file.js";
import { readModelFile } from "../../src/io/model-file.js";
import { tempDir } from "../e2e/cli.js";
import { errorOf } from "./expect-error.js";

const dir = tempDir();
const fifo = join(dir, "fifo.json");
execFileSync("mkfifo", [fifo]);

/** Each reader of a file kind that is ours, by its entry point. */
const READERS: [string, (path: string) => unknown][] = [
  ["readTextFile", (p) => readTextFile(p)],
  ["readJsonFile", (p) => readJsonFile(p)],
  ["readModelFile (JSON)", (p) => readModelFile(p)],
  ["readSafetensorsFile", (p) => readSafetensorsFile(p)],
];

describe("only regular files are read", () => {
  for (const [name, read] of READERS) {
    it(`${name}: a FIFO is refused at once (the open does not wait for a writer)`, () => {
      const started = Date.now();
      const e = errorOf(() => read(fifo));
      expect(e.code).toBe("io");
      expect(e.oneLine()).toBe(`${fifo}: cannot read: is a FIFO (named pipe), not a regular file`);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it(`${name}: /dev/zero and /dev/urandom (character devices that stat as 0 bytes) are refused without reading`, () => {
      for (const device of ["/dev/zero", "/dev/urandom", "/dev/null"]) {
        const e = errorOf(() => read(device));
        expect(e.oneLine()).toBe(`${device}: cannot read: is a character device, not a regular file`);
      }
    });

    it(`${name}: a directory is refused`, () => {
      const d = join(dir, `dir-${name.replace(/\W/g, "")}.json`);
      mkdirSync(d);
      expect(errorOf(() => read(d)).oneLine()).toBe(`${d}: cannot read: is a directory`);
    });
  }

  it("a symlink to a device is judged by what it opens, not by its name", () => {
    const link = join(dir, "innocent.json");
    symlinkSync("/dev/zero", link);
    expect(errorOf(() => readModelFile(link)).oneLine()).toMatch(/is a character device, not a regular file$/);
  });

  it("readHead of a FIFO or a device is undefined (the safetensors sniffing of a model path cannot block)", () => {
    const started = Date.now();
    expect(readHead(fifo, 9)).toBeUndefined();
    expect(readHead("/dev/zero", 9)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a /proc file is regular but stats as 0 bytes: it is read, and no further than the limit", () => {
    if (!existsSync("/proc/self/status")) return;
    expect(openRegularFile("/proc/self/status").size).toBe(0);
    expect(readTextFile("/proc/self/status")).toMatch(/^Name:/);
    const e = errorOf(() => readRegularFile("/proc/self/status", 16));
    expect(e.code).toBe("too-large");
    expect(e.message).toMatch(/more than 16 bytes/);
  });

  it("a file over its limit is refused by fstat before a chunk is read", () => {
    const path = join(dir, "big.txt");
    writeFileSync(path, "x".repeat(100));
    let chunks = 0;
    const e = errorOf(() => readChunks(path, 99, () => (chunks += 1)));
    expect(e.code).toBe("too-large");
    expect(e.oneLine()).toMatch(/file is 100 bytes, more than the limit of 99 bytes/);
    expect(chunks).toBe(0);
  });

  it("a reader that throws stops the read at that chunk", () => {
    const path = join(dir, "chunks.txt");
    writeFileSync(path, Buffer.alloc(5 << 20, 0x20));
    let chunks = 0;
    expect(() =>
      readChunks(path, 1 << 30, () => {
        chunks += 1;
        throw new Error("stop");
      }),
    ).toThrow("stop");
    expect(chunks).toBe(1);
  });
});
