/**
 * Writeups (proofs/*.md): Markdown whose checks re-run with `ccbound prove`. The convention (proofs/README.md):
 *
 * - A fenced block with the info string `console` is checked. Each command starts with a line `$ ccbound ARGS`;
 *   the lines after it, up to the next `$ ` line or the end of the block, are its recorded output: stdout, then each
 *   line of stderr prefixed with `(stderr) `. A last line `[exit N]` records a nonzero exit code (none means 0).
 * - A fenced block with the info string `sha256` pins input files, one `HEX  PATH` line each (sha256sum's format,
 *   so `sha256sum -c` checks it too). Every file of the repository a command names must be pinned.
 * - Every other fenced block (```sh, ```json, ...) is prose: never run.
 *
 * Outputs are compared line by line after removing trailing white space from each line and trailing empty lines.
 * Commands take no shell: arguments split on spaces, with '...' and "..." quoting; |, >, <, ;, & and $ outside
 * quotes are refused, so what a writeup shows is exactly what runs.
 */
import { canonicalSha256 } from "../io/canonical.js";
import { CcboundError } from "../errors.js";
import { MAX_WRITEUP_COMMANDS } from "../io/limits.js";

export interface RecordedCommand {
  /** 1-based line of the `$ ccbound` line in the file. */
  readonly line: number;
  /** The command as written, without "$ ": "ccbound check examples/m.json --n 40". */
  readonly command: string;
  /** The arguments after "ccbound". */
  readonly args: readonly string[];
  /** Recorded output lines, normalised (see normalise). */
  readonly output: readonly string[];
  /** 1-based file line of each recorded output line. */
  readonly outputLines: readonly number[];
  readonly exit: number;
  /** 1-based line of the `[exit N]` line, when there is one. */
  readonly exitLine?: number;
}

export interface Pin {
  readonly line: number;
  readonly path: string;
  readonly sha256: string;
}

export interface Writeup {
  readonly path: string;
  readonly text: string;
  readonly commands: readonly RecordedCommand[];
  readonly pins: readonly Pin[];
}

export const STDERR_PREFIX = "(stderr) ";
const EXIT_LINE = /^\[exit (\d+)\]$/;

function malformed(path: string, line: number, message: string): never {
  throw new CcboundError("invalid-input", message, `${path}:${line}`);
}

