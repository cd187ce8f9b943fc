import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the installed binary, as a user would. */
export function ccbound(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, ["bin/ccbound.js", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "ccbound-test-"));
}
