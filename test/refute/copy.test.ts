// Copying (Jelassi et al. 2024) refuted end to end: a recurrent model below the bound, its collision certificate
// verified by recomputation, tampered copies rejected; the bound exact; Transformers outside the table.
import { describe, expect, it } from "vitest";
import { modelSha256 } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { greedyDecode } from "../../src/models/decode.js";
import { feed, stateBits, type RecurrentModel } from "../../src/models/model.js";
import { randomModel } from "../../src/models/random.js";
import { randomTransformer } from "../../src/models/random-transformer.js";
import { reductionFor } from "../../src/reductions/applies.js";
import { bind } from "../../src/reductions/bind.js";
import { refute } from "../../src/refute/check.js";
import { certificateOf, type Certificate } from "../../src/refute/certificate.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { boundParams, findResult, indexBitsBig } from "../../src/registry/index.js";
import type { DfaModelSpec } from "../../src/models/spec.js";
import { makeTask } from "../../src/tasks/index.js";

const L = 12;
const spec = randomModel({
  arch: "gru",
  hidden: 2,
  format: "fixed:1.2",
  vocab: ["0", "1", "|"],
  labels: ["0", "1"],
  seed: 3,
});
const model = compileModel(spec) as RecurrentModel;
const task = makeTask("copy", L);
const sha = modelSha256(spec);

function certificate(): Certificate {
  const v = refute(model, task, { seed: 1 });
  if (v.kind !== "refuted") throw new Error(`expected a refutation, got ${v.kind}`);
  return certificateOf(v, {
    toolVersion: "test",
    modelSha256: sha,
    format: model.formatName,
    task,
    replay: "ccbound verify c.json --model m.json",
  });
}

describe("copying: a recurrent model below the bound", () => {
  it("is below Jelassi et al.'s bound: an 8-bit state against 12 bits for binary strings of length 12", () => {
    expect(stateBits(model)).toBe(8);
    const applies = reductionFor(model, task);
    if (applies.kind !== "reduction" || applies.reduction.kind !== "one-way") throw new Error("no one-way reduction");
    expect(applies.reduction.theorem.id).toBe("jelassi-copy");
    expect(applies.reduction.split.name).toBe(String(L));
    expect(applies.reduction.messageBits).toBe(8);
    expect(applies.reduction.requiredBits).toBe(L);
  });

  it("is refuted by a collision: two strings, one state at the delimiter, one continuation, one copy wrong", () => {
    const cert = certificate();
    expect(cert.kind).toBe("collision");
    expect(cert.theorem).toBe("jelassi-copy");
    const [u, v] = cert.collision!.inputs;
    expect(u.join(" ")).not.toBe(v.join(" "));
    expect(u[L]).toBe("|");
    expect(v[L]).toBe("|");
    expect(cert.collision!.split).toBe(String(L));
    expect(cert.collision!.transcriptBits).toBe(8);
    // The states at the delimiter are one, bit for bit, and so are the continuations; the task answers differ.
    const at = (x: string[]) => Array.from(feed(model, model.newState(), bind(model, task).ids(x.slice(0, L))));
    expect(at(u)).toEqual(at(v));
    const decoded = (x: string[]) => greedyDecode(model, bind(model, task).ids(x), L).join(" ");
    expect(decoded(u)).toBe(decoded(v));
    expect(task.answer(u)).not.toBe(task.answer(v));
    expect([u.join(" "), v.join(" ")]).toContain(cert.input.join(" "));
    expect(cert.answer).not.toBe(cert.expected);
    expect(cert.answer.split(" ")).toHaveLength(L);
    expect(verifyCertificate(cert, model, sha)).toMatchObject({
      valid: true,
      kind: "collision",
      theorem: "jelassi-copy",
      collision: { protocol: "thm2", split: String(L), transcriptBits: 8 },
    });
  });

  it("rejects a tampered certificate: another string, another continuation, another theorem, another transcript", () => {
    const cert = certificate();
    const [u, v] = cert.collision!.inputs;
    const flipped = (x: string[], i: number) => x.map((t, j) => (j === i ? (t === "0" ? "1" : "0") : t));
    const partner = cert.input.join(" ") === u.join(" ") ? v : u;
    const tampered: Certificate[] = [
      // The pair's other string made equal to the input: no collision left.
      { ...cert, collision: { ...cert.collision!, inputs: [cert.input, [...cert.input]] } },
      // A string that does not share the state.
      { ...cert, collision: { ...cert.collision!, inputs: [cert.input, flipped(partner, 0)] } },
      { ...cert, answer: cert.expected },
      { ...cert, expected: cert.answer },
      { ...cert, theorem: "thm3" },
      { ...cert, collision: { ...cert.collision!, transcriptHex: "0" } },
      { ...cert, collision: { ...cert.collision!, split: String(L - 1) } },
    ];
    for (const t of tampered) expect(verifyCertificate(t, model, sha).valid, JSON.stringify(t.collision)).toBe(false);
  });

  it("a DFA that copies every string survives exhaustively, on each of the |Σ|^L inputs; one that forgets a symbol does not", () => {
    const copier = compileModel(copyDfa(5, 5));
    const v = refute(copier, makeTask("copy", 5), { seed: 1 });
    expect(v).toMatchObject({ kind: "survived", mode: "exhaustive", inputs: 32n });
    const forgetful = compileModel(copyDfa(5, 4));
    const w = refute(forgetful, makeTask("copy", 5), { seed: 1 });
    expect(w.kind).toBe("refuted");
    expect(w.kind === "refuted" && w.finding.kind).toBe("collision");
  });
});