/** Trailing white space off every line, trailing empty lines dropped. */
export function normalise(lines: readonly string[]): string[] {
  const out = lines.map((l) => l.replace(/\s+$/, ""));
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** stdout and stderr as the lines a writeup records. */
export function outputLines(stdout: string, stderr: string): string[] {
  const split = (s: string) => (s === "" ? [] : s.replace(/\r\n/g, "\n").replace(/\n$/, "").split("\n"));
  return normalise([...normalise(split(stdout)), ...normalise(split(stderr)).map((l) => `${STDERR_PREFIX}${l}`)]);
}

/** Split a command line into words: spaces separate, '...' and "..." quote; shell operators are refused. */
export function splitCommand(command: string): string[] | string {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'" || c === '"') {
      const end = command.indexOf(c, i + 1);
      if (end < 0) return `unbalanced ${c}`;
      word += command.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === " " || c === "\t") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if ("|<>;&$`\\".includes(c)) {
      return `"${c}" outside quotes (commands take no shell)`;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

interface Fence {
  readonly marker: string;
  readonly info: string;
  readonly line: number;
}

/** Parse a writeup; malformed blocks are CcboundError("invalid-input") naming the file and line. */
export function parseWriteup(text: string, path: string): Writeup {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const commands: RecordedCommand[] = [];
  const pins: Pin[] = [];
  let fence: Fence | undefined;
  let body: { text: string; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!fence) {
      const open = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(line);
      if (open) {
        fence = { marker: open[1]!, info: open[2]!.toLowerCase(), line: i + 1 };
        body = [];
      }
      continue;
    }
    const close = new RegExp(`^ {0,3}${fence.marker[0] === "`" ? "`" : "~"}{${fence.marker.length},}\\s*$`);
    if (close.test(line)) {
      // a loop, not push(...): a block of 200,000 commands would overflow the stack as arguments
      if (fence.info === "console") for (const c of consoleBlock(body, path, fence.line)) commands.push(c);
      if (fence.info === "sha256") for (const p of pinBlock(body, path)) pins.push(p);
      if (commands.length > MAX_WRITEUP_COMMANDS)
        malformed(path, fence.line, `more than ${MAX_WRITEUP_COMMANDS} checked commands in one writeup`);
      fence = undefined;
      continue;
    }
    body.push({ text: line, line: i + 1 });
  }
  if (fence) malformed(path, fence.line, `the \`\`\`${fence.info} block opened here is never closed`);
  const seen = new Map<string, number>();
  for (const pin of pins) {
    if (seen.has(pin.path))
      malformed(path, pin.line, `${pin.path} is pinned twice (first on line ${seen.get(pin.path)})`);
    seen.set(pin.path, pin.line);
  }
  return { path, text, commands, pins };
}

function consoleBlock(body: readonly { text: string; line: number }[], path: string, start: number): RecordedCommand[] {
  const out: RecordedCommand[] = [];
  let current: { line: number; command: string; args: string[]; output: { text: string; line: number }[] } | undefined;
  const finish = () => {
    if (!current) return;
    const lines = [...current.output];
    while (lines.length > 0 && lines[lines.length - 1]!.text.trim() === "") lines.pop();
    let exit = 0;
    let exitLine: number | undefined;
    const last = lines[lines.length - 1];
    const m = last && EXIT_LINE.exec(last.text.trim());
    if (m && last) {
      exit = Number(m[1]);
      exitLine = last.line;
      if (exit === 0) malformed(path, last.line, "[exit 0] is the default: leave the line out");
      lines.pop();
    }
    for (const l of lines)
      if (EXIT_LINE.test(l.text.trim()))
        malformed(path, l.line, "an [exit N] line must be the last line of a command's output");
    const output = normalise(lines.map((l) => l.text));
    out.push({
      line: current.line,
      command: current.command,
      args: current.args,
      output,
      outputLines: lines.slice(0, output.length).map((l) => l.line),
      exit,
      ...(exitLine !== undefined && { exitLine }),
    });
    current = undefined;
  };
  for (const { text, line } of body) {
    if (text.startsWith("$ ")) {
      finish();
      const command = text.slice(2).trim();
      const words = splitCommand(command);
      if (typeof words === "string") malformed(path, line, `cannot run \`${command}\`: ${words}`);
      if (words[0] !== "ccbound")
        malformed(path, line, `a checked command must start with "ccbound", got \`${command}\``);
      current = { line, command, args: words.slice(1), output: [] };
    } else if (current) {
      current.output.push({ text, line });
    } else if (text.trim() !== "") {
      malformed(path, line, "a ```console block must start with a `$ ccbound ...` line");
    }
  }
  finish();
  if (out.length === 0) malformed(path, start, "an empty ```console block");
  return out;
}

function pinBlock(body: readonly { text: string; line: number }[], path: string): Pin[] {
  const pins: Pin[] = [];
  for (const { text, line } of body) {
    if (text.trim() === "") continue;
    const m = /^([0-9a-f]{64}) [ *](\S.*)$/.exec(text.trim());
    if (!m) malformed(path, line, "a ```sha256 line must be `HEX  PATH` (64 lowercase hex digits, two spaces, a path)");
    pins.push({ line, sha256: m[1]!, path: m[2]!.trim() });
  }
  return pins;
}

/**
 * What a writeup's citation names: SHA-256 of the canonical JSON of its checked outputs, i.e.
 * {"commands":[{"command","exit","output"}...],"pins":[{"path","sha256"}...]} with each output's normalised lines
 * joined by "\n", in the order of the file.
 */
export function checkedOutputsSha256(w: Writeup): string {
  return canonicalSha256({
    commands: w.commands.map((c) => ({ command: c.command, exit: c.exit, output: c.output.join("\n") })),
    pins: w.pins.map((p) => ({ path: p.path, sha256: p.sha256 })),
  });
}
