/**
 * `ccbound prove`: re-run every checked command of a writeup and compare with what it records.
 *
 * Commands run by spawning `node bin/ccbound.js` (what a reader runs) in a scratch directory that holds copies of the
 * writeup's pinned inputs and nothing else (sandbox.ts: what a writeup's commands may touch). Paths in the writeup read
 * as from the repository root; they must be relative and stay below it (no absolute path, no `..`), and files the
 * commands write (certificates, models) land in the scratch directory, never in the repository. A writeup's commands
 * run in order (later ones may read what earlier ones wrote); writeups run in parallel.
 */
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isAbsolute, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { CcboundError } from "../errors.js";
import { MAX_PINNED_BYTES } from "../io/limits.js";
import { sidecarPath } from "../io/pytorch-import.js";
import { readRegularFile } from "../io/read-file.js";
import { guarded, makeScratch, runConfined } from "./sandbox.js";
import { outputLines, type Pin, type RecordedCommand, type Writeup } from "./writeup.js";

/** The package root (where bin/, examples/ and proofs/ are), from src/report or dist/report alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** What every checked command runs: this package's own command line, whatever root its inputs come from. */
const BIN = join(PACKAGE_ROOT, "bin", "ccbound.js");

export interface CommandRun {
  readonly command: RecordedCommand;
  readonly output: readonly string[];
  readonly exit: number;
}

/** The first difference of a writeup, for the report. */
export type Drift =
  | {
      readonly kind: "output";
      readonly command: RecordedCommand;
      readonly index: number;
      readonly fileLine: number;
      readonly recorded?: string;
      readonly actual?: string;
    }
  | { readonly kind: "exit"; readonly command: RecordedCommand; readonly recorded: number; readonly actual: number }
  | { readonly kind: "pin"; readonly pin: Pin; readonly actual?: string };

export interface WriteupReport {
  readonly writeup: Writeup;
  readonly runs: readonly CommandRun[];
  /** Every difference, in file order: pins first, then commands. Empty when the writeup holds. */
  readonly drifts: readonly Drift[];
}

