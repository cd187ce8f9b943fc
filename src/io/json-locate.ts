/**
 * Finds where a JSON text first goes wrong. Node 20's JSON.parse does not always say where ("Unexpected end of JSON
 * input", or a quoted snippet), and a user fixing a 50 MB weight file needs a line and a column.
 * Only called after JSON.parse has failed, so it favours clarity over speed. Iterative: deep nesting cannot
 * overflow the stack. Grammar: RFC 8259, the same one JSON.parse accepts.
 */
export interface JsonSyntaxError {
  /** Offset in UTF-16 code units, where JSON.parse also stops. */
  readonly offset: number;
  readonly line: number; // 1-based
  readonly column: number; // 1-based
  /** e.g. `unexpected "}", expected a value` */
  readonly message: string;
}

type State = "value" | "value-or-end" | "key" | "key-or-end" | "after-value";

class Stop {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {}
}

export function locateJsonError(text: string): JsonSyntaxError | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const { offset, expected } = error;
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    const column = offset - (before.lastIndexOf("\n") + 1) + 1;
    const found = offset >= text.length ? "end of input" : JSON.stringify(text.charAt(offset));
    return { offset, line, column, message: `unexpected ${found}, expected ${expected}` };
  }
}

function scan(text: string): void {
  const stack: ("{" | "[")[] = [];
  let i = 0;
  let state: State = "value";
  const skipSpace = (): void => {
    while (i < text.length && " \t\n\r".includes(text.charAt(i))) i += 1;
  };
  for (;;) {
    skipSpace();
    const c = text.charAt(i); // "" at the end
    switch (state) {
      case "value-or-end":
      case "value":
        if (state === "value-or-end" && c === "]") {
          stack.pop();
          i += 1;
          state = "after-value";
        } else if (c === "{" || c === "[") {
          stack.push(c);
          i += 1;
          state = c === "{" ? "key-or-end" : "value-or-end";
        } else {
          i = scanScalar(text, i);
          state = "after-value";
        }
        break;
      case "key-or-end":
      case "key":
        if (state === "key-or-end" && c === "}") {
          stack.pop();
          i += 1;
          state = "after-value";
          break;
        }
        if (c !== '"') throw new Stop(i, "a property name in double quotes");
        i = scanString(text, i);
        skipSpace();
        if (text.charAt(i) !== ":") throw new Stop(i, '":"');
        i += 1;
        state = "value";
        break;
      case "after-value": {
        const top = stack.at(-1);
        if (top === undefined) {
          if (i < text.length) throw new Stop(i, "end of input");
          return;
        }
        const close = top === "{" ? "}" : "]";
        if (c === ",") state = top === "{" ? "key" : "value";
        else if (c === close) stack.pop();
        else throw new Stop(i, `"," or "${close}"`);
        i += 1;
        break;
      }
    }
  }
}

/** Returns the offset just after the scalar that starts at i. */
function scanScalar(text: string, i: number): number {
  const c = text.charAt(i);
  if (c === '"') return scanString(text, i);
  if (c === "-" || (c >= "0" && c <= "9")) return scanNumber(text, i);
  for (const word of ["true", "false", "null"]) {
    if (c === word.charAt(0)) {
      for (let k = 1; k < word.length; k += 1) {
        if (text.charAt(i + k) !== word.charAt(k)) throw new Stop(i + k, `"${word}"`);
      }
      return i + word.length;
    }
  }
  throw new Stop(i, "a value");
}

function scanString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new Stop(i, "a closing quote");
    const c = text.charAt(i);
    if (c === '"') return i + 1;
    if (c < " ") throw new Stop(i, "no control characters in a string (write them as escapes)");
    if (c === "\\") {
      const e = text.charAt(i + 1);
      if (e === "u") {
        for (let k = 2; k < 6; k += 1) {
          if (!/[0-9a-fA-F]/.test(text.charAt(i + k))) throw new Stop(i + k, "a hex digit of a \\u escape");
        }
        i += 6;
        continue;
      }
      if (!'"\\/bfnrt'.includes(e) || e === "") throw new Stop(i + 1, "an escape character");
      i += 2;
      continue;
    }
    i += 1;
  }
}

function scanNumber(text: string, start: number): number {
  let i = start;
  const digits = (): void => {
    if (!isDigit(text.charAt(i))) throw new Stop(i, "a digit");
    while (isDigit(text.charAt(i))) i += 1;
  };
  if (text.charAt(i) === "-") i += 1;
  if (text.charAt(i) === "0") i += 1;
  else digits();
  if (text.charAt(i) === ".") {
    i += 1;
    digits();
  }
  if (text.charAt(i) === "e" || text.charAt(i) === "E") {
    i += 1;
    if (text.charAt(i) === "+" || text.charAt(i) === "-") i += 1;
    digits();
  }
  return i;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}