/**
 * A DFA that reads a binary string of length L, keeps its first `keep` symbols, and after the delimiter writes them
 * back (0 for each symbol it forgot), whatever is fed back: a right copier when keep = L.
 */
function copyDfa(L: number, keep: number): DfaModelSpec {
  const vocab = ["0", "1", "|"];
  const ids = new Map<string, number>();
  const keys: string[] = [];
  const id = (key: string) => {
    if (!ids.has(key)) {
      ids.set(key, keys.length);
      keys.push(key);
    }
    return ids.get(key)!;
  };
  id("r:/0"); // the start: nothing kept, nothing read
  const transitions: number[][] = [];
  const output: number[] = [];
  for (let s = 0; s < keys.length; s++) {
    const [phase, body] = keys[s]!.split(":") as [string, string];
    if (phase === "r") {
      const [kept, length] = body.split("/") as [string, string];
      const read = Number(length);
      const next = (t: string) => (read >= L ? "x:" : `r:${read < keep ? kept + t : kept}/${read + 1}`);
      const written = kept.padEnd(L, "0");
      transitions.push(vocab.map((t) => id(t === "|" ? (read === L ? `w:${written}` : "x:") : next(t))));
      output.push(0);
    } else if (phase === "w") {
      transitions.push(vocab.map(() => id(body.length > 1 ? `w:${body.slice(1)}` : "x:")));
      output.push(body.length > 0 ? Number(body[0]) : 0);
    } else {
      transitions.push(vocab.map(() => id("x:")));
      output.push(0);
    }
  }
  return {
    ccbound: "model",
    version: 1,
    arch: "dfa",
    vocab,
    labels: ["0", "1"],
    states: keys.length,
    start: 0,
    transitions,
    output,
  };
}

describe("copying: the bound and its scope", () => {
  it("is mp >= ⌈L log2|Σ|⌉ exactly, for any alphabet", () => {
    const r = findResult("jelassi-copy")!;
    for (const [n, k, bits] of [
      [8n, 2n, 8n],
      [8n, 3n, 13n],
      [100n, 3n, 159n],
      [1n << 40n, 256n, 8n << 40n],
    ] as const) {
      const e = r.evaluate!(boundParams({ n, p: 16, alphabet: k }));
      if (!e.applicable) throw new Error("not applicable");
      expect(e.quantities[0]!.least).toBe(bits);
      expect(indexBitsBig(n, k)).toBe(bits);
    }
    expect(r.requiredStateBits!(8, 3)).toBe(13);
  });

  it("does not apply to Transformers: their state grows with the input", () => {
    const t = compileModel(
      randomTransformer({
        width: 4,
        heads: 1,
        layers: 1,
        maxLength: 2 * L,
        format: "float32",
        vocab: ["0", "1", "|"],
        labels: ["0", "1"],
        seed: 1,
      }),
    );
    const applies = reductionFor(t, task);
    expect(applies.kind).toBe("none");
    expect(applies.kind === "none" && applies.reason).toMatch(/fixed-size state/);
  });
});
