import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CcboundError } from "../../src/errors.js";
import { checkPinsCover, describeDrift, outputsOf, prove, rerecord } from "../../src/report/prove.js";
import { checkedOutputsSha256, normalise, outputLines, parseWriteup, splitCommand } from "../../src/report/writeup.js";
import { ccbound, tempDir } from "../e2e/cli.js";

const SAMPLE = [
  "# A writeup",
  "",
  "```sha256",
  `${"ab".repeat(32)}  examples/lookup-dfa-10.json`,
  "```",
  "",
  "```sh",
  "$ ccbound this is prose and never runs | grep x",
  "```",
  "",
  "```console",
  "$ ccbound --version",
  "0.1.0",
  '$ ccbound eval examples/lookup-dfa-10.json --input "0 1 @2"   ',
  "output  1   ",
  "",
  "$ ccbound check nothing.json --task index-lookup --n 0",
  "(stderr) ccbound: bad",
  "[exit 2]",
  "```",
  "",
].join("\n");

/** The CcboundError a parse throws, for its message and where. */
function parseError(text: string): CcboundError {
  try {
    parseWriteup(text, "w.md");
  } catch (e) {
    if (e instanceof CcboundError) return e;
    throw e;
  }
  throw new Error("parsed without an error");
}

describe("parsing writeups", () => {
  it("finds the console blocks' commands, outputs and exit codes, and the pins; other blocks are prose", () => {
    const w = parseWriteup(SAMPLE, "w.md");
    expect(w.pins).toEqual([{ line: 4, path: "examples/lookup-dfa-10.json", sha256: "ab".repeat(32) }]);
    expect(w.commands.map((c) => c.command)).toEqual([
      "ccbound --version",
      'ccbound eval examples/lookup-dfa-10.json --input "0 1 @2"',
      "ccbound check nothing.json --task index-lookup --n 0",
    ]);
    expect(w.commands.map((c) => c.line)).toEqual([12, 14, 17]);
    expect(w.commands[1]!.args).toEqual(["eval", "examples/lookup-dfa-10.json", "--input", "0 1 @2"]);
    expect(w.commands[1]!.output).toEqual(["output  1"]); // trailing spaces and the empty line after it dropped
    expect(w.commands[1]!.exit).toBe(0);
    expect(w.commands[2]).toMatchObject({
      output: ["(stderr) ccbound: bad"],
      exit: 2,
      exitLine: 19,
      outputLines: [18],
    });
  });

  it("refuses malformed blocks with the file and line", () => {
    const cases: [string, RegExp, string][] = [
      ["```console\n$ ccbound --version\n0.1.0\n", /never closed/, "w.md:1"],
      ["```console\n0.1.0\n$ ccbound --version\n```\n", /must start with a `\$ ccbound/, "w.md:2"],
      ["```console\n$ node bin/ccbound.js --version\n```\n", /must start with "ccbound"/, "w.md:2"],
      ["```console\n$ ccbound bounds --n 4 --precision 2 | head\n```\n", /"\|" outside quotes/, "w.md:2"],
      ['```console\n$ ccbound eval m.json --input "0 1\n```\n', /unbalanced "/, "w.md:2"],
      ["```console\n$ ccbound --version\n0.1.0\n[exit 0]\n```\n", /\[exit 0\] is the default/, "w.md:4"],
      ["```console\n$ ccbound --version\n[exit 1]\n0.1.0\n```\n", /must be the last line/, "w.md:3"],
      ["```console\n\n```\n", /empty/, "w.md:1"],
      ["```sha256\nabc  examples/x.json\n```\n", /HEX  PATH/, "w.md:2"],
      [`\`\`\`sha256\n${"0".repeat(64)}  a.json\n${"1".repeat(64)}  a.json\n\`\`\`\n`, /pinned twice/, "w.md:3"],
    ];
    for (const [text, message, where] of cases) {
      const e = parseError(text);
      expect(e.message, text).toMatch(message);
      expect(e.where, text).toBe(where);
    }
  });

  it("splits commands like a shell would for plain words and quotes, and refuses shell operators", () => {
    expect(splitCommand(`ccbound eval m.json --input "0 1 @2" --x 'a b' c""d`)).toEqual([
      "ccbound",
      "eval",
      "m.json",
      "--input",
      "0 1 @2",
      "--x",
      "a b",
      "cd",
    ]);
    expect(splitCommand("ccbound check m.json > out")).toMatch(/">" outside quotes/);
    expect(splitCommand("ccbound check $HOME/m.json")).toMatch(/"\$" outside quotes/);
    expect(splitCommand(`ccbound eval m.json --input "a | b"`)).toEqual([
      "ccbound",
      "eval",
      "m.json",
      "--input",
      "a | b",
    ]);
  });

  it("normalises outputs: trailing white space per line and trailing empty lines; stderr after stdout, prefixed", () => {
    expect(normalise(["a  ", "", "b\t", "", "  "])).toEqual(["a", "", "b"]);
    expect(outputLines("x\ny  \n\n", "oops\n")).toEqual(["x", "y", "(stderr) oops"]);
    expect(outputLines("", "")).toEqual([]);
    expect(outputLines("a\r\nb\r\n", "")).toEqual(["a", "b"]);
  });

  it("the citation hash covers commands, outputs, exit codes and pins, and nothing else", () => {
    const base = checkedOutputsSha256(parseWriteup(SAMPLE, "w.md"));
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(checkedOutputsSha256(parseWriteup(SAMPLE.replace("# A writeup", "# Another title"), "other.md"))).toBe(base);
    expect(checkedOutputsSha256(parseWriteup(SAMPLE.replace("output  1", "output  0"), "w.md"))).not.toBe(base);
    expect(checkedOutputsSha256(parseWriteup(SAMPLE.replace("[exit 2]", "[exit 3]"), "w.md"))).not.toBe(base);
    expect(checkedOutputsSha256(parseWriteup(SAMPLE.replace("ab".repeat(32), "cd".repeat(32)), "w.md"))).not.toBe(base);
  });

  it("re-recording replaces outputs and exit codes and nothing else", () => {
    const w = parseWriteup(SAMPLE, "w.md");
    const same = w.commands.map((c) => ({ command: c, output: c.output, exit: c.exit }));
    const again = parseWriteup(rerecord(w, same), "w.md");
    expect(again.commands).toEqual(w.commands);
    const changed = [
      same[0]!,
      { ...same[1]!, output: ["output  0", "more"], exit: 1 },
      { ...same[2]!, output: [], exit: 0 },
    ];
    const text = rerecord(w, changed);
    const w2 = parseWriteup(text, "w.md");
    expect(w2.commands.map((c) => [c.output, c.exit])).toEqual([
      [["0.1.0"], 0],
      [["output  0", "more"], 1],
      [[], 0],
    ]);
    expect(text.split("\n").slice(0, 11)).toEqual(SAMPLE.split("\n").slice(0, 11)); // prose and pins untouched
  });

  it("a command that reads a repository file must pin it", () => {
    const w = parseWriteup(
      "```console\n$ ccbound check examples/lookup-dfa-10.json --task index-lookup --n 10 --seed 1\n```\n",
      "w.md",
    );
    expect(() => checkPinsCover(w)).toThrow(/reads examples\/lookup-dfa-10.json, which no ```sha256 block pins/);
    // Files the commands write (in the scratch directory) and flags are not inputs of the repository.
    expect(() =>
      checkPinsCover(parseWriteup("```console\n$ ccbound verify c.json --model m.json\n```\n", "w.md")),
    ).not.toThrow();
  });

  it("a file the writeup writes is not a repository input, even when a stray copy lies in the root", () => {
    const root = tempDir();
    for (const f of ["h.json", "c.json", "m.safetensors"]) writeFileSync(join(root, f), "{}");
    const text =
      "```console\n$ ccbound zoo hash-equality --n 8 --out h.json\n$ ccbound check h.json --task equality --n 8 --cert c.json\n$ ccbound convert h.json m.safetensors\n```\n";
    const w = parseWriteup(text, "w.md");
    expect([...outputsOf(w)].sort()).toEqual(["c.json", "h.json", "m.safetensors"]);
    expect(() => checkPinsCover(w, root)).not.toThrow();
    writeFileSync(join(root, "other.json"), "{}");
    expect(() =>
      checkPinsCover(parseWriteup("```console\n$ ccbound check other.json --task equality --n 8\n```\n", "w.md"), root),
    ).toThrow(/reads other.json/);
  });
});

describe("re-running a writeup (spawns bin/ccbound.js)", () => {
  const dir = tempDir();

  it("a copy with one edited recorded output, one edited exit code and one edited pin fails, naming the file, the command and the line", async () => {
    const copy = join(dir, "prop9.md");
    const original = readFileSync("proofs/prop9.md", "utf8");
    const edited = original
      .replace(/^(bound\s+Proposition 9: .*here )12 bits/m, "$113 bits")
      .replace(/(\$ ccbound check recall-lstm\.json[^\n]*\n(?:.*\n)*?)\[exit 1\]\n/, "$1")
      .replace("2791cac0e46844e4ed2c9d6f4a0bae99c8de91822b26c130f154d15c2a4d63a1", "0".repeat(64));
    expect(edited).not.toBe(original);
    writeFileSync(copy, edited);
    const w = parseWriteup(edited, copy);
    const [report] = await prove([w]);
    const kinds = report!.drifts.map((d) => d.kind);
    expect(kinds).toEqual(["pin", "output", "exit"]);
    const out = report!.drifts.flatMap((d) => describeDrift(copy, d)).join("\n");
    const line = edited.split("\n").findIndex((l) => /here 13 bits/.test(l)) + 1;
    expect(out).toContain(
      `${copy}:${line}: \`ccbound check examples/elman-relu-fixed2.5-recall12.json --task assoc-recall --n 12 --seed 1 --feeds dedup --cert recall12.cert.json\`: output line 3 differs`,
    );
    expect(out).toMatch(/recorded: bound .*here 13 bits/);
    expect(out).toMatch(/actual: {3}bound .*here 12 bits/);
    expect(out).toMatch(/: `ccbound check recall-lstm.json --task assoc-recall --n 12 --seed 4`: exit 1, recorded 0/);
    expect(out).toMatch(/examples\/elman-relu-fixed2.5-recall12.json: SHA-256 is 2791cac0.*, the writeup pins 0{64}/);
    // The unedited writeup holds, and the runner wrote nothing into the repository.
    copyFileSync("proofs/prop9.md", copy);
    const [clean] = await prove([parseWriteup(readFileSync(copy, "utf8"), copy)]);
    expect(clean!.drifts).toEqual([]);
  }, 180_000);

  it("the CLI: exit 1 naming the file and the command; exit 0 on the original", () => {
    const copy = join(dir, "README.md");
    const original = readFileSync("proofs/README.md", "utf8");
    writeFileSync(copy, original.replace(/m >= 3 \(5\/2 ≈ 2\.5\)/, "m >= 4"));
    const r = ccbound("prove", copy);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/DRIFT +\S*README\.md/);
    expect(r.stdout).toMatch(
      /README\.md:\d+: `ccbound bounds --n 40 --precision 16 --task index-lookup --arch recurrent`: output line \d+ differs/,
    );
    expect(r.stdout).toMatch(/1 of 1 writeup drifted/);
    writeFileSync(copy, original);
    expect(ccbound("prove", copy).status).toBe(0);
  });
});
