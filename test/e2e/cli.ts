import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";

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

/** Bad input: exit 2, exactly one line on stderr that matches, no stack trace, nothing on stdout. */
export function expectBadInput(args: string[], pattern: RegExp): void {
  const r = ccbound(...args);
  expect(r.status, r.stderr + r.stdout).toBe(2);
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^ccbound: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe("");
}
