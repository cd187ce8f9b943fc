import { InvalidArgumentError } from "commander";

/** A whole-number flag within [min, max]; anything else is refused by commander with one line (exit 2). */
export function wholeNumber(what: string, min: number, max: number = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const v = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(v))
      throw new InvalidArgumentError(`${what} must be a whole number.`);
    if (v < min || v > max) throw new InvalidArgumentError(`${what} must be between ${min} and ${max}.`);
    return v;
  };
}

/** A finite number in (0, max]: scales and fractions such as --eta and --gamma. */
export function positiveNumber(what: string, max = Number.MAX_VALUE) {
  return (raw: string): number => {
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v)) throw new InvalidArgumentError(`${what} must be a number.`);
    if (!(v > 0 && v <= max)) throw new InvalidArgumentError(`${what} must be above 0 and at most ${max}.`);
    return v;
  };
}

/**
 * A file to write (--cert, --out): an empty name is refused, not ignored (`--cert ''` once wrote no certificate and
 * said nothing), and so is a name that can only be a directory.
 */
export function outputFile(flag: string) {
  return (raw: string): string => {
    if (raw === "") throw new InvalidArgumentError(`${flag} needs a file name, got an empty string.`);
    if (/[/\\]$/.test(raw) || raw === "." || raw === "..")
      throw new InvalidArgumentError(`${flag} needs a file name, got the directory ${JSON.stringify(raw)}.`);
    return raw;
  };
}

/** A choice among names. */
export function oneOf<T extends string>(what: string, names: readonly T[]) {
  return (raw: string): T => {
    if (!(names as readonly string[]).includes(raw))
      throw new InvalidArgumentError(`${what} must be one of ${names.join(", ")}.`);
    return raw as T;
  };
}

/** Tokens given on the command line: space-separated. */
export function tokensOf(input: string): string[] {
  return input.split(/\s+/).filter((t) => t.length > 0);
}

/** Quote a path for a replay command only when the shell needs it. */
export function shellQuote(s: string): string {
  return /^[\w./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
