import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/*
 * The Slurm path for real: scripts/slurm-test.sh starts a single-node cluster on localhost, submits the job-array
 * script of `ccbound jobs slurm` with its merge as a dependent job, and compares the merged certificate with the
 * unsharded one byte for byte. Skipped (with the reason printed) where Slurm is not installed or this is not root;
 * CCBOUND_SLURM_TEST=required (set by .ci/run after installing Slurm) makes a missing Slurm a failure instead.
 */
const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const missing = ["sbatch", "slurmctld", "slurmd", "munged"].filter((t) => !has(t));
const root = process.getuid?.() === 0;
const required = process.env["CCBOUND_SLURM_TEST"] === "required";
const reason = missing.length > 0 ? `${missing.join(", ")} not installed` : root ? "" : "not root";
if (reason !== "" && !required)
  process.stderr.write(`test/e2e/slurm.test.ts: skipped, ${reason} (scripts/slurm-test.sh --install, as root)\n`);

describe.skipIf(reason !== "" && !required)("a sharded check on a real Slurm cluster", () => {
  it("4 array tasks and a dependent merge give the unsharded certificate, byte for byte", () => {
    expect(reason, "CCBOUND_SLURM_TEST=required").toBe("");
    const r = spawnSync("bash", ["scripts/slurm-test.sh"], { encoding: "utf8", timeout: 170_000 });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/the 4 shards' merged certificate is the unsharded one, byte for byte/);
    expect(r.stdout).toMatch(/slurm test: [1-9]\d* passed, 0 failed/);
    process.stderr.write(
      r.stdout
        .split("\n")
        .filter((l) => l.includes(" in all"))
        .join("\n") + "\n",
    );
  }, 180_000);
});
