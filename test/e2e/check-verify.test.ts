import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, tempDir } from "./cli.js";

describe("random model -> check -> verify (issue 2, done-when 2 and 3)", () => {
  const dir = tempDir();
  for (const arch of ["elman", "lstm", "gru", "linear", "dfa"])
    for (const seed of [1, 2, 3]) {
      it(`${arch}, seed ${seed}: refuted at n=40 with a certificate verify accepts`, () => {
        const model = join(dir, `${arch}-${seed}.json`);
        const cert = join(dir, `${arch}-${seed}.cert.json`);
        const made = ccbound(
          "random-model",
          "--arch",
          arch,
          "--hidden",
          "2",
          "--format",
          "fixed:1.2",
          "--task",
          "index-lookup",
          "--n",
          "40",
          "--seed",
          String(seed),
        );
        expect(made.status).toBe(0);
        writeFileSync(model, made.stdout);
        const check = ccbound("check", model, "--task", "index-lookup", "--n", "40", "--json", "--cert", cert);
        expect(check.status, check.stderr).toBe(1);
        const report = JSON.parse(check.stdout);
        expect(report.verdict).toBe("refuted");
        expect(report.bound).toMatchObject({ theorem: "thm3", requiredBits: 40, below: true });
        expect(report.search.runs).toBeGreaterThan(0);
        expect(report.certificate).toEqual(JSON.parse(readFileSync(cert, "utf8")));
        expect(ccbound("verify", cert, "--model", model).status).toBe(0);
      });
    }

  it("verify rejects the certificate for another model, and after its input is edited (exit 1)", () => {
    const { model, other, cert } = freshCertificate(dir, "rejects");
    const wrongModel = ccbound("verify", cert, "--model", other);
    expect(wrongModel.status).toBe(1);
    expect(wrongModel.stdout).toMatch(/INVALID\s+certificate is for model/);

    const c = JSON.parse(readFileSync(cert, "utf8"));
    const edited = join(dir, "edited.json");
    const flip = (t: string) => (t === "0" ? "1" : t === "1" ? "0" : t);
    // Flip the symbol the query asks for: the task's answer changes, so the recorded "expected" is no longer right.
    const q = Number(c.input[c.input.length - 1].slice(1)) - 1;
    c.input[q] = flip(c.input[q]);
    writeFileSync(edited, JSON.stringify(c));
    const r = ccbound("verify", edited, "--model", model);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/INVALID\s+the task's answer is/);
  });

  it("verify rejects every claim it can recompute when it is edited: transcript, theorem, kind, format, task parameters", () => {
    const { model, cert } = collisionCertificate(dir, "claims");
    const edits: [string, (c: any) => void, RegExp, number][] = [
      [
        "transcript",
        (c) =>
          (c.collision.transcriptHex = c.collision.transcriptHex.replace(/^./, (d: string) => (d === "0" ? "1" : "0"))),
        /recorded transcript/,
        1,
      ],
      ["theorem", (c) => (c.theorem = "prop9"), /cites prop9, but the bound for this model on index-lookup is thm3/, 1],
      ["format", (c) => (c.model.format = "float32"), /made in number format float32, this model runs in dfa/, 1],
      ["extra parameter", (c) => (c.task.params.foo = 1), /"foo" is not a parameter/, 1],
      ["bad alphabet", (c) => (c.task.params.alphabet = 1), /alphabet size must be a whole number >= 2, got 1/, 1],
      // What the file itself says wrongly is bad input (exit 2), not an invalid claim.
      ["alphabet type", (c) => (c.task.params.alphabet = "7"), /\/task\/params\/alphabet: expected a number/, 2],
      ["kind without the theorem", (c) => (c.kind = "wrong-answer"), /a wrong-answer certificate cites no theorem/, 2],
    ];
    for (const [what, edit, message, status] of edits) {
      const c = JSON.parse(readFileSync(cert, "utf8"));
      edit(c);
      const edited = join(dir, `edited-${what.replace(/ /g, "-")}.json`);
      writeFileSync(edited, JSON.stringify(c));
      const r = ccbound("verify", edited, "--model", model);
      expect(r.status, what).toBe(status);
      expect(status === 1 ? r.stdout : r.stderr, what).toMatch(message);
    }
  });

  it("verify says what it confirmed: task, parameters, N, format, kind, theorem and the answers (human and --json)", () => {
    const { model, cert } = collisionCertificate(dir, "confirmed");
    const human = ccbound("verify", cert, "--model", model);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(
      /^task\s+--task index-lookup --n 10 \(N = 10; params \{"alphabet":2\}\), model run in dfa$/m,
    );
    expect(human.stdout).toMatch(/^kind\s+collision: the theorem's argument, run on this model$/m);
    expect(human.stdout).toMatch(/^theorem\s+thm3 \(Theorem 3\): applies to this model on this task$/m);
    expect(human.stdout).toMatch(/^collision\s+re-run through Theorem 2's protocol at split 10/m);
    const json = JSON.parse(ccbound("verify", cert, "--model", model, "--json").stdout);
    expect(json).toMatchObject({
      valid: true,
      kind: "collision",
      task: { name: "index-lookup", n: 10, params: { alphabet: 2 } },
      format: "dfa",
      theorem: "thm3",
      collision: { protocol: "thm2", split: "10" },
    });
    expect(json.answer).not.toBe(json.expected);
  });

  it("verify rejects a collision that cites a theorem which does not apply: thm12 for a two-layer model, thm5 for Dyck of depth 1", () => {
    // A wrong-answer certificate made by check where no bound applies, dressed up as a collision of that theorem.
    const cases = [
      {
        arch: ["--layers", "2"],
        task: ["--task", "equality", "--n", "8"],
        theorem: "thm12",
        split: "4",
        why: /two or more layers/,
      },
      {
        arch: ["--layers", "1"],
        task: ["--task", "dyck", "--n", "8", "--depth", "1"],
        theorem: "thm5",
        split: "odd-even",
        why: /this task is Dyck-\(2,1\)/,
      },
    ];
    for (const c of cases) {
      const model = join(dir, `cites-${c.theorem}.json`);
      const made = ccbound(
        "random-model",
        "--arch",
        "transformer",
        "--hidden",
        "2",
        "--format",
        "float32",
        ...c.arch,
        ...c.task,
        "--seed",
        "1",
        "--out",
        model,
      );
      expect(made.status, made.stderr).toBe(0);
      const cert = join(dir, `cites-${c.theorem}.cert.json`);
      const check = ccbound("check", model, ...c.task, "--seed", "1", "--cert", cert);
      expect(check.status, check.stdout).toBe(1);
      const original = JSON.parse(readFileSync(cert, "utf8"));
      expect(original).toMatchObject({ kind: "wrong-answer", theorem: null });
      const forged = {
        ...original,
        kind: "collision",
        theorem: c.theorem,
        collision: { split: c.split, inputs: [original.input, original.input], transcriptBits: 0, transcriptHex: "" },
      };
      const path = join(dir, `cites-${c.theorem}.forged.json`);
      writeFileSync(path, JSON.stringify(forged));
      const r = ccbound("verify", path, "--model", model);
      expect(r.status, c.theorem).toBe(1);
      expect(r.stdout.trim().split("\n")).toHaveLength(1);
      expect(r.stdout, c.theorem).toMatch(new RegExp(`^INVALID\\s+the certificate cites ${c.theorem}, but `));
      expect(r.stdout, c.theorem).toMatch(c.why);
    }
  });

  it("check refuses a --cert path that would overwrite the model", () => {
    const { model } = freshCertificate(dir, "overwrite");
    const before = readFileSync(model, "utf8");
    // Another spelling of the same path must be caught too.
    const r = ccbound("check", model, "--task", "index-lookup", "--n", "40", "--cert", `${dir}/./overwrite-lstm.json`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /--cert: .* is the model file \(.*\): writing it would overwrite an input of this command/,
    );
    expect(readFileSync(model, "utf8")).toBe(before);
  });
});

/** A refuted LSTM, a second model, and the LSTM's certificate, made afresh in `dir` for one test. */
function freshCertificate(dir: string, name: string): { model: string; other: string; cert: string } {
  const model = join(dir, `${name}-lstm.json`);
  const other = join(dir, `${name}-gru.json`);
  const cert = join(dir, `${name}.cert.json`);
  for (const [arch, path] of [
    ["lstm", model],
    ["gru", other],
  ] as const) {
    const made = ccbound(
      "random-model",
      "--arch",
      arch,
      "--hidden",
      "2",
      "--format",
      "fixed:1.2",
      "--task",
      "index-lookup",
      "--n",
      "40",
      "--seed",
      "1",
      "--out",
      path,
    );
    expect(made.status).toBe(0);
  }
  expect(ccbound("check", model, "--task", "index-lookup", "--n", "40", "--cert", cert, "--seed", "1").status).toBe(1);
  return { model, other, cert };
}

/** A collision certificate: the DFA that forgets position 7, checked by enumerating Alice's strings in order. */
function collisionCertificate(dir: string, name: string): { model: string; cert: string } {
  const model = "examples/lookup-dfa-forgets-7.json";
  const cert = join(dir, `${name}.collision.json`);
  const r = ccbound(
    "check",
    model,
    "--task",
    "index-lookup",
    "--n",
    "10",
    "--strategy",
    "exhaustive",
    "--seed",
    "1",
    "--cert",
    cert,
  );
  expect(r.status, r.stdout + r.stderr).toBe(1);
  expect(JSON.parse(readFileSync(cert, "utf8"))).toMatchObject({ kind: "collision", theorem: "thm3" });
  return { model, cert };
}

describe("survival and the other verdicts", () => {
  it("a DFA that stores all N symbols survives check with mode exhaustive (done-when 4)", () => {
    const r = ccbound("check", "examples/lookup-dfa-10.json", "--task", "index-lookup", "--n", "10", "--json");
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ verdict: "survived", mode: "exhaustive", inputs: String(2 ** 10 * 10) });
    expect(report.replay).toMatch(/^ccbound check examples\/lookup-dfa-10.json --task index-lookup --n 10 /);
  });

  it("inconclusive exits 3: below the bound but the budget is too small to find the error, and says what more budget would take", () => {
    const r = ccbound(
      "check",
      "examples/lookup-dfa-forgets-7.json",
      "--task",
      "index-lookup",
      "--n",
      "10",
      "--strategy",
      "sample",
      "--budget",
      "1",
      "--seed",
      "4",
      "--json",
    );
    const report = JSON.parse(r.stdout);
    // One sample can hit the error directly (then refuted); otherwise it must not claim survival.
    expect([1, 3]).toContain(r.status);
    expect(report.verdict).toBe(r.status === 1 ? "refuted" : "inconclusive");
    if (r.status === 3) {
      expect(report.budgetCanHelp).toBe(true);
      expect(report.reason).toMatch(/guarantees an error .* raise --budget/);
    }
  });

  it("human output names the state bits, the bound and theorem, the strategy, the runs and the verdict", () => {
    const r = ccbound(
      "check",
      "examples/lstm-fixed1.2-index40.json",
      "--task",
      "index-lookup",
      "--n",
      "40",
      "--seed",
      "1",
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/state\s+16 bits/);
    expect(r.stdout).toMatch(/Theorem 3: mp >= N log2\|Σ\|, here 40 bits/);
    expect(r.stdout).toMatch(/search\s+sample\+dedup: \d+ protocol runs? of a budget of 1,048,576, seed 1/);
    expect(r.stdout).toMatch(/^ {2}sample\s+\d+ runs?: Alice's strings, each with every query checked/m);
    expect(r.stdout).toMatch(/REFUTED \(wrong answer\): .*no theorem cited/);
    expect(r.stdout).toMatch(/replay\s+ccbound check/);
    expect(r.stderr).toBe("");
  });

  it("the same seed gives the same bytes", () => {
    const args = [
      "check",
      "examples/gru-float32-index16.json",
      "--task",
      "index-lookup",
      "--n",
      "16",
      "--strategy",
      "sample",
      "--seed",
      "77",
      "--json",
    ];
    expect(ccbound(...args).stdout).toBe(ccbound(...args).stdout);
  });
});

describe("eval and simulate", () => {
  it("simulate: the transcript's bit counts add up to the cost, and Bob's output equals the forward pass", () => {
    const input = "1 0 1 1 0 0 1 0 1 1 0 0 1 0 1 1 @3";
    const r = ccbound(
      "simulate",
      "examples/gru-float32-index16.json",
      "--input",
      input,
      "--split",
      "16",
      "--task",
      "index-lookup",
      "--n",
      "16",
      "--json",
    );
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.messages.reduce((a: number, m: { bits: number }) => a + m.bits, 0)).toBe(s.cost);
    expect(s.cost).toBe(128);
    expect(s.closedForm).toBe(s.cost);
    expect(s.output).toBe(s.forward);
    const e = JSON.parse(ccbound("eval", "examples/gru-float32-index16.json", "--input", input, "--json").stdout);
    expect(e.output).toBe(s.output);
    expect(e.stateBits).toBe(128);
    expect(Object.keys(e.logits)).toEqual(["0", "1"]);
  });

  it("simulate prints each message with its bits in human form", () => {
    const r = ccbound("simulate", "examples/lstm-fixed1.2-index40.json", "--input", "1 0 1 @2", "--split", "3");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/message 1\s+alice -> bob: h_K: 4 values x 4 bits \(fixed:1.2\): 16 bits 0x[0-9a-f]{4}/);
    expect(r.stdout).toMatch(/cost\s+16 bits/);
  });
});

describe("pipes", () => {
  it("a reader that closes the pipe early (megabytes unread) gets no stack trace and exit 0", async () => {
    const { spawnSync } = await import("node:child_process");
    const r = spawnSync(
      "bash",
      [
        "-c",
        "node bin/ccbound.js random-model --arch lstm --hidden 256 --vocab 4 | head -c 1 >/dev/null; echo ${PIPESTATUS[0]}",
      ],
      { encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("0");
  });
});
