import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

/*
 * --workers, --shard i/n and ccbound merge, as a cluster's job array would use them: the merged verdict and
 * certificate are the unsharded ones, byte for byte; a bad set of shard files is one line and exit 2.
 */
describe("check --shard i/n and ccbound merge", () => {
  const dir = tempDir();
  const model = join(dir, "h.json");
  writeFileSync(model, ccbound("zoo", "hash-equality", "--n", "64", "--bits", "26", "--seed", "2").stdout);
  const search = ["--task", "equality", "--n", "64", "--strategy", "rho", "--seed", "9"];
  const cert = join(dir, "c.json");
  const shardFile = (i: number, n: number, extra: string[] = []) => {
    const out = join(dir, `s${i}of${n}${extra.join("")}.json`);
    const r = ccbound("check", model, ...search, ...extra, "--shard", `${i}/${n}`, "--out", out, "--workers", "1");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`shard ${i}/${n}: \\d+ units, \\d+ planned protocol runs`));
    return out;
  };
  /** The --json report (without merge's own account of the shards) and the certificate file a command leaves. */
  const run = (...args: string[]) => {
    const r = ccbound(...args, "--cert", cert, "--json");
    expect(r.status, r.stderr).toBe(1);
    const { merge: _merge, ...report } = JSON.parse(r.stdout);
    return { report, certificate: readFileSync(cert, "utf8") };
  };

  it("one thread, two workers, and 1, 2 or 3 shards merged: the same report and certificate (seed 9, hash-equality c = 26)", () => {
    const single = run("check", model, ...search, "--workers", "1");
    expect(single.report).toMatchObject({ verdict: "refuted", search: { strategy: "probe+rho+crossed", seed: 9 } });
    expect(single.report.search.rho.points).toBeLessThanOrEqual(65536);
    expect(ccbound("verify", cert, "--model", model).status).toBe(0);
    expect(run("check", model, ...search, "--workers", "2"), "two workers").toEqual(single);
    for (const n of [1, 2, 3]) {
      const files = Array.from({ length: n }, (_, i) => shardFile(i + 1, n));
      expect(run("merge", ...files.reverse()), `${n} shards`).toEqual(single);
    }
  });

  it("the sampled table search shards too: merge prints the unsharded human report", () => {
    const table = ["--task", "equality", "--n", "64", "--strategy", "sample", "--seed", "9"];
    const small = join(dir, "h20.json");
    writeFileSync(small, ccbound("zoo", "hash-equality", "--n", "64", "--bits", "20", "--seed", "2").stdout);
    const single = ccbound("check", small, ...table, "--workers", "1");
    expect(single.status).toBe(1);
    const files = [1, 2].map((i) => {
      const out = join(dir, `t${i}.json`);
      expect(ccbound("check", small, ...table, "--shard", `${i}/2`, "--out", out).status).toBe(0);
      return out;
    });
    const merged = ccbound("merge", ...files);
    expect(merged.status).toBe(1);
    // Every line of the unsharded report, and one more: what rests on the shards' word.
    const shardsLine =
      /^shards\s+\d+ unit results taken from 2 shard files; \d+ of the shards' results recomputed here first \(audit seed \d+\), all matched; \d+ computed here; the results not recomputed rest on the shards' word$/;
    const lines = merged.stdout.trimEnd().split("\n");
    expect(lines.filter((l) => shardsLine.test(l))).toHaveLength(1);
    expect(lines.filter((l) => !shardsLine.test(l)).join("\n")).toBe(single.stdout.trimEnd());
    expect(merged.stdout).toMatch(/probe\+fooling-set\(seeded\)\+crossed: [\d,]+ protocol runs/);
  });

  it("bad sets of shard files: one line, exit 2", () => {
    const [a, b] = [shardFile(1, 2), shardFile(2, 2)];
    expectBadInput(["merge", a], /1 shard is missing \(2\/2; 1 of 2 given\)/);
    expectBadInput(["merge", a, a, b], /both shard 1\/2/);
    const otherSeed = join(dir, "seed10.json");
    expect(ccbound("check", model, ...search.slice(0, -1), "10", "--shard", "2/2", "--out", otherSeed).status).toBe(0);
    expectBadInput(["merge", a, otherSeed], /shards of different searches \(seed 10 vs 9\)/);
    const third = shardFile(3, 3);
    expectBadInput(["merge", a, third], /shards of different searches \(shard count 3 vs 2\)/);
    expectBadInput(["merge", model], /not a ccbound shard file/);
    const edited = join(dir, "edited-model.json");
    const s = JSON.parse(readFileSync(a, "utf8"));
    writeFileSync(edited, JSON.stringify({ ...JSON.parse(readFileSync(model, "utf8")), name: "edited" }));
    expectBadInput(["merge", a, b, "--model", edited], /is not the one the shards ran/);
    expect(s.model.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("shard files are re-derived, not trusted: edited results, a budget that is not the replay's", () => {
    const [a, b] = [shardFile(1, 2), shardFile(2, 2)];
    const edit = (path: string, name: string, change: (f: any) => void) => {
      const f = JSON.parse(readFileSync(path, "utf8"));
      change(f);
      const out = join(dir, name);
      writeFileSync(out, JSON.stringify(f));
      return out;
    };
    // One trail of one unit changed: a full audit recomputes every result and finds it.
    const oneTrail = edit(b, "one-trail.json", (f) => {
      const u = f.work.units.find((x: any) => x.result.kind === "trails");
      u.result.trails[0].point = u.result.trails[0].point.replace(/^./, (c: string) => (c === "0" ? "1" : "0"));
    });
    expectBadInput(
      ["merge", a, oneTrail, "--audit", "all"],
      /shard 2's result for unit \d+ \(rho\) is not what the model computes/,
    );
    // Every result of a shard changed: the default audit of 8 random units finds it.
    const allAnswers = edit(a, "all-answers.json", (f) => {
      for (const u of f.work.units) if (u.result.kind === "answers") u.result.wrong = [0];
    });
    expectBadInput(["merge", allAnswers, b], /is not what the model computes/);
    // A budget that differs from the replay command's, in both files alike (so they agree with each other).
    const budgets = [a, b].map((p, i) => edit(p, `budget-${i}.json`, (f) => (f.job.budget = 12345)));
    expectBadInput(["merge", ...budgets], /replay command is not the one their job fields give/);
  });

  it("INDEX tasks shard too: the dedup walk in 2 shards merges to the unsharded certificate (partial lookup, seed 11)", () => {
    const lookup = join(dir, "pl.json");
    writeFileSync(lookup, ccbound("zoo", "partial-lookup", "--n", "24", "--remember", "9").stdout);
    const dedup = ["--task", "index-lookup", "--n", "24", "--feeds", "dedup", "--seed", "11"];
    const single = ccbound("check", lookup, ...dedup, "--cert", cert, "--json");
    expect(single.status, single.stderr).toBe(1);
    const expected = readFileSync(cert, "utf8");
    const files = [1, 2].map((i) => {
      const out = join(dir, `pl${i}.json`);
      expect(ccbound("check", lookup, ...dedup, "--shard", `${i}/2`, "--out", out).status).toBe(0);
      return out;
    });
    const merged = ccbound("merge", ...files, "--cert", cert, "--json");
    expect(merged.status, merged.stderr).toBe(1);
    const { merge: _merge, ...report } = JSON.parse(merged.stdout);
    expect(report).toEqual(JSON.parse(single.stdout));
    expect(readFileSync(cert, "utf8")).toBe(expected);
  });

  it("bad --shard flags: one line, exit 2", () => {
    expectBadInput(
      ["check", model, ...search, "--shard", "3/2", "--out", join(dir, "x.json")],
      /--shard: --shard takes i\/n with 1 <= i <= n/,
    );
    expectBadInput(["check", model, ...search, "--shard", "1/2"], /--shard needs --out FILE/);
    expectBadInput(
      ["check", model, ...search, "--out", join(dir, "x.json")],
      /--out writes a shard file and needs --shard/,
    );
    expectBadInput(
      ["check", model, ...search, "--shard", "1/2", "--out", join(dir, "x.json"), "--cert", cert],
      /pass --cert to ccbound merge/,
    );
  });
});
