/**
 * Issue 13's "done when": a fuzz test over the readers of every kind of file ccbound reads (model JSON, safetensors,
 * certificate, shard, sidecar, writeup), with mutations of structure (nesting, width, long strings, duplicate and
 * `__proto__` keys, odd numbers, removed or replaced values) and of size (repeated slices, truncation, bytes that are
 * not UTF-8, a wrong safetensors length). Every case must end within a time bound and, through the CLI, within a 256 MB
 * heap, either accepted or with one line and exit 2: never a stack trace, an internal error, a hang, a crash, or a
 * verdict's exit code (0, 1, 3) together with an error.
 *
 * Two layers, one set of mutations: in this process, many cases on the readers themselves (all but the shard file's,
 * which lives in merge); through bin/ccbound.js, a seeded sample of each kind, the shard included, where the memory
 * bound and the exit code are real. Seeds are fixed; fast-check prints the seed and the path of a failure, and
 * `fc.assert(..., { seed, path })` replays exactly that case.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { readCertificateFile } from "../../src/io/certificate.js";
import { MAX_WRITEUP_BYTES } from "../../src/io/limits.js";
import { readModelFile } from "../../src/io/model-file.js";
import { readTextFile } from "../../src/io/read-file.js";
import { checkPinsCover } from "../../src/report/prove.js";
import { parseWriteup } from "../../src/report/writeup.js";
import { tempDir } from "./cli.js";

const SEED = 13_2406;
const dir = tempDir();
const JSON_MODEL = "examples/lookup-dfa-10.json";
const RNN_MODEL = "examples/lstm-fixed1.2-index40.json";
const SHARD_MODEL = "examples/hash-equality-64-c16.json";
const CERT_MODEL = "examples/lookup-dfa-forgets-7.json";
const WRITEUP = [
  "# A writeup",
  "",
  "```console",
  "$ ccbound --version",
  "0.1.0",
  "$ ccbound bounds --n 8 --precision 4 --task index-lookup --arch recurrent",
  "```",
  "",
].join("\n");

type Kind = "model" | "safetensors" | "certificate" | "shard" | "sidecar" | "writeup";
const KINDS: readonly Kind[] = ["model", "safetensors", "certificate", "shard", "sidecar", "writeup"];

/** The valid file of each kind that the mutations start from (filled in beforeAll). */
const base = {} as Record<Kind, Buffer>;

function ccbound(args: string[], timeoutMs = 20_000) {
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--max-old-space-size=256", "bin/ccbound.js", ...args], {
    encoding: "utf8",
    timeout: timeoutMs,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

beforeAll(() => {
  base.model = readFileSync(JSON_MODEL);
  const cert = join(dir, "base.cert.json");
  expect(
    ccbound(["check", CERT_MODEL, "--task", "index-lookup", "--n", "10", "--seed", "1", "--cert", cert]).status,
  ).toBe(1);
  base.certificate = readFileSync(cert);
  const shard = join(dir, "base.shard.json");
  const s = ["check", SHARD_MODEL, "--task", "equality", "--n", "64", "--seed", "1", "--shard", "1/1", "--out", shard];
  expect(ccbound(s).status).toBe(0);
  base.shard = readFileSync(shard);
  const st = join(dir, "base.safetensors");
  expect(ccbound(["convert", RNN_MODEL, st]).status).toBe(0);
  base.safetensors = readFileSync(st);
  const rnn = JSON.parse(readFileSync(RNN_MODEL, "utf8")) as { vocab: string[]; labels: string[]; name: string };
  base.sidecar = Buffer.from(
    JSON.stringify({ "ccbound.vocab": rnn.vocab, "ccbound.labels": rnn.labels, "ccbound.name": rnn.name }),
  );
  base.writeup = Buffer.from(WRITEUP);
}, 120_000);

/* ------------------------------------------------------------------ mutations */

/** What replaces one value of a JSON file: each a structure the limits exist for, at sizes around the limits. */
const replacementArb: fc.Arbitrary<() => string> = fc.oneof(
  fc.integer({ min: 1, max: 200_000 }).map((d) => () => `${"[".repeat(d)}${"]".repeat(d)}`),
  fc.integer({ min: 1, max: 2_200_000 }).map((n) => () => `[${new Array(n).fill("[]").join(",")}]`),
  fc.integer({ min: 1, max: 2_200_000 }).map((n) => () => `[${"0,".repeat(n)}0]`),
  fc.integer({ min: 1, max: 2_000_000 }).map((n) => () => JSON.stringify("x".repeat(n))),
  fc
    .integer({ min: 1, max: 20_000 })
    .map((n) => () => `{${Array.from({ length: n }, (_, i) => `"k${i}":0`).join(",")}}`),
  fc.constantFrom(
    () => '{"__proto__":{"x":1}}',
    () => '{"a":1,"a":2}',
    () => "1e999",
    () => "-0",
    () => "5e-324",
    () => "123456789012345678901234567890",
    () => '"\\u202e\\u0000\\u001b[2J"',
    () => "null",
    () => "[]",
    () => "{}",
    () => '""',
    () => "[-1,2]",
  ),
  fc.jsonValue({ maxDepth: 2 }).map((v) => () => JSON.stringify(v)),
);

type Mutation =
  | { kind: "replace"; pick: number; by: () => string }
  | { kind: "remove"; pick: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "bytes"; at: number; bytes: number[] }
  | { kind: "repeat"; at: number; length: number; times: number }
  | { kind: "length"; value: bigint };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("replace" as const), pick: fc.nat(), by: replacementArb }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(),
      text: fc.constantFrom("\ufeff", ",", "]", "}", '"', "\\", "\u0000", "NaN", "\n$ ccbound prove x.md\n", "```"),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("bytes" as const),
      at: fc.nat(),
      bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("repeat" as const),
      at: fc.nat(),
      length: fc.integer({ min: 1, max: 64 }),
      times: fc.integer({ min: 2, max: 400_000 }),
    }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("length" as const),
      value: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom(0n, 1n, 90_000_000n, 2n ** 63n)),
    }),
    weight: 1,
  },
);

