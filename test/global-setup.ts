import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Build dist/ for the end-to-end tests (CCBOUND_SKIP_BUILD=1 skips it when running unit tests only, during work), and
 * give the run one temporary directory of its own: TMPDIR points into it for every test worker and every process the
 * tests start, and it is removed when the run ends, so the tests' scratch files (certificates, models, shards) do not
 * pile up in the machine's /tmp and two runs on one machine never share one.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "ccbound-tests-"));
  process.env.TMPDIR = root;
  if (process.env.CCBOUND_SKIP_BUILD !== "1")
    execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
      stdio: "inherit",
    });
  return () => rmSync(root, { recursive: true, force: true });
}
