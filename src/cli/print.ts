/**
 * Human output goes to stdout as aligned "key  value" rows; --json output is one object on stdout.
 *
 * Everything printed may quote a file ccbound did not write (a certificate's tokens, a writeup's recorded lines), so
 * every printer here escapes what a terminal would act on or hide: C0 and C1 control characters (ESC starts a
 * terminal command, CR rewrites the line, NUL and BS hide text), DEL, the bidirectional controls (U+202E shows
 * "txt.exe" as "exe.txt") and the invisible separators and joiners. Human text shows each as `\u{XXXX}`; JSON output
 * writes it as a `\uXXXX` escape, the same string to any JSON reader.
 */

/** The characters escaped in human output (newline and tab too, unless kept): see above. */
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;
/** The same without newline and tab, for multi-line text. */
const UNSAFE_KEEPING_LINES =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;
/** What JSON.stringify leaves raw of these (it escapes C0 controls itself). */
const UNSAFE_IN_JSON =
  /[\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;

const hex = (c: string) => c.codePointAt(0)!.toString(16).padStart(4, "0");

/** `text` safe to show on a terminal, on one line: every unsafe character as \u{XXXX}. */
export function escapeForTerminal(text: string, keepLines = false): string {
  return text.replace(keepLines ? UNSAFE_KEEPING_LINES : UNSAFE, (c) => `\\u{${hex(c)}}`);
}

export function printRows(rows: readonly (readonly [string, string])[]): void {
  const safe = rows.map(([k, v]) => [escapeForTerminal(k), escapeForTerminal(v)] as const);
  const width = Math.max(...safe.map(([k]) => k.length));
  for (const [k, v] of safe) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

/** Lines of text for people (a report, BibTeX): newlines and tabs kept, everything else unsafe escaped. */
export function printText(text: string): void {
  process.stdout.write(escapeForTerminal(text, true));
}

/**
 * JSON text with the characters JSON.stringify leaves raw escaped; bigints as decimal strings, and the numbers JSON
 * has no literal for (a forward pass that overflowed) as the strings "NaN", "Infinity" and "-Infinity" rather than
 * JSON.stringify's null, which would read as "no value".
 */
export function jsonText(value: unknown): string {
  const text = JSON.stringify(
    value,
    (_k, v: unknown) =>
      typeof v === "bigint" ? v.toString() : typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
    2,
  );
  return text.replace(UNSAFE_IN_JSON, (c) => `\\u${hex(c)}`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${jsonText(value)}\n`);
}

/** A progress line for people: stderr, and only on a terminal, rewritten in place; `done` clears it. */
export const progress = {
  show(line: string): void {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${escapeForTerminal(line)}`);
  },
  done(): void {
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
  },
};