/** Every path into a JSON value, containers included. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...prefix, i])));
  if (value !== null && typeof value === "object")
    return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
  return here;
}

const HOLE = "\u0000hole\u0000";

/** A JSON text with one value replaced by raw text (too deep or too wide for JSON.stringify to build), or removed. */
function jsonMutated(text: string, pick: number, by: (() => string) | undefined): string {
  const value = JSON.parse(text) as unknown;
  const paths = pathsOf(value).filter((p) => p.length > 0);
  if (paths.length === 0) return text;
  const path = paths[pick % paths.length]!;
  let parent: any = value; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const key of path.slice(0, -1)) parent = parent[key];
  const last = path.at(-1)!;
  if (by === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
    return JSON.stringify(value);
  }
  parent[last] = HOLE;
  return JSON.stringify(value).replace(JSON.stringify(HOLE), by());
}

/** The safetensors file with its header (a JSON text) and length prefix as given, and its data. */
function safetensorsWith(bytes: Buffer, edit: (header: string) => string, length?: bigint): Buffer {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = Buffer.from(edit(bytes.subarray(8, 8 + n).toString("utf8")));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length ?? BigInt(header.length));
  return Buffer.concat([prefix, header, bytes.subarray(8 + n)]);
}

function mutated(kind: Kind, m: Mutation): Buffer {
  const original = base[kind];
  const isJson = kind !== "writeup" && kind !== "safetensors";
  switch (m.kind) {
    case "replace":
    case "remove": {
      const by = m.kind === "replace" ? m.by : undefined;
      if (kind === "safetensors") return safetensorsWith(original, (h) => jsonMutated(h, m.pick, by));
      if (isJson) return Buffer.from(jsonMutated(original.toString("utf8"), m.pick, by));
      // a writeup: a fenced block whose body is the replacement text
      const lines = original.toString("utf8").split("\n");
      lines.splice(
        m.pick % lines.length,
        1,
        ...(by ? ["```console", `$ ccbound eval x.json --input ${by().slice(0, 200)}`, "```"] : []),
      );
      return Buffer.from(lines.join("\n"));
    }
    case "truncate":
      return original.subarray(0, m.at % (original.length + 1));
    case "insert":
    case "bytes": {
      const at = m.at % (original.length + 1);
      const piece = m.kind === "insert" ? Buffer.from(m.text) : Buffer.from(m.bytes);
      return Buffer.concat([original.subarray(0, at), piece, original.subarray(at)]);
    }
    case "repeat": {
      const at = m.at % Math.max(1, original.length - m.length);
      const slice = original.subarray(at, at + m.length);
      return Buffer.concat([
        original.subarray(0, at),
        ...new Array<Buffer>(m.times).fill(slice),
        original.subarray(at),
      ]);
    }
    case "length":
      if (kind !== "safetensors") return original;
      return safetensorsWith(original, (h) => h, m.value);
  }
}

/* ------------------------------------------------------------------ in this process */

