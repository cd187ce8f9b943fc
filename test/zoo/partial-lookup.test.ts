import { describe, expect, it } from "vitest";
import { validateModel } from "../../src/io/model-file.js";
import { compileModel } from "../../src/models/compile.js";
import { forward, stateBits } from "../../src/models/model.js";
import { bind } from "../../src/reductions/bind.js";
import { certificateOf } from "../../src/refute/certificate.js";
import { refute } from "../../src/refute/check.js";
import { verifyCertificate } from "../../src/refute/verify.js";
import { makeTask } from "../../src/tasks/index.js";
import { zooEntry } from "../../src/zoo/index.js";
import { partialLookup, partialLookupDefault } from "../../src/zoo/partial-lookup.js";

const SHA = "0".repeat(64);

describe("zoo: partial-lookup", () => {
  it("is wrong exactly when the query asks for a position after the first m that holds 1 (every input, n = 7, m = 1..7)", () => {
    const n = 7;
    const task = makeTask("index-lookup", n);
    for (let m = 1; m <= n; m++) {
      const spec = partialLookup({ n, remember: m });
      expect(() => validateModel(JSON.parse(JSON.stringify(spec)), "zoo")).not.toThrow();
      const model = compileModel(spec);
      const b = bind(model, task);
      for (const input of task.enumerate()) {
        const p = Number(input[n]!.slice(1));
        const isWrong = model.labels[forward(model, b.ids(input))] !== task.answer(input);
        expect(isWrong, `m=${m} ${input.join(" ")}`).toBe(p > m && input[p - 1] === "1");
      }
    }
  });

  it("keeps 9 bits per remembered position; the default m is the most below Theorem 3's bound of n bits", () => {
    for (const [n, m] of [
      [10, 1],
      [64, 3],
      [128, 12],
    ] as const) {
      expect(stateBits(compileModel(partialLookup({ n, remember: m })))).toBe(9 * m);
    }
    expect(partialLookupDefault(64)).toBe(7);
    expect(stateBits(compileModel(partialLookup({ n: 64 })))).toBe(63);
    expect(partialLookupDefault(5)).toBe(1);
  });

  it("at n = 128, m = 8 (below the bound): the dedup walk collides at position 9 after 2^9 runs, with a certificate that verifies", () => {
    const task = makeTask("index-lookup", 128);
    const model = compileModel(partialLookup({ n: 128, remember: 8 }));
    const verdict = refute(model, task, { seed: 1, only: ["dedup"] });
    expect(verdict).toMatchObject({
      kind: "refuted",
      search: { strategy: "dedup", runs: 512 },
      finding: { kind: "collision" },
    });
    if (verdict.kind !== "refuted") return;
    const cert = certificateOf(verdict, {
      toolVersion: "test",
      modelSha256: SHA,
      format: model.formatName,
      task,
      replay: "-",
    });
    expect(verifyCertificate(cert, model, SHA)).toMatchObject({ valid: true, kind: "collision", theorem: "thm3" });
    // The whole portfolio needs one run: the first string's queries past position 8 are answered wrongly.
    expect(refute(model, task, { seed: 1 })).toMatchObject({
      kind: "refuted",
      search: { runs: 1 },
      finding: { kind: "wrong-answer", feed: "sample" },
    });
  });

  it("is a zoo entry taking --remember, and rejects a bad m", () => {
    const entry = zooEntry("partial-lookup");
    expect(entry.takes).toEqual(["remember"]);
    expect(entry.build({ n: 20, remember: 5 }).name).toBe("partial-lookup n=20 remember=5");
    expect(entry.task({ n: 20 }).name).toBe("index-lookup");
    expect(() => partialLookup({ n: 5, remember: 6 })).toThrow(/--remember must be 1..5/);
    expect(() => partialLookup({ n: 5, remember: 0 })).toThrow(/--remember/);
  });
});
