/**
 * `ccbound prove`: re-run every checked command of a writeup and compare with what it records.
 *
 * Commands run by spawning `node bin/ccbound.js` (what a reader runs) in a scratch directory that mirrors the
 * repository root through symlinks: paths in the writeup read as from the root, and files the commands write
 * (certificates, models) land in the scratch directory, never in the repository. A writeup's commands run in order
 * (later ones may read what earlier ones wrote); writeups run in parallel.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CcboundError } from "../errors.js";
import { outputLines, type Pin, type RecordedCommand, type Writeup } from "./writeup.js";

/** The package root (where bin/, examples/ and proofs/ are), from src/report or dist/report alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

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
  readonly root?: string;
  readonly concurrency?: number;
  readonly timeoutMs?: number;
}

/** SHA-256 of a file's bytes, or undefined when it cannot be read. */
function fileSha256(path: string): string | undefined {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return undefined;
  }
}

/**
 * Every argument that names a file of the repository must be pinned: a writeup that reads a model pins its bytes.
 * Bad input (exit 2) when one is not, naming the file and line.
 */
export function checkPinsCover(w: Writeup, root: string = PACKAGE_ROOT): void {
  const pinned = new Set(w.pins.map((p) => p.path));
  // A file some command of the writeup writes is its own, not the repository's, even where a stray copy lies in the root.
  const written = outputsOf(w);
  for (const c of w.commands) {
    for (const arg of c.args) {
      const value = arg.startsWith("--") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg;
      if (value.startsWith("-") || value === "" || isAbsolute(value) || written.has(value)) continue;
      const full = resolve(root, value);
      if (!full.startsWith(resolve(root)) || !existsSync(full) || !statSync(full).isFile()) continue;
      if (!pinned.has(value))
        throw new CcboundError(
          "invalid-input",
          `\`${c.command}\` reads ${value}, which no \`\`\`sha256 block pins`,
          `${w.path}:${c.line}`,
          `add "${fileSha256(full)}  ${value}"`,
        );
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

/**
 * A scratch directory whose entries are symlinks to the root's (not its dot files, node_modules or dist), without
 * the files the writeup writes: a stray copy in the root (a user's h.json) must not be read in their place.
 */
function scratchMirror(root: string, written: ReadonlySet<string>): string {
  const dir = mkdtempSync(join(tmpdir(), "ccbound-prove-"));
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(".") || entry === "node_modules" || entry === "dist" || written.has(entry)) continue;
    symlinkSync(join(root, entry), join(dir, entry));
  }
  return dir;
}

function runOne(
  root: string,
  cwd: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string; exit: number }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, "bin", "ccbound.js"), ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stderr =
        Buffer.concat(err).toString("utf8") +
        (signal ? `ccbound prove: killed by ${signal} after ${timeoutMs} ms\n` : "");
      done({ stdout: Buffer.concat(out).toString("utf8"), stderr, exit: code ?? 128 });
    });
  });
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
  const drifts: Drift[] = [];
  for (const pin of w.pins) {
    const actual = fileSha256(resolve(root, pin.path));
    if (actual !== pin.sha256) drifts.push({ kind: "pin", pin, ...(actual !== undefined && { actual }) });
  }
  const cwd = scratchMirror(root, outputsOf(w));
  const runs: CommandRun[] = [];
  try {
    for (const c of w.commands) {
      const r = await runOne(root, cwd, c.args, timeoutMs);
      const run = { command: c, output: outputLines(r.stdout, r.stderr), exit: r.exit };
      runs.push(run);
      const d = compare(c, run);
      if (d) drifts.push(d);
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  return { writeup: w, runs, drifts };
}

/** Re-run every writeup (pins must already cover their inputs: checkPinsCover). */
export async function prove(writeups: readonly Writeup[], options: ProveOptions = {}): Promise<WriteupReport[]> {
  const root = options.root ?? PACKAGE_ROOT;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const limit = Math.max(1, Math.min(options.concurrency ?? Math.min(4, availableParallelism()), writeups.length));
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