export interface ProveOptions {
  /** Where pinned inputs are read from (default: the package root). */
  readonly root?: string;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/** SHA-256 of a regular file's bytes, or undefined when it cannot be read as one. */
function fileSha256(path: string): string | undefined {
  try {
    return createHash("sha256").update(readRegularFile(path, MAX_PINNED_BYTES)).digest("hex");
  } catch {
    return undefined;
  }
}

/** The value an argument gives a path: `--out=x` gives x, any other argument is its own value. */
function argumentValue(arg: string): string {
  return arg.startsWith("--") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg;
}

/** Why a path may not appear in a writeup: it would reach outside the scratch directory. */
function outsideScratch(value: string): string | undefined {
  if (isAbsolute(value)) return "an absolute path";
  if (value.split(/[\\/]/).includes("..")) return 'a path with a ".." segment';
  return undefined;
}

/**
 * What a writeup's commands may name, checked before anything runs (bad input, exit 2, naming the file and line):
 * - paths relative to the repository root, without `..`: commands read and write only in the scratch directory;
 * - no `ccbound prove`: a writeup must not re-run writeups (itself, without end);
 * - every file of the repository a command reads is pinned, a safetensors model's sidecar too (it is read without
 *   being named).
 */
export function checkPinsCover(w: Writeup, root: string = PACKAGE_ROOT): void {
  const refuse = (line: number, message: string, hint?: string): never => {
    throw new CcboundError("invalid-input", message, `${w.path}:${line}`, hint);
  };
  for (const pin of w.pins) {
    const why = outsideScratch(pin.path);
    if (why) refuse(pin.line, `the pin of ${pin.path} names ${why}; pin files by their path in the repository`);
  }
  const pinned = new Set(w.pins.map((p) => p.path));
  // A file some command of the writeup writes is its own, not the repository's, even where a stray copy lies in the root.
  const written = outputsOf(w);
  const rootDir = resolve(root);
  const isRepositoryFile = (value: string) => {
    const full = resolve(root, value);
    return full.startsWith(rootDir + sep) && existsSync(full) && statSync(full).isFile();
  };
  for (const c of w.commands) {
    const subcommand = c.args.find((a) => !a.startsWith("-"));
    if (subcommand === "prove")
      refuse(c.line, `\`${c.command}\`: a checked command cannot run ccbound prove (a writeup could re-run itself)`);
    for (const arg of c.args) {
      const value = argumentValue(arg);
      const why = outsideScratch(value);
      if (why)
        refuse(
          c.line,
          `\`${c.command}\` names ${why} (${value}); a writeup's commands name files relative to the repository root`,
          "commands run in a scratch directory that holds copies of the pinned files",
        );
      if (value.startsWith("-") || value === "" || written.has(value) || !isRepositoryFile(value)) continue;
      const reads = [value, ...(/\.safetensors$/i.test(value) ? [sidecarPath(value)] : [])];
      for (const file of reads) {
        if (pinned.has(file) || (file !== value && !isRepositoryFile(file))) continue;
        refuse(
          c.line,
          `\`${c.command}\` reads ${file}, which no \`\`\`sha256 block pins`,
          `add "${fileSha256(resolve(root, file))}  ${file}"`,
        );
      }
    }
  }
}

/** The files a writeup's commands write: the values of --out and --cert, and convert's second argument. */
export function outputsOf(w: Writeup): Set<string> {
  const out = new Set<string>();
  for (const c of w.commands) {
    c.args.forEach((arg, i) => {
      if ((arg === "--out" || arg === "--cert") && c.args[i + 1] !== undefined) out.add(c.args[i + 1]!);
      const eq = /^--(out|cert)=(.+)$/.exec(arg);
      if (eq) out.add(eq[2]!);
    });
    const positional = c.args.filter((a, i) => !a.startsWith("-") && !(c.args[i - 1] ?? "").startsWith("--"));
    if (positional[0] === "convert" && positional[2] !== undefined) out.add(positional[2]);
  }
  return out;
}

function compare(c: RecordedCommand, run: CommandRun): Drift | undefined {
  const n = Math.max(c.output.length, run.output.length);
  for (let i = 0; i < n; i++) {
    if (c.output[i] === run.output[i]) continue;
    // Where the difference is in the file: the recorded line, or just after the last one.
    const fileLine =
      c.outputLines[i] ?? (c.outputLines.length > 0 ? c.outputLines[c.outputLines.length - 1]! + 1 : c.line + 1);
    return {
      kind: "output",
      command: c,
      index: i + 1,
      fileLine,
      ...(c.output[i] !== undefined && { recorded: c.output[i] }),
      ...(run.output[i] !== undefined && { actual: run.output[i] }),
    };
  }
  if (c.exit !== run.exit) return { kind: "exit", command: c, recorded: c.exit, actual: run.exit };
  return undefined;
}

async function proveOne(w: Writeup, root: string, timeoutMs: number): Promise<WriteupReport> {
  const scratch = makeScratch(
    root,
    w.pins.map((p) => p.path),
  );
  try {
    const drifts: Drift[] = [];
    w.pins.forEach((pin, i) => {
      const actual = scratch.copies[i]!.sha256; // the hash of the very bytes the commands will read
      if (actual !== pin.sha256) drifts.push({ kind: "pin", pin, ...(actual !== undefined && { actual }) });
    });
    const runs: CommandRun[] = [];
    for (const c of w.commands) {
      const r = await runConfined(process.execPath, [BIN, ...c.args], scratch.dir, timeoutMs);
      const run = { command: c, output: outputLines(r.stdout, r.stderr), exit: r.exit };
      runs.push(run);
      const d = compare(c, run);
      if (d) drifts.push(d);
    }
    return { writeup: w, runs, drifts };
  } finally {
    scratch.remove();
  }
}

/** Re-run every writeup (checkPinsCover must have passed on each). */
export async function prove(writeups: readonly Writeup[], options: ProveOptions = {}): Promise<WriteupReport[]> {
  const root = options.root ?? PACKAGE_ROOT;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const limit = Math.max(1, Math.min(options.concurrency ?? Math.min(4, availableParallelism()), writeups.length));
  return guarded(async () => {
    const reports: WriteupReport[] = new Array(writeups.length);
    let next = 0;
    const worker = async () => {
      while (next < writeups.length) {
        const i = next++;
        reports[i] = await proveOne(writeups[i]!, root, timeoutMs);
      }
    };
    await Promise.all(Array.from({ length: limit }, worker));
    return reports;
  });
}

/** One line per difference: the file and line, the command, and what differs. */
export function describeDrift(path: string, d: Drift): string[] {
  switch (d.kind) {
    case "pin":
      return [
        `${path}:${d.pin.line}: ${d.pin.path}: SHA-256 is ${d.actual ?? "(missing file)"}, the writeup pins ${d.pin.sha256}`,
      ];
    case "exit":
      return [
        `${path}:${d.command.exitLine ?? d.command.line}: \`${d.command.command}\`: exit ${d.actual}, recorded ${d.recorded}`,
      ];
    case "output":
      return [
        `${path}:${d.fileLine}: \`${d.command.command}\`: output line ${d.index} differs`,
        `    recorded: ${d.recorded ?? "(no line)"}`,
        `    actual:   ${d.actual ?? "(no line)"}`,
      ];
  }
}

/** The writeup's text with every command's recorded output and exit code replaced by what it printed now. */
export function rerecord(w: Writeup, runs: readonly CommandRun[]): string {
  const lines = w.text.split("\n");
  // Replace from the last command up, so earlier line numbers stay valid.
  for (const run of [...runs].reverse()) {
    const c = run.command;
    const first = c.line; // 0-based index of the line after `$ ...` is c.line
    const lastRecorded = c.exitLine ?? (c.outputLines.length > 0 ? c.outputLines[c.outputLines.length - 1]! : c.line);
    const replacement = [...run.output, ...(run.exit !== 0 ? [`[exit ${run.exit}]`] : [])];
    lines.splice(first, lastRecorded - c.line, ...replacement);
  }
  return lines.join("\n");
}
