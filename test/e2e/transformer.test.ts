// The command line with Transformers, the new tasks and the zoo, as a user runs it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

const dir = tempDir();
const at = (name: string) => join(dir, name);

describe("Transformers on the command line", () => {
  const model = at("tf-dyck8.json");
  it("random-model --arch transformer writes a one-layer model for dyck; check refutes it through Lemma 1 and Theorem 4; verify accepts", () => {
    const made = ccbound(
      "random-model",
      "--arch",
      "transformer",
      "--hidden",
      "2",
      "--heads",
      "2",
      "--format",
      "fixed:2.5",
      "--task",
      "dyck",
      "--n",
      "8",
      "--seed",
      "3",
      "--out",
      model,
    );
    expect(made.status, made.stderr).toBe(0);
    const cert = at("tf-dyck8.cert.json");
    const r = ccbound("check", model, "--task", "dyck", "--n", "8", "--seed", "1", "--cert", cert, "--json");
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      verdict: "refuted",
      bound: { theorem: "thm5", requiredBits: 7, split: "odd-even", problem: "DYCK" },
    });
    expect(report.model.messageBits).toBeGreaterThan(0);
    expect(report.model.stateBits).toBeUndefined();
    expect(existsSync(cert)).toBe(true);
    const v = ccbound("verify", cert, "--model", model);
    expect(v.status, v.stdout + v.stderr).toBe(0);
  });

  it("simulate --split odd-even prints Theorem 4's transcript; its cost is the closed form and its output the forward pass", () => {
    const r = ccbound("simulate", model, "--input", "( [ ] ) [ ] ( )", "--split", "odd-even", "--json");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.cost).toBe(out.closedForm);
    expect(out.output).toBe(out.forward);
    expect(out.messages[0]).toMatchObject({ from: "bob", bits: 2 }); // Bob holds the last (even) position: the token, 2 bits
    expect(out.messages).toHaveLength(7);
  });

  it("eval --json gives the label, the logits and the final vector", () => {
    const r = ccbound("eval", model, "--input", "( ) [ ]", "--json");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out.logits)).toEqual(["0", "1"]);
    expect(out.finalVector).toHaveLength(2);
  });

  it("bad requests: one line, exit 2", () => {
    expectBadInput(
      ["check", model, "--task", "dyck", "--n", "8", "--split", "4"],
      /splits the input at "odd-even", not "4"/,
    );
    expectBadInput(["check", model, "--task", "dyck", "--n", "7"], /even/);
    expectBadInput(["check", model, "--task", "equality", "--n", "8"], /vocabulary has no token "0"/);
    expectBadInput(["simulate", model, "--input", "( ) [ ]", "--split", "9"], /cut must be 0..4/);
    expectBadInput(["random-model", "--arch", "transformer", "--hidden", "2", "--vocab", "3"], /--max-length/);
    expectBadInput(
      [
        "random-model",
        "--arch",
        "transformer",
        "--hidden",
        "4096",
        "--heads",
        "64",
        "--vocab",
        "3",
        "--max-length",
        "8",
      ],
      /more than a model file holds/,
    );
    const two = at("tf2.json");
    expect(
      ccbound(
        "random-model",
        "--arch",
        "transformer",
        "--hidden",
        "2",
        "--layers",
        "2",
        "--task",
        "dyck",
        "--n",
        "6",
        "--out",
        two,
      ).status,
    ).toBe(0);
    // No lower bound for two layers (Corollary 13.1): check runs the model on the task itself, and this one is wrong.
    const r = ccbound("check", two, "--task", "dyck", "--n", "6", "--seed", "1");
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^bound\s+none: the paper proves no lower bound for Transformers of two or more layers \(Corollary 13\.1/m,
    );
    expect(r.stdout).toMatch(
      /^verdict\s+REFUTED \(wrong answer\): answers "\d" where the task says "\d"; a plain counterexample/m,
    );
    // The sweep of every input shards too: 2 shards merged give the unsharded report and certificate.
    const alone = ccbound("check", two, "--task", "dyck", "--n", "6", "--seed", "1", "--json", "--cert", at("c1.json"));
    const shards = [1, 2].map((i) => {
      const out = at(`sweep${i}.json`);
      const s = ccbound("check", two, "--task", "dyck", "--n", "6", "--seed", "1", "--shard", `${i}/2`, "--out", out);
      expect(s.status, s.stderr).toBe(0);
      return out;
    });
    const merged = ccbound("merge", ...shards, "--json", "--cert", at("c2.json"));
    expect(merged.status, merged.stderr).toBe(1);
    const { merge: _merge, ...report } = JSON.parse(merged.stdout);
    const single = JSON.parse(alone.stdout);
    expect(single.search.strategy).toMatch(/sweep/);
    // The same but for the certificate's own path in the replay line.
    const unpathed = (r: unknown) => JSON.stringify(r).replace(/c[12]\.json/g, "CERT");
    expect(unpathed(report)).toEqual(unpathed(single));
    expectBadInput(["check", model, "--task", "dyck", "--n", "8", "--dim", "3"], /dyck takes no --dim/);
    expectBadInput(["eval", model, "--input", "( ) ( ) ( ) ( ) ( )"], /takes 1 to 8 tokens/);
    const hash = at("hash-short.json");
    expect(ccbound("zoo", "hash-equality", "--n", "32", "--bits", "12", "--out", hash).status).toBe(0);
    expectBadInput(["eval", hash, "--input", Array(40).fill("0").join(" ")], /at most 32 tokens/);
  });
});

describe("the zoo", () => {
  it("zoo hash-equality writes a model that check refutes on equality (Theorem 11), and verify accepts the certificate", () => {
    const m = at("hash.json");
    expect(ccbound("zoo", "hash-equality", "--n", "32", "--bits", "12", "--seed", "2", "--out", m).status).toBe(0);
    const spec = JSON.parse(readFileSync(m, "utf8"));
    expect(spec.positionEmbedding).toHaveLength(32);
    const cert = at("hash.cert.json");
    const r = ccbound("check", m, "--task", "equality", "--n", "32", "--seed", "1", "--cert", cert);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Theorem 11/);
    expect(ccbound("verify", cert, "--model", m).status).toBe(0);
  });

  it("zoo counting-dyck is refuted through a Theorem 4 collision at the odd/even split, and verify re-runs that protocol", () => {
    const m = at("counting.json");
    expect(ccbound("zoo", "counting-dyck", "--n", "16", "--out", m).status).toBe(0);
    const cert = at("counting.cert.json");
    const r = ccbound("check", m, "--task", "dyck", "--n", "16", "--seed", "1", "--cert", cert);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /REFUTED \(collision\): .*two inputs send one \d+-bit transcript at split odd-even, and the crossed input must get their answer: Theorem 5's argument/,
    );
    const v = ccbound("verify", cert, "--model", m);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/Theorem 4's protocol at split odd-even/);
  });

  it("bad zoo requests: unknown name, a parameter the model does not take, an odd n", () => {
    expectBadInput(["zoo", "hash-equalty", "--n", "8"], /no zoo model "hash-equalty"/);
    expectBadInput(["zoo", "hash-equality", "--n", "8", "--forget", "2"], /takes no --forget/);
    expectBadInput(["zoo", "hash-equality", "--n", "7"], /even n/);
    expectBadInput(["zoo", "hash-equality", "--n", "64", "--bits", "3"], /--bits must be 6..48/);
    expectBadInput(["zoo", "counting-dyck", "--n", "7"], /even length/);
  });
});