/** Reads `bytes` as a file of `kind` with ccbound's own reader; returns how it ended. */
function readInProcess(kind: Kind, bytes: Buffer, at: string): "accepted" | CcboundError {
  try {
    switch (kind) {
      case "model":
        writeFileSync(at, bytes);
        readModelFile(at);
        break;
      case "safetensors":
        writeFileSync(`${at}.safetensors`, bytes);
        readModelFile(`${at}.safetensors`);
        break;
      case "certificate":
        writeFileSync(at, bytes);
        readCertificateFile(at);
        break;
      case "sidecar":
        writeFileSync(`${at}.safetensors`, base.safetensors);
        writeFileSync(`${at}.ccbound.json`, bytes);
        readModelFile(`${at}.safetensors`);
        break;
      case "writeup":
        writeFileSync(at, bytes);
        checkPinsCover(parseWriteup(readTextFile(at, MAX_WRITEUP_BYTES), at));
        break;
      case "shard":
        return "accepted"; // its reader is merge's own: through the CLI below
    }
    return "accepted";
  } catch (e) {
    if (e instanceof CcboundError) return e;
    throw e;
  } finally {
    for (const p of [at, `${at}.safetensors`, `${at}.ccbound.json`]) rmSync(p, { force: true });
  }
}

describe("fuzz: every reader, in this process (24 mutated files of each kind, 5 s a case)", () => {
  KINDS.filter((k) => k !== "shard").forEach((kind, k) => {
    it(`${kind}: accepted, or one CcboundError line (seeded)`, () => {
      let refused = 0;
      fc.assert(
        fc.property(mutationArb, (m) => {
          const bytes = mutated(kind, m);
          const started = Date.now();
          const outcome = readInProcess(kind, bytes, join(dir, "case"));
          expect(Date.now() - started, `${kind} ${m.kind}`).toBeLessThan(5000);
          if (outcome === "accepted") return;
          refused += 1;
          expect(outcome.oneLine()).not.toMatch(/[\r\n]/); // one line (the CLI caps its length, in one place)
        }),
        // no shrinking: the big cases would take minutes; the seed and path printed replay the case exactly
        { seed: SEED + k, numRuns: 24, endOnFailure: true },
      );
      expect(refused).toBeGreaterThan(8); // the mutations do break files, most of the time
    }, 60_000);
  });
});

/* ------------------------------------------------------------------ through the command line */

/** The command that reads a file of each kind, the file at `path`. */
function commandFor(kind: Kind, path: string): string[] {
  switch (kind) {
    case "model":
      return ["eval", path, "--input", "0 1 @1"];
    case "safetensors":
      return ["eval", path, "--input", "0 1 @1"];
    case "certificate":
      return ["verify", path, "--model", CERT_MODEL];
    case "shard":
      return ["merge", path];
    case "sidecar":
      return ["eval", path, "--input", "0 1 @1"];
    case "writeup":
      return ["prove", path];
  }
}

function place(kind: Kind, bytes: Buffer, name: string): string {
  if (kind === "sidecar") {
    copyFileSync(join(dir, "base.safetensors"), join(dir, `${name}.safetensors`));
    writeFileSync(join(dir, `${name}.ccbound.json`), bytes);
    return join(dir, `${name}.safetensors`);
  }
  const path = join(
    dir,
    kind === "safetensors" ? `${name}.safetensors` : kind === "writeup" ? `${name}.md` : `${name}.json`,
  );
  writeFileSync(path, bytes);
  return path;
}

describe("fuzz: every file kind through bin/ccbound.js (256 MB heap, 20 s timeout a run)", () => {
  KINDS.forEach((kind, k) => {
    it(`${kind}: one line and exit 2, or accepted; never a stack trace, an internal error, a crash, a hang (seeded)`, () => {
      let n = 0;
      fc.assert(
        fc.property(mutationArb, (m) => {
          const path = place(kind, mutated(kind, m), `cli-${kind}-${n++}`);
          const r = ccbound(commandFor(kind, path));
          const what = `${kind} ${m.kind}: exit ${r.status} ${r.signal ?? ""}\n${r.stderr.slice(0, 2000)}`;
          expect(r.signal, what).toBeNull(); // no timeout, no crash
          expect([0, 1, 2, 3], what).toContain(r.status);
          expect(r.stderr, what).not.toMatch(/\n\s+at |internal error|Error: /);
          if (r.status === 2) {
            const lines = r.stderr.trimEnd().split("\n");
            expect(lines, what).toHaveLength(1);
            expect(lines[0], what).toMatch(/^ccbound: /);
            expect(lines[0]!.length, what).toBeLessThanOrEqual(400);
          } else {
            // a verdict (valid or invalid, drift, survived or refuted): nothing on stderr reads as an error
            expect(r.stderr, what).not.toMatch(/^ccbound: /m);
          }
        }),
        { seed: SEED + 100 + k, numRuns: 2, endOnFailure: true },
      );
    }, 120_000);
  });
});
