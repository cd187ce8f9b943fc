/**
 * The command line against hostile and broken input, one class of hole per block (issue 13). Every case must end in
 * bounded time and memory (each run has a timeout and a 256 MB heap: a run that blew up would die with V8's exit 134,
 * not 2), with one line and exit 2, no stack trace, nothing on stdout and no file written.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./cli.js";

const dir = tempDir();
const HEAP_MB = 256;
const EXAMPLE = "examples/hash-equality-64-c16.json";
const LOOKUP = "examples/lstm-fixed1.2-index40.json";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** bin/ccbound.js with a bounded heap and a timeout: a hang or a blow-up fails the test instead of the machine. */
function run(args: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Run {
  const started = Date.now();
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, "bin/ccbound.js", ...args], {
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Exit 2, exactly one line on stderr that matches, no stack trace, nothing on stdout. */
function expectOneLine(r: Run, pattern: RegExp): void {
  expect(r.status, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^ccbound: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
  expect(r.stdout).toBe("");
}

const fifo = join(dir, "pipe.json");
let cert: string;
let shard: string;
let safetensors: string;

beforeAll(() => {
  execFileSync("mkfifo", [fifo]);
  cert = join(dir, "c.json");
  expect(run(["check", EXAMPLE, "--task", "equality", "--n", "64", "--seed", "1", "--cert", cert]).status).toBe(1);
  shard = join(dir, "s.json");
  const s = ["check", EXAMPLE, "--task", "equality", "--n", "64", "--seed", "1", "--shard", "1/1", "--out", shard];
  expect(run(s).status).toBe(0);
  safetensors = join(dir, "m.safetensors");
  expect(run(["convert", LOOKUP, safetensors]).status).toBe(0);
}, 120_000);

describe("not a regular file: devices, FIFOs and directories are refused on the opened descriptor, at once", () => {
  // /dev/zero for every reader (it stats as 0 bytes and never ends), /dev/urandom for one: the same check refuses both
  const devices = (name: string) => (name === "eval" ? ["/dev/zero", "/dev/urandom"] : ["/dev/zero"]);
  it.each([
    ["eval", (p: string) => ["eval", p, "--input", "0 1"]],
    ["eval (a .safetensors name)", (p: string) => ["eval", p, "--input", "0 1"]],
    ["verify, the certificate", (p: string) => ["verify", p, "--model", EXAMPLE]],
    ["verify, the model", (p: string) => ["verify", cert, "--model", p]],
    ["prove, the writeup", (p: string) => ["prove", p]],
    ["merge, the shard", (p: string) => ["merge", p]],
    ["convert, the model", (p: string) => ["convert", p, join(dir, "out.json")]],
  ])("%s", (name, args) => {
    const paths = name.includes("safetensors")
      ? [...devices(name).map((d) => linkNamed(`${d.slice(5)}.safetensors`, d)), fifoNamed("pipe.safetensors")]
      : [...devices(name), fifo];
    for (const p of paths) {
      const r = run(args(p), {}, 15_000);
      expectOneLine(r, /cannot read: is a (character device|FIFO \(named pipe\)), not a regular file/);
      expect(r.ms).toBeLessThan(10_000);
    }
    expect(existsSync(join(dir, "out.json"))).toBe(false);
  });

  it("a directory", () => {
    expectOneLine(run(["eval", dir, "--input", "0"]), /cannot read: is a directory/);
    expectOneLine(run(["prove", dir]), /cannot read: is a directory/);
  });

  it("a shard whose model.path is /dev/zero", () => {
    const edited = join(dir, "s-zero.json");
    const text = readFileSync(shard, "utf8").replace(`"path":"${EXAMPLE}"`, '"path":"/dev/zero"');
    expect(text).toContain("/dev/zero");
    writeFileSync(edited, text);
    expectOneLine(run(["merge", edited]), /\/dev\/zero: cannot read: is a character device, not a regular file/);
  });

  it("a safetensors model whose sidecar is a FIFO", () => {
    const model = join(dir, "side.safetensors");
    copyFileSync(safetensors, model);
    execFileSync("mkfifo", [join(dir, "side.ccbound.json")]);
    expectOneLine(run(["eval", model, "--input", "0 1"], {}, 15_000), /side\.ccbound\.json: cannot read: is a FIFO/);
  });
});

function linkNamed(name: string, target: string): string {
  const p = join(dir, name);
  if (!existsSync(p)) symlinkSync(target, p);
  return p;
}

function fifoNamed(name: string): string {
  const p = join(dir, name);
  if (!existsSync(p)) execFileSync("mkfifo", [p]);
  return p;
}

describe("parsing before limits: a huge or deeply structured file is refused in bounded time and memory", () => {
  it("a model file over the size limit is refused by its size (250 MB, sparse)", () => {
    const p = join(dir, "huge.json");
    writeFileSync(p, "[");
    truncateSync(p, 250_000_000);
    const r = run(["eval", p, "--input", "0"]);
    expectOneLine(r, /huge\.json: file is 250000000 bytes, more than the limit of 67108864 bytes/);
    expect(r.ms).toBeLessThan(5000);
  });

  it("48 MB of [[],[],...] as a model, as a certificate and as a shard: refused while scanning", () => {
    const p = join(dir, "empties.json");
    writeFileSync(p, `[${"[],".repeat(16 << 20)}[]]`);
    for (const args of [
      ["eval", p, "--input", "0"],
      ["verify", p, "--model", EXAMPLE],
      ["merge", p],
    ]) {
      const r = run(args);
      // Refused while scanning, or (a certificate's limit is 16 MiB) by its size before a byte is parsed.
      expectOneLine(
        r,
        /empties\.json: (an array of more than \d+ entries|more than \d+ JSON values).*over the limit|empties\.json: file is \d+ bytes, more than the limit of \d+ bytes/,
      );
      expect(r.ms).toBeLessThan(10_000);
    }
  });

  it("40 MB of 0, numbers as a model: refused while scanning", () => {
    const p = join(dir, "zeros.json");
    writeFileSync(p, `{"embedding":[${"0,".repeat(20 << 20)}0]}`);
    const r = run(["eval", p, "--input", "0"]);
    expectOneLine(
      r,
      /zeros\.json: more than 1000000 numbers \(the last at \/embedding\/1000000\): over the limit for a model file/,
    );
  });

  it("nesting 100,000 deep: refused at the depth limit (no stack overflow in the validator)", () => {
    const p = join(dir, "deep.json");
    writeFileSync(p, `${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    expectOneLine(run(["eval", p, "--input", "0"]), /nested more than 16 deep at \/0\/0\/0/);
    expectOneLine(run(["verify", p, "--model", EXAMPLE]), /nested more than 32 deep/);
  });

  it("a safetensors file claiming a 90 MB header is refused from its first 8 bytes (sparse)", () => {
    const p = join(dir, "header.safetensors");
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(90_000_000n);
    writeFileSync(p, Buffer.concat([prefix, Buffer.from("{")]));
    truncateSync(p, 90_000_008);
    const r = run(["eval", p, "--input", "0"]);
    expectOneLine(r, /header length 90000000 is over the limit of 16777216 bytes/);
    expect(r.ms).toBeLessThan(5000);
  });

  it("a safetensors file naming a tensor twice", () => {
    const bytes = readFileSync(safetensors);
    const n = Number(bytes.readBigUInt64LE(0));
    const header = bytes.subarray(8, 8 + n).toString("utf8");
    const first = /"(rnn\.weight_ih_l0|[^"]+)":\{[^}]*\}/.exec(header.slice(1))!;
    const doubled = `{${first[0]},${header.slice(1)}`;
    const p = join(dir, "twice.safetensors");
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(doubled)));
    writeFileSync(p, Buffer.concat([prefix, Buffer.from(doubled), bytes.subarray(8 + n)]));
    expectOneLine(
      run(["eval", p, "--input", "0 1"]),
      new RegExp(`the header names tensor "${first[1]!.replace(/\./g, "\\.")}" twice`),
    );
  });
});

describe("outputs over inputs: no command writes over one of its inputs", () => {
  it("convert m.json m.json, through a symlink, and through a hard link: refused, the file unchanged", () => {
    const model = join(dir, "m.json");
    copyFileSync(LOOKUP, model);
    const before = readFileSync(model, "utf8");
    symlinkSync(model, join(dir, "link.json"));
    linkSync(model, join(dir, "hard.json"));
    mkdirSync(join(dir, "sub"));
    for (const out of [model, join(dir, "link.json"), join(dir, "hard.json"), join(dir, "sub", "..", "m.json")]) {
      expectOneLine(
        run(["convert", model, out, "--format", "float16"]),
        /writing it would overwrite an input of this command/,
      );
    }
    expect(readFileSync(model, "utf8")).toBe(before);
  });

  it("convert m.safetensors m.ccbound.json would overwrite the sidecar it reads", () => {
    const model = join(dir, "sc.safetensors");
    copyFileSync(safetensors, model);
    writeFileSync(join(dir, "sc.ccbound.json"), "{}");
    expectOneLine(run(["convert", model, join(dir, "sc.ccbound.json")]), /is the model's sidecar/);
    expect(readFileSync(join(dir, "sc.ccbound.json"), "utf8")).toBe("{}");
  });
});

describe("what a file says is shown escaped, on one line of at most 400 characters", () => {
  /** A DFA whose labels and tokens carry what a terminal would act on: ESC, CR, NUL, a bidi override. */
  const hostile = () => {
    const p = join(dir, "labels.json");
    writeFileSync(
      p,
      JSON.stringify({
        ccbound: "model",
        version: 1,
        arch: "dfa",
        vocab: ["0", "1"],
        labels: ["\u001b[2Jgone", "txt.\u202eexe\u0007\u0000"],
        states: 2,
        start: 0,
        transitions: [
          [0, 1],
          [1, 0],
        ],
        output: [0, 1],
      }),
    );
    return p;
  };

  it("eval prints a hostile label escaped; --json gives the same string back", () => {
    const p = hostile();
    const r = run(["eval", p, "--input", "1"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("output  txt.\\u{202e}exe\\u{0007}\\u{0000}\n");
    const j = run(["eval", p, "--input", "0", "--json"]);
    expect(j.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(JSON.parse(j.stdout).output).toBe("\u001b[2Jgone");
  });

  it("an error quoting a hostile token is escaped", () => {
    const r = run(["eval", hostile(), "--input", "\u202e1"]);
    expectOneLine(r, /\\u\{202e\}1/);
    expect(r.stderr).not.toContain("\u202e");
  });

  it("a message of 100,000 characters is cut to one line of 400", () => {
    const r = run(["eval", LOOKUP, "--input", "x".repeat(100_000)]);
    expect(r.status).toBe(2);
    expect(r.stderr.endsWith("\n")).toBe(true);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr.trimEnd().length).toBe(400);
    expect(r.stderr).toMatch(/ \.\.\. \(cut here: \d+ characters in all\)\n$/);
  });
});

describe("uncaught errors never read as verdicts", () => {
  it("eval shows non-finite logits and state: a float16 RNN that overflows", () => {
    const p = join(dir, "overflow.json");
    writeFileSync(
      p,
      JSON.stringify({
        ccbound: "model",
        version: 1,
        arch: "recurrent",
        format: "float16",
        vocab: ["0"],
        labels: ["up", "down", "nan"],
        embedding: [[65504]],
        layers: [
          {
            cell: "elman",
            nonlinearity: "relu",
            hidden: 1,
            weight_ih: [[65504]],
            weight_hh: [[0]],
            bias_ih: [0],
            bias_hh: [0],
          },
        ],
        head: { weight: [[1], [-1], [0]], bias: [0, 0, 0] },
      }),
    );
    const r = run(["eval", p, "--input", "0"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "output      up\nnot finite  logits up Infinity, down -Infinity, nan NaN; 1 of 1 state values (the forward pass overflowed in float16)\n",
    );
    const j = JSON.parse(run(["eval", p, "--input", "0", "--json"]).stdout);
    expect(j.logits).toEqual({ up: "Infinity", down: "-Infinity", nan: "NaN" });
    expect(j.state).toEqual(["Infinity"]);
  });

  it("a float16 Transformer whose embeddings overflow: check gives a verdict, its certificate verifies, simulate agrees", () => {
    const p = join(dir, "tf16.json");
    expect(
      run([
        "random-model",
        "--arch",
        "transformer",
        "--hidden",
        "2",
        "--heads",
        "2",
        "--format",
        "float16",
        "--task",
        "dyck",
        "--n",
        "8",
        "--seed",
        "3",
        "--out",
        p,
      ]).status,
    ).toBe(0);
    const m = JSON.parse(readFileSync(p, "utf8")) as { tokenEmbedding: number[][] };
    m.tokenEmbedding = m.tokenEmbedding.map((r) => r.map((v) => (v < 0 ? -60000 : 60000)));
    writeFileSync(p, JSON.stringify(m));
    const c = join(dir, "tf16.cert.json");
    const check = run([
      "check",
      p,
      "--task",
      "dyck",
      "--n",
      "8",
      "--seed",
      "1",
      "--strategy",
      "exhaustive",
      "--cert",
      c,
    ]);
    expect(check.status, check.stderr).toBe(1);
    expect(check.stderr).toBe("");
    const verify = run(["verify", c, "--model", p]);
    expect(verify.status, verify.stderr).toBe(0);
    const sim = run(["simulate", p, "--input", "( ( ) ( ) ( ) )", "--split", "odd-even"]);
    expect(sim.stdout).toMatch(/^output +0 \(both\); forward pass: 0, equal$/m);
    expect(run(["eval", p, "--input", "( ( ) ( ) ( ) )"]).stdout).toMatch(/^not finite {2}logits 0 NaN, 1 NaN/m);
  });

  /** A preload that breaks JSON.parse: a bug anywhere below the CLI, as main sees it. */
  const preload = (body: string) => {
    const p = join(dir, `preload-${Math.random().toString(36).slice(2)}.mjs`);
    writeFileSync(p, body);
    return ["--import", p];
  };
  const runWith = (node: string[], args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(process.execPath, [...node, "bin/ccbound.js", ...args], {
      encoding: "utf8",
      timeout: 30_000,
      env: { ...process.env, ...env },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  // only on ccbound's own files: Node's loader parses package.json files with JSON.parse too
  const brokenParse = () =>
    preload(
      'const parse = JSON.parse; JSON.parse = (t, r) => { if (/"ccbound":\\s*"(model|certificate)"/.test(t)) throw new TypeError("parse exploded"); return parse(t, r); };',
    );

  it("a bug in a command: one line, exit 2 (not verify's 1, not check's 1), the stack only under CCBOUND_DEBUG=1", () => {
    for (const args of [
      ["verify", cert, "--model", EXAMPLE],
      ["check", EXAMPLE, "--task", "equality", "--n", "64", "--seed", "1"],
      ["eval", LOOKUP, "--input", "0"],
    ]) {
      const r = runWith(brokenParse(), args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toBe("ccbound: internal error: TypeError: parse exploded; please report\n");
      expect(r.stdout).toBe("");
    }
    const debug = runWith(brokenParse(), ["eval", LOOKUP, "--input", "0"], { CCBOUND_DEBUG: "1" });
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(
      /^ccbound: internal error: TypeError: parse exploded; please report\nTypeError: parse exploded\n\s+at /,
    );
  });

  it("an exception in a callback and a rejection nobody awaits: one line, exit 2", () => {
    // the preload waits for bin/ccbound.js to be running (its handlers installed), as a real bug would be
    const whenRunning = (act: string) =>
      preload(
        `const t = setInterval(() => { if (process.listenerCount("unhandledRejection") > 0) { clearInterval(t); ${act} } }, 5);`,
      );
    const thrown = runWith(whenRunning('throw new RangeError("late");'), ["bounds", "--n", "8", "--precision", "4"]);
    expect(thrown.status).toBe(2);
    expect(thrown.stderr.trimEnd().split("\n").at(-1)).toBe("ccbound: internal error: RangeError: late; please report");
    const rejected = runWith(whenRunning('Promise.reject(new Error("nobody awaits me"));'), [
      "bounds",
      "--n",
      "8",
      "--precision",
      "4",
    ]);
    expect(rejected.status).toBe(2);
    expect(rejected.stderr).toBe("ccbound: internal error: nobody awaits me; please report\n");
  });
});
