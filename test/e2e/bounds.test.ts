import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

interface Row {
  task: string;
  arch: string;
  note?: string;
  results: {
    id: string;
    applicable: boolean;
    kind: string;
    label?: string;
    quantities: { quantity: string; least: string; exact?: string; text: string }[];
  }[];
}
function table(...args: string[]): { params: Record<string, unknown>; rows: Row[] } {
  const r = ccbound("bounds", ...args, "--json");
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}
function cell(rows: Row[], task: string, arch: string) {
  const row = rows.find((r) => r.task === task && r.arch === arch);
  if (!row) throw new Error(`no row ${task} ${arch}`);
  return row;
}

describe("ccbound bounds", () => {
  it("done-when: at N = 4096, p = 16, m >= 256 for recurrent index lookup (Theorem 3) and mp >= 2048 on INEQ (Theorem 11)", () => {
    const { params, rows } = table("--n", "4096", "--precision", "16");
    expect(params).toMatchObject({ n: "4096", p: "16", logN: 12 });
    const lookup = cell(rows, "index-lookup", "recurrent").results[0]!;
    expect(lookup.id).toBe("thm3");
    expect(lookup.quantities[0]).toMatchObject({ quantity: "m", least: "256", text: "m >= 256" });
    const ineq = cell(rows, "equality", "recurrent").results[0]!;
    expect(ineq.id).toBe("thm11");
    expect(ineq.quantities[0]).toMatchObject({ quantity: "mp", least: "2048", text: "mp >= 2048" });
    // The rest of the table, hand-computed: (N-1)/(3(p + 12)) = 4095/84; 128 ln 8192 = 1153.4 -> k = 1154.
    expect(cell(rows, "dyck", "transformer-1").results[0]!.quantities[0]).toMatchObject({
      quantity: "mH",
      exact: "195/4",
      least: "49",
    });
    expect(cell(rows, "nearest-neighbor", "recurrent").results[0]!.quantities[0]).toMatchObject({
      quantity: "m",
      least: "128",
    });
    const thm1 = cell(rows, "index-lookup", "transformer-1").results[0]!;
    expect(thm1).toMatchObject({ id: "thm1", kind: "upper", label: "the paper's formula" });
    expect(thm1.quantities.map((q) => q.text)).toEqual(["width = 2309", "k = 1154", "H = 1"]);
    expect(cell(rows, "assoc-recall", "transformer-1")).toMatchObject({
      results: [],
      note: expect.stringMatching(/^open/),
    });
    // The paper's 17 cells, then parity and mod-count (other papers'); the multi-pass cells only with --passes K > 1;
    // then function composition's two (Peng et al.: H(d+1)p >= ⌈4096 log2 4096⌉ = 49152, so H(d+1) >= 3072), then
    // copy's two (Jelassi et al.) and induction heads' two (Sanford et al.).
    expect(rows).toHaveLength(25);
    expect(cell(rows, "function-composition", "transformer-1").results[0]!.quantities[0]).toMatchObject({
      quantity: "H(d+1)",
      least: "3072",
    });
  });

  it("other N and p, filtered by task and architecture", () => {
    const at = (n: string, p: string, task: string, arch: string) =>
      cell(table("--n", n, "--precision", p, "--task", task, "--arch", arch).rows, task, arch).results[0]!
        .quantities[0]!;
    expect(at("40", "16", "index-lookup", "recurrent")).toMatchObject({ least: "3", exact: "5/2" });
    expect(at("1000", "7", "assoc-recall", "recurrent")).toMatchObject({ least: "143", exact: "1000/7" });
    expect(at("1000", "32", "dyck", "transformer-1")).toMatchObject({ least: "8", exact: "111/14" }); // 999/(3 * 42)
    expect(at("1000", "3", "equality", "recurrent")).toMatchObject({ least: "500" });
    expect(at("18446744073709551616", "64", "index-lookup", "recurrent")).toMatchObject({
      least: "288230376151711744",
    });
    const only = table("--n", "64", "--precision", "8", "--arch", "transformer-2").rows;
    expect(only.map((r) => r.task)).toEqual([
      "assoc-recall",
      "dyck",
      "equality",
      "disjointness",
      "threshold",
      "nearest-neighbor",
      "copy",
      "induction-heads",
    ]);
    // Copying (Jelassi et al.): mp >= ⌈L log2|Σ|⌉, exact for any alphabet.
    expect(at("12", "4", "copy", "recurrent")).toMatchObject({ least: "12", exact: "12" });
    const ternary = table("--n", "1000", "--precision", "16", "--task", "copy", "--alphabet", "3").rows;
    expect(cell(ternary, "copy", "recurrent").results[0]!.quantities[0]).toMatchObject({ least: "1585" });
    // An odd N: the two-halves tasks say why they do not apply.
    const odd = cell(table("--n", "41", "--precision", "8", "--task", "equality").rows, "equality", "recurrent")
      .results[0]!;
    expect(odd).toMatchObject({ applicable: false, why: "INEQ needs an even N" });
  });

  it("human output: one row per result with the bound, the theorem and the formula", () => {
    const r = ccbound("bounds", "--n", "4096", "--precision", "16");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^N = 4096, p = 16, \|Σ\| = 2, γ = 1\/4, k = 2; log N = ⌈log2 N⌉ = 12$/m);
    expect(r.stdout).toMatch(/^index-lookup +recurrent +lower +m >= 256, mp >= 4096 +Theorem 3 +m >= N\/p; mp >= N$/m);
    expect(r.stdout).toMatch(/^equality +recurrent +lower +mp >= 2048, m >= 128 +Theorem 11 /m);
    expect(r.stdout).toMatch(/^index-lookup +transformer-1 +upper \(paper's formula\) +width = 2309/m);
    expect(r.stderr).toBe("");
  });

  it("bad flags: one line, exit 2", () => {
    expectBadInput(["bounds", "--n", "forty", "--precision", "16"], /--n must be a whole number/);
    expectBadInput(["bounds", "--n", "4.5", "--precision", "16"], /--n must be a whole number/);
    expectBadInput(["bounds", "--n", "0", "--precision", "16"], /--n: N must be at least 1/);
    expectBadInput(
      ["bounds", "--n", "18446744073709551617", "--precision", "16"],
      /--n: N = 18446744073709551617 is over the largest supported N \(2\^64/,
    );
    expectBadInput(["bounds", "--n", "4096", "--precision", "0"], /--precision must be between 1 and/);
    expectBadInput(["bounds", "--n", "4096", "--precision", "-3"], /--precision must be between 1 and/);
    expectBadInput(
      ["bounds", "--n", "4096", "--precision", "16", "--task", "sorting"],
      /--task must be one of index-lookup, assoc-recall, dyck/,
    );
    expectBadInput(
      ["bounds", "--n", "4096", "--precision", "16", "--arch", "mamba"],
      /--arch must be one of transformer-1, transformer-2, recurrent/,
    );
    expectBadInput(["bounds", "--n", "4096", "--precision", "16", "--gamma", "big"], /--gamma must be a fraction/);
    expectBadInput(
      ["bounds", "--n", "4096", "--precision", "16", "--gamma", "3/2"],
      /--gamma: the margin γ must be in \(0, 1\]/,
    );
    expectBadInput(["bounds", "--precision", "16"], /required option '--n <N>'/);
  });
});

/**
 * A small BibTeX well-formedness check: entries `@type{key,` then `field = {value}` (or "value" or a number)
 * separated by commas, braces balanced inside values, then `}`. Text between entries is a comment, as in BibTeX.
 * Returns the entries, or throws with what is wrong.
 */
function parseBibtex(text: string): { type: string; key: string; fields: Record<string, string> }[] {
  const entries: { type: string; key: string; fields: Record<string, string> }[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(text.slice(i, i + 30))}`);
  };
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const word = (re: RegExp, what: string) => {
    const m = re.exec(text.slice(i));
    if (!m) fail(`expected ${what}`);
    i += m![0].length;
    return m![0];
  };
  const braced = () => {
    if (text[i] !== "{") fail("expected {");
    let depth = 0;
    const start = i;
    for (; i < text.length; i++) {
      if (text[i] === "{") depth++;
      else if (text[i] === "}" && --depth === 0) return text.slice(start + 1, i++);
    }
    return fail("unbalanced braces");
  };
  for (;;) {
    const at = text.indexOf("@", i);
    if (at < 0) break;
    i = at + 1;
    const type = word(/^[A-Za-z]+/, "an entry type").toLowerCase();
    skip();
    if (text[i] !== "{") fail("expected { after the type");
    i++;
    skip();
    const key = word(/^[^\s,{}=]+/, "a key");
    skip();
    if (text[i] !== ",") fail("expected , after the key");
    i++;
    const fields: Record<string, string> = {};
    for (;;) {
      skip();
      if (text[i] === "}") {
        i++;
        break;
      }
      const name = word(/^[A-Za-z][\w-]*/, "a field name").toLowerCase();
      skip();
      if (text[i] !== "=") fail("expected =");
      i++;
      skip();
      let value: string;
      if (text[i] === "{") value = braced();
      else if (text[i] === '"') {
        const end = text.indexOf('"', i + 1);
        if (end < 0) fail("unterminated string");
        value = text.slice(i + 1, end);
        i = end + 1;
      } else value = word(/^\d+/, "a value");
      if (name in fields) fail(`field ${name} twice`);
      fields[name] = value;
      skip();
      if (text[i] === ",") i++;
      else if (text[i] !== "}") fail("expected , or } after a field");
    }
    entries.push({ type, key, fields });
  }
  if (entries.length === 0) throw new Error("no entries");
  return entries;
}

describe("the BibTeX check itself", () => {
  it("accepts well-formed entries and refuses broken ones", () => {
    expect(parseBibtex('@article{k1,\n  title = {A {B} c},\n  year = 2024,\n  note = "x"\n}\n')).toEqual([
      { type: "article", key: "k1", fields: { title: "A {B} c", year: "2024", note: "x" } },
    ]);
    expect(() => parseBibtex("@article{k1,\n  title = {A {B c},\n}\n")).toThrow(/unbalanced|expected/);
    expect(() => parseBibtex("@article{\n  title = {A}\n}\n")).toThrow(/expected , after the key/);
    expect(() => parseBibtex("@article{k, title = {A} year = {1}}")).toThrow(/expected , or }/);
    expect(() => parseBibtex("@article{k, title {A}}")).toThrow(/expected =/);
    expect(() => parseBibtex("@article{k, title = {A}, title = {B}}")).toThrow(/twice/);
    expect(() => parseBibtex("no entries here")).toThrow(/no entries/);
  });
});

describe("ccbound cite", () => {
  it("thm3: valid BibTeX for the paper and for the writeup, with its id, the tool version and the SHA-256 of its outputs", () => {
    const r = ccbound("cite", "thm3");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const entries = parseBibtex(r.stdout);
    expect(entries.map((e) => [e.type, e.key])).toEqual([
      ["inproceedings", "bhattamishra2024separations"],
      ["misc", "ccbound-thm3"],
    ]);
    const paper = entries[0]!.fields;
    expect(paper).toMatchObject({
      author: "Bhattamishra, Satwik and Hahn, Michael and Blunsom, Phil and Kanade, Varun",
      title: "Separations in the Representational Capabilities of Transformers and Recurrent Architectures",
      booktitle: "Advances in Neural Information Processing Systems",
      volume: "37",
      pages: "36002--36045",
      year: "2024",
      eprint: "2406.09347",
    });
    const version = ccbound("--version").stdout.trim();
    expect(entries[1]!.fields.howpublished).toBe(`ccbound ${version}, proofs/thm3.md`);
    expect(entries[1]!.fields.note).toMatch(
      new RegExp(`Writeup thm3, ccbound ${version.replace(/\./g, "\\.")}, checked outputs SHA-256 [0-9a-f]{64}`),
    );
    // The same outputs give the same hash; it is the one the library computes.
    expect(ccbound("cite", "thm3").stdout).toBe(r.stdout);
  });

  it("the hash is over the recorded outputs: a writeup's prose does not change it, an output does", async () => {
    const { checkedOutputsSha256, parseWriteup } = await import("../../src/report/writeup.js");
    const { readFileSync } = await import("node:fs");
    const text = readFileSync("proofs/prop9.md", "utf8");
    const hash = checkedOutputsSha256(parseWriteup(text, "proofs/prop9.md"));
    expect(ccbound("cite", "prop9").stdout).toContain(`SHA-256 ${hash}`);
    expect(checkedOutputsSha256(parseWriteup(text.replace("## Statement", "## The statement"), "x"))).toBe(hash);
    expect(checkedOutputsSha256(parseWriteup(text.replace(/here 12 bits/, "here 13 bits"), "x"))).not.toBe(hash);
  });

  it("results without a writeup yet: the paper's entry, and a note on stderr", () => {
    const r = ccbound("cite", "lemma2");
    expect(r.status).toBe(0);
    expect(parseBibtex(r.stdout).map((e) => e.key)).toEqual(["bhattamishra2024separations"]);
    expect(r.stderr).toMatch(/Lemma 2 has no writeup yet \(proofs\/lemma2\.md\)/);
  });

  it("an alias cites its result: thm10 is Theorem 5, with its writeup", () => {
    const r = ccbound("cite", "thm10");
    expect(r.status, r.stderr).toBe(0);
    expect(parseBibtex(r.stdout)).toHaveLength(2);
    expect(r.stdout).toMatch(/proofs\/thm5\.md/);
  });

  it("an unknown id: one line, exit 2, with a did-you-mean", () => {
    expectBadInput(["cite", "thm33"], /no result "thm33" in the registry \(did you mean thm3\?\)/);
    expectBadInput(["cite", "lema4"], /did you mean lemma4\?/);
    expectBadInput(["cite", "zzzzzz"], /no result "zzzzzz" in the registry \(one of fact1, /);
  });
});

describe("ccbound prove: bad input", () => {
  const dir = tempDir();
  it("a missing file, a malformed block, an unpinned input: one line, exit 2, nothing run", () => {
    expectBadInput(["prove", join(dir, "nope.md")], /nope\.md: cannot read: no such file or directory/);
    const bad = join(dir, "bad.md");
    writeFileSync(bad, "# x\n\n```console\n$ ccbound --version\n0.1.0\n");
    expectBadInput(["prove", bad], /bad\.md:3: the ```console block opened here is never closed/);
    const unpinned = join(dir, "unpinned.md");
    writeFileSync(
      unpinned,
      '```console\n$ ccbound eval examples/lookup-dfa-10.json --input "0 1 1 0 1 0 0 1 1 1 @3"\noutput  1\n```\n',
    );
    expectBadInput(
      ["prove", unpinned],
      /unpinned\.md:2: `ccbound eval examples\/lookup-dfa-10.json .*` reads examples\/lookup-dfa-10.json, which no ```sha256 block pins \(add "b74bb9fd/,
    );
  });
});
