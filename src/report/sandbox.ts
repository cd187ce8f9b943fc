/**
 * Where `ccbound prove` runs a writeup's commands, and what they may touch. A writeup comes from anyone (a pull
 * request, a paper's supplement), so:
 *
 * - its commands run in a fresh scratch directory holding copies of its pinned inputs and nothing else: real
 *   directories and regular files, no symlink into the repository (a mirror of symlinks once let a writeup write
 *   `examples/PWNED.json` and overwrite `proofs/thm3.md`). Each copy is made from the bytes whose SHA-256 was checked,
 *   so a command reads exactly what the pin names. Arguments are relative without `..` (prove.ts checks), so every
 *   read and write stays in the scratch directory;
 * - each command is the leader of its own process group, and the whole group is killed at its timeout and when it
 *   ends, so nothing it started outlives it;
 * - every command carries PROVE_MARKER in its environment, and `prove` refuses to run under it: a writeup cannot
 *   re-run itself (one nested a new prove every 0.6 s, past every timeout);
 * - scratch directories and process groups still alive are removed and killed on every way out: normal return, a
 *   thrown error, process.exit, and SIGINT, SIGTERM or SIGHUP (then the exit code is 128 + the signal's number).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { MAX_PINNED_BYTES } from "../io/limits.js";
import { readRegularFile } from "../io/read-file.js";

/** Set in the environment of every command a writeup runs. */
export const PROVE_MARKER = "CCBOUND_INSIDE_PROVE";

/** Output a command may print before it is stopped: far above any writeup's (a few kB), far below memory. */
export const MAX_COMMAND_OUTPUT = 16 * 1024 * 1024;

/** What is alive now: cleaned up on every way out of the process. */
const scratchDirs = new Set<string>();
const groups = new Set<number>();
let guards = 0;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is gone already
  }
}

function cleanUp(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
  scratchDirs.clear();
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const onSignal = (signal: (typeof SIGNALS)[number]) => {
  cleanUp();
  process.exit(128 + constants.signals[signal]);
};
const handlers = SIGNALS.map((s) => [s, () => onSignal(s)] as const);

/**
 * Runs `body` with the clean-up installed: on return or throw, groups are killed and directories removed; a signal
 * or process.exit in between does the same before the process ends. Nested calls share one installation.
 */
export async function guarded<T>(body: () => Promise<T>): Promise<T> {
  if (guards++ === 0) {
    process.on("exit", cleanUp);
    for (const [signal, handler] of handlers) process.on(signal, handler);
  }
  try {
    return await body();
  } finally {
    if (--guards === 0) {
      cleanUp();
      process.off("exit", cleanUp);
      for (const [signal, handler] of handlers) process.off(signal, handler);
    }
  }
}

export interface PinnedCopy {
  readonly path: string;
  /** SHA-256 of the bytes copied; undefined when the file could not be read as a regular file of the repository. */
  readonly sha256: string | undefined;
}

export interface Scratch {
  readonly dir: string;
  readonly copies: readonly PinnedCopy[];
  remove(): void;
}

/**
 * A new scratch directory with a copy of each pinned file of `root` (paths relative, without `..`: checked before).
 * A pinned path whose real path leaves the root (a symlink out of the repository) is not a file of the repository:
 * not copied, and its hash reads as missing.
 */
export function makeScratch(root: string, pinned: readonly string[]): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "ccbound-prove-"));
  scratchDirs.add(dir);
  const realRoot = realpathSync(root);
  const copies = pinned.map((path): PinnedCopy => {
    const bytes = readPinned(realRoot, resolve(root, path));
    if (bytes === undefined) return { path, sha256: undefined };
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes, { flag: "wx" });
    return { path, sha256: createHash("sha256").update(bytes).digest("hex") };
  });
  return {
    dir,
    copies,
    remove() {
      rmSync(dir, { recursive: true, force: true });
      scratchDirs.delete(dir);
    },
  };
}

function readPinned(realRoot: string, full: string): Buffer | undefined {
  try {
    const real = realpathSync(full);
    if (!real.startsWith(realRoot + sep)) return undefined;
    return readRegularFile(real, MAX_PINNED_BYTES);
  } catch {
    return undefined;
  }
}

export interface ConfinedRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly exit: number;
}

/**
 * Runs `file args` in `cwd` as the leader of a new process group, with PROVE_MARKER set; at `timeoutMs`, or when its
 * output passes MAX_COMMAND_OUTPUT, the whole group is killed, and so is whatever of it is left when it exits.
 */
export function runConfined(
  file: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<ConfinedRun> {
  return new Promise((done) => {
    const child = spawn(file, args, {
      cwd,
      env: { ...process.env, NO_COLOR: "1", [PROVE_MARKER]: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group (and session): the group can be killed as one
    });
    const pid = child.pid;
    if (pid !== undefined) groups.add(pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let stopped = "";
    const stop = (why: string) => {
      if (stopped === "") stopped = why;
      if (pid !== undefined) killGroup(pid);
    };
    const collect = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size > MAX_COMMAND_OUTPUT) return stop(`printed more than ${MAX_COMMAND_OUTPUT} bytes`);
      into.push(b);
    };
    child.stdout.on("data", collect(out));
    child.stderr.on("data", collect(err));
    const timer = setTimeout(() => stop(`ran past ${timeoutMs} ms`), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      done({ stdout: "", stderr: `ccbound prove: cannot run the command: ${e.message}\n`, exit: 126 });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (pid !== undefined) {
        killGroup(pid); // anything it left behind
        groups.delete(pid);
      }
      const note =
        stopped !== ""
          ? `ccbound prove: the command ${stopped}; its process group was killed\n`
          : signal
            ? `ccbound prove: killed by ${signal}\n`
            : "";
      const stderr = Buffer.concat(err).toString("utf8") + note;
      done({ stdout: Buffer.concat(out).toString("utf8"), stderr, exit: code ?? 128 });
    });
  });
}
