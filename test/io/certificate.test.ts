import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import {
  parseCertificateJson,
  readCertificateFile,
  writeCertificate,
  type Certificate,
} from "../../src/io/certificate.js";
import { errorOf, paths } from "./expect-error.js";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function certificate(): Certificate {
  return {
    ccbound: "certificate",
    version: 2,
    tool: { name: "ccbound", version: "0.1.0" },
    kind: "collision",
    model: { sha256: "c0531560aaf8dc1900dfbb1330b66d9ee043575fae9efc3eaa9fb709db3c649e", format: "fixed:1.2" },
    task: { name: "index-lookup", n: 4, params: { vocab: 2, alphabet: 3 } },
    theorem: "thm3",
    input: ["0", "1", "1", "0", "2"],
    expected: "1",
    answer: "0",
    collision: {
      split: "4",
      inputs: [
        ["0", "1", "1", "0", "2"],
        ["1", "1", "1", "0", "2"],
      ],
      transcriptBits: 10,
      transcriptHex: "2f3",
    },
    search: { feed: "dedup", strategy: "sample+dedup", seed: 42, budget: 1048576, runs: 17 },
    replay: "ccbound verify cert.json --model model.json",
  };
}

const ORDER = [
  "ccbound",
  "version",
  "tool",
  "kind",
  "model",
  "task",
  "theorem",
  "input",
  "expected",
  "answer",
  "collision",
  "search",
  "replay",
];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ccbound-cert-"));
});

describe("certificate files", () => {
  it("round-trip through write and read", () => {
    const path = join(dir, "cert.json");
    writeCertificate(path, certificate());
    expect(readCertificateFile(path)).toEqual(certificate());
    expect(readdirSync(dir)).toEqual(["cert.json"]);
  });

  it("are pretty-printed, keys in the documented order, params sorted, with a final newline", () => {
    const path = join(dir, "cert.json");
    const shuffled = Object.fromEntries(Object.entries(certificate()).reverse()) as unknown as Certificate;
    writeCertificate(path, shuffled);
    const text = readFileSync(path, "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(ORDER);
    expect(text).toContain('"params": {\n      "alphabet": 3,\n      "vocab": 2\n    }');
    expect(text).toContain('  "input": ["0", "1", "1", "0", "2"],\n');
  });

  it("a wrong answer records no collision and cites no theorem; the kind must say which it is", () => {
    const { collision: _, ...rest } = certificate();
    const wrong = { ...rest, kind: "wrong-answer" as const, theorem: null };
    expect(parseCertificateJson(JSON.stringify(wrong), "c.json")).toEqual(wrong);
    const citing = { ...wrong, theorem: "thm3" };
    expect(paths(errorOf(() => parseCertificateJson(JSON.stringify(citing), "c.json")))).toEqual(["/kind"]);
    expect(paths(errorOf(() => parseCertificateJson(JSON.stringify(rest), "c.json")))).toEqual(["/kind"]);
  });

  it("a version 1 certificate is refused with the reason (its theorem field may cite a bound that does not apply)", () => {
    const old: Json = certificate();
    old.version = 1;
    const error = errorOf(() => parseCertificateJson(JSON.stringify(old), "c.json"));
    expect(error.issues[0]).toMatchObject({ path: "/version" });
    expect(error.issues[0]!.message).toMatch(/re-run ccbound check/);
  });

  it("an invalid certificate is not written", () => {
    const path = join(dir, "cert.json");
    const bad: Json = certificate();
    bad.model.sha256 = "ABC";
    const error = errorOf(() => writeCertificate(path, bad));
    expect(error.code).toBe("invalid-certificate");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("bad certificates report every problem with its path", () => {
  const cases: [string, (c: Json) => void, string[]][] = [
    ["uppercase sha256", (c) => (c.model.sha256 = c.model.sha256.toUpperCase()), ["/model/sha256"]],
    ["short sha256", (c) => (c.model.sha256 = "abc"), ["/model/sha256"]],
    ["unknown key", (c) => (c.serach = {}), ["/serach"]],
    ["hex of the wrong length", (c) => (c.collision.transcriptHex = "02f3"), ["/collision/transcriptHex"]],
    ["hex longer than the bits", (c) => (c.collision.transcriptHex = "4f3"), ["/collision/transcriptHex"]],
    ["a split that is neither a cut nor odd-even", (c) => (c.collision.split = "odd"), ["/collision/split"]],
    ["no number format", (c) => delete c.model.format, ["/model/format"]],
    ["an unknown feed", (c) => (c.search.feed = "guess"), ["/search/feed"]],
    ["one input in the pair", (c) => c.collision.inputs.pop(), ["/collision/inputs"]],
    ["a boolean param", (c) => (c.task.params.flag = true), ["/task/params/flag"]],
    ["non-integer n and negative runs", (c) => ((c.task.n = 2.5), (c.search.runs = -1)), ["/task/n", "/search/runs"]],
    ["wrong tool", (c) => (c.tool.name = "other"), ["/tool/name"]],
  ];
  for (const [name, change, expected] of cases) {
    it(name, () => {
      const c: Json = certificate();
      change(c);
      const error = errorOf(() => parseCertificateJson(JSON.stringify(c), "c.json"));
      expect(error.code).toBe("invalid-certificate");
      expect(paths(error)).toEqual(expected);
    });
  }

  it("messages are specific", () => {
    const c: Json = certificate();
    c.model.sha256 = "abc";
    c.task.params.flag = true;
    const error = errorOf(() => parseCertificateJson(JSON.stringify(c), "c.json"));
    expect(error.issues).toEqual([
      { path: "/model/sha256", message: "must be a SHA-256: 64 lowercase hex digits" },
      { path: "/task/params/flag", message: "expected a number, got true" },
    ]);
    expect(error.oneLine()).toBe(
      "c.json: invalid certificate: /model/sha256: must be a SHA-256: 64 lowercase hex digits; and 1 more problem",
    );
  });

  it("zero transcript bits is the empty hex string", () => {
    const c = certificate();
    c.collision = { split: "1", inputs: [["0"], ["1"]], transcriptBits: 0, transcriptHex: "" };
    expect(parseCertificateJson(JSON.stringify(c), "c.json").collision?.transcriptHex).toBe("");
  });

  it("a model file passed as a certificate gets one clear issue", () => {
    const error = errorOf(() => parseCertificateJson('{"ccbound":"model","version":1,"arch":"dfa"}', "m.json"));
    expect(error.issues).toEqual([
      { path: "/ccbound", message: "this is a ccbound model file, not a certificate file" },
    ]);
  });

  it("file errors", () => {
    expect(errorOf(() => readCertificateFile(join(dir, "missing.json"))).code).toBe("io");
    const path = join(dir, "broken.json");
    writeFileSync(path, '{"ccbound": "certificate",');
    expect(errorOf(() => readCertificateFile(path)).code).toBe("malformed-json");
  });
});
