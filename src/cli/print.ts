/** Human output goes to stdout as aligned "key  value" rows; --json output is one object on stdout. */
export function printRows(rows: readonly (readonly [string, string])[]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
}

/** A progress line for people: stderr, and only on a terminal, rewritten in place; `done` clears it. */
export const progress = {
  show(line: string): void {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
  },
  done(): void {
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
  },
};
