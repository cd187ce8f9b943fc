import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ccbound, expectBadInput, tempDir } from "./cli.js";

/*
 * ccbound jobs slurm|k8s: the script's lines and the manifest's structure, and both run here as a scheduler would run
 * them (SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX set by hand), in a directory whose name needs quoting: the merged
 * certificate is the unsharded one, byte for byte. test/e2e/slurm.test.ts submits the script to a real Slurm.
 */
const bin = resolve("bin/ccbound.js");

describe("ccbound jobs", () => {
  const dir = join(tempDir(), "a dir with 'quotes' and $HOME");
  mkdirSync(dir, { recursive: true });
  const model = join(dir, "h.json");
  writeFileSync(model, ccbound("zoo", "hash-equality", "--n", "64", "--bits", "20", "--seed", "2").stdout);
  const search = ["--task", "equality", "--n", "64", "--strategy", "sample", "--seed", "9"];
  const run = (cwd: string, file: string, args: string[], env: Record<string, string> = {}) =>
    spawnSync(file, args, { cwd, encoding: "utf8", env: { ...process.env, ...env } });
  /** The unsharded check's certificate, written under `cert` in a directory of its own beside the model's copy. */
  const unsharded = (cert: string) => {
    const alone = join(dir, `alone-${cert}`);
    mkdirSync(alone);
    copyFileSync(model, join(alone, "h.json"));
    const r = run(alone, process.execPath, [bin, "check", "h.json", ...search, "--workers", "1", "--cert", cert]);
    expect(r.status, r.stderr).toBe(1);
    return readFileSync(join(alone, cert), "utf8");
  };
  /** A job's directory with a copy of the model. */
  const workdir = (name: string) => {
    const work = join(dir, name);
    mkdirSync(work);
    copyFileSync(model, join(work, "h.json"));
    return work;
  };

  it("slurm: an array script whose tasks and merge give the unsharded certificate (seed 9, 4 shards)", () => {
    const work = workdir("slurm");
    const r = ccbound(
      "jobs",
      "slurm",
      "h.json",
      ...search,
      "--cert",
      "c.json",
      "--shards",
      "4",
      "--workers",
      "1",
      "--out",
      join(work, "job.sh"),
      "--workdir",
      work,
      "--ccbound",
      bin,
      "--name",
      "eq",
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote\s+.*job\.sh: 4 shards of ccbound check h\.json --task equality/m);
    const script = readFileSync(join(work, "job.sh"), "utf8");
    const lines = script.split("\n").map((l) => l.trim());
    expect(lines[0]).toBe("#!/bin/bash");
    expect(lines).toContain("#SBATCH --array=0-3");
    expect(lines).toContain("#SBATCH --job-name=eq");
    expect(lines).toContain("#SBATCH --cpus-per-task=1");
    expect(lines).toContain("i=$((SLURM_ARRAY_TASK_ID + 1))");
    expect(lines).toContain(
      'exec "${ccbound[@]}" check h.json --task equality --n 64 --strategy sample --seed 9 --workers 1 --shard "$i/$shards" --out "$name-shard-$i.json"',
    );
    expect(lines).toContain('exec "${ccbound[@]}" merge "${files[@]}" --cert c.json');
    expect(lines.filter((l) => l.includes('--dependency="afterok:$array"'))).toHaveLength(1);
    expect(run(work, "bash", ["-n", "job.sh"]).status).toBe(0);
    // Outside Slurm, the script refuses to be a task.
    expect(run(work, "bash", ["job.sh"]).status).toBe(2);
    for (let k = 0; k < 4; k++) {
      const t = run(work, "bash", ["job.sh"], { SLURM_ARRAY_TASK_ID: String(k) });
      expect(t.status, t.stderr).toBe(0);
      expect(t.stdout).toMatch(new RegExp(`shard ${k + 1}/4: `));
    }
    const m = run(work, "bash", ["job.sh", "merge"]);
    expect(m.status, m.stderr).toBe(1);
    expect(readFileSync(join(work, "c.json"), "utf8")).toBe(unsharded("c.json"));
  });

  it("k8s: an Indexed Job (JSON, which is YAML) whose indices and merge give the unsharded certificate", () => {
    const work = workdir("k8s");
    const r = ccbound(
      "jobs",
      "k8s",
      "h.json",
      ...search,
      "--shards",
      "3",
      "--out",
      join(work, "job.yaml"),
      "--workdir",
      work,
      "--ccbound",
      bin,
      "--image",
      "registry.example/ccbound:0.1.0",
      "--claim",
      "ccbound-work",
    );
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(join(work, "job.yaml"), "utf8");
    const comments = text.split("\n").filter((l) => l.startsWith("#"));
    expect(
      comments.some((l) => l.includes("kubectl wait --for=condition=complete --timeout=-1s job/ccbound-check")),
    ).toBe(true);
    const manifest = JSON.parse(
      text
        .split("\n")
        .filter((l) => !l.startsWith("#"))
        .join("\n"),
    );
    expect(manifest).toMatchObject({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "ccbound-check" },
      spec: {
        completionMode: "Indexed",
        completions: 3,
        parallelism: 3,
        template: {
          spec: {
            restartPolicy: "Never",
            volumes: [{ name: "work", persistentVolumeClaim: { claimName: "ccbound-work" } }],
          },
        },
      },
    });
    const [container] = manifest.spec.template.spec.containers;
    expect(container).toMatchObject({
      image: "registry.example/ccbound:0.1.0",
      workingDir: work,
      volumeMounts: [{ name: "work", mountPath: work }],
    });
    const [sh, c, line, name, ...argv] = container.command as string[];
    expect([sh, c, name]).toEqual(["sh", "-c", "sh"]);
    expect(line).toBe('i=$((JOB_COMPLETION_INDEX + 1)); exec "$@" --shard "$i/3" --out "ccbound-check-shard-$i.json"');
    expect(argv).toEqual([bin, "check", "h.json", ...search]);
    // Each completion index as the Job controller would run it, then the documented merge.
    for (let k = 0; k < 3; k++) {
      const t = run(work, sh!, [c!, line!, name!, ...argv], { JOB_COMPLETION_INDEX: String(k) });
      expect(t.status, t.stderr).toBe(0);
    }
    const merge = comments.find((l) => l.includes(" merge ccbound-check-shard-"))!.replace(/^#\s+/, "");
    expect(merge).toMatch(/merge ccbound-check-shard-\{1\.\.3\}\.json --cert ccbound-check\.cert\.json$/);
    const m = run(work, "bash", ["-c", merge]);
    expect(m.status, m.stderr).toBe(1);
    expect(readFileSync(join(work, "ccbound-check.cert.json"), "utf8")).toBe(unsharded("ccbound-check.cert.json"));
  });

  it("the check's arguments are validated first: one line, exit 2, nothing written", () => {
    const out = join(dir, "never.sh");
    const jobs = (...args: string[]) => ["jobs", "slurm", model, ...args, "--shards", "2", "--out", out];
    expectBadInput(jobs(...search, "--stratgy", "rho"), /the check's arguments: unknown option '--stratgy'/);
    expectBadInput(jobs(...search.slice(0, -1), "x"), /--seed must be a whole number/);
    expectBadInput(jobs("--task", "equality"), /--n: give either --n N or --at-bound/);
    expectBadInput(jobs(...search, "--shard", "1/2"), /--shard is set by the job for each task/);
    expectBadInput(jobs(...search, "--split", "99"), /split/);
    expectBadInput(["jobs", "k8s", model, ...search, "--shards", "2", "--out", out], /needs --image/);
    expectBadInput(["jobs", "pbs", model, ...search, "--shards", "2", "--out", out], /slurm, k8s/);
    expectBadInput(["jobs", "slurm", model, ...search, "--shards", "0", "--out", out], /--shards must be between 1/);
    expectBadInput(["jobs", "slurm", model, ...search, "--shards", "2", "--out", model], /overwrite an input/);
    expectBadInput([...jobs(...search), "--name", "Bad_Name"], /--name takes lowercase/);
    expect(existsSync(out)).toBe(false);
  });
});
