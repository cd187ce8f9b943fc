/**
 * A JSON scanner that reads text in pieces (as it comes off the disk), checks the grammar and the structure limits
 * as it goes, and stops at the first problem: a syntax error with its line and column, a limit passed (depth, entries
 * of one array or object, values, numbers, the length of one string), or a key given twice in one object. It builds
 * nothing, and keeps one small frame per open container, so a rejected text costs time up to the point of its problem
 * and memory proportional to its depth; only a text that passes is handed to JSON.parse.
 *
 * Why each check: Node 20's JSON.parse does not always say where it failed, and a user fixing a 50 MB weight file
 * needs a line and a column; JSON.parse of 249 MB of `[[],[],...]` took minutes and 6 GB before anything could count
 * its values; and a duplicate key is valid JSON that JSON.parse resolves silently (the last wins), so two readers of
 * one file, a reviewer and ccbound, could disagree on what it says.
 *
 * Grammar: RFC 8259, the one JSON.parse accepts. Offsets, lines and columns count UTF-16 code units, as JSON.parse
 * does. Iterative: deep nesting cannot overflow the stack.
 */
import { CcboundError } from "../errors.js";
import type { JsonLimits } from "./limits.js";

export interface JsonSyntaxError {
  /** Offset in UTF-16 code units, where JSON.parse also stops. */
  readonly offset: number;
  readonly line: number; // 1-based
  readonly column: number; // 1-based
  /** e.g. `unexpected "}", expected a value` */
  readonly message: string;
}

/** Thrown by JsonScanner at the first syntax error. */
export class JsonSyntaxStop extends Error {
  constructor(readonly error: JsonSyntaxError) {
    super(error.message);
  }
}

/** A key given twice in one object; a CcboundError so that it reaches the user as one line, as it is. */
export class DuplicateKeyError extends CcboundError {
  constructor(
    readonly key: string,
    /** JSON pointer of the object. */
    readonly pointer: string,
    message: string,
    where: string,
  ) {
    super("malformed-json", message, where, "JSON leaves open which of the two values counts");
  }
}

/** Where the first syntax error of `text` is, or undefined when it is valid JSON. No limits apply. */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  try {
    const scanner = new JsonScanner(undefined, "", false);
    scanner.feed(text);
    scanner.end();
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxStop) return error.error;
    throw error;
  }
}

const enum S {
  Value,
  ValueOrEnd,
  Key,
  KeyOrEnd,
  Colon,
  AfterValue,
  String,
  Escape,
  Hex,
  NumMinus, // after "-": a digit must follow
  NumZero, // a leading 0: no more integer digits
  NumInt,
  NumDot, // after ".": a digit must follow
  NumFrac,
  NumE, // after "e": a sign or a digit
  NumESign, // after the exponent's sign: a digit must follow
  NumExp,
  Literal,
}

interface Frame {
  readonly open: 123 | 91; // "{" or "["
  entries: number;
  /** The key of the entry being read (objects). */
  key: string | undefined;
  keys: Set<string> | undefined;
}

const LIMITS_HINT = "the limits are in docs/security.md";
const QUOTE = 34;
const BACKSLASH = 92;
const ESCAPES = '"\\/bfnrt';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export class JsonScanner {
  private state: S = S.Value;
  private readonly frames: Frame[] = [];
  /** Offset of the first unit of the piece being fed. */
  private base = 0;
  private line = 1;
  /** Offset just after the last "\n". */
  private lineStart = 0;
  private values = 0;
  private numbers = 0;
  private stringChars = 0;
  private stringIsKey = false;
  private keyRaw = "";
  /** Offset of the opening quote of the key being read. */
  private keyAt = 0;
  private hexLeft = 0;
  private word = "";
  private wordAt = 0;

  constructor(
    private readonly limits: JsonLimits | undefined,
    private readonly where: string,
    private readonly refuseDuplicateKeys = true,
  ) {}

  /** The next piece of the text. Throws JsonSyntaxStop, or a CcboundError for a limit or a duplicate key. */
  feed(text: string): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const state = this.state;
      if (state <= S.AfterValue) {
        // between tokens: white space first
        let c = text.charCodeAt(i);
        while (c === 32 || c === 10 || c === 9 || c === 13) {
          if (c === 10) {
            this.line += 1;
            this.lineStart = this.base + i + 1;
          }
          if (++i === n) break;
          c = text.charCodeAt(i);
        }
        if (i === n) break;
        i = this.token(text, i, c);
      } else if (state === S.String) i = this.stringPart(text, i, n);
      else if (state >= S.NumMinus && state <= S.NumExp) i = this.numberPart(text, i, n);
      else i = this.other(text, i);
    }
    this.base += n;
  }

  /** The end of the text: throws if a value is unfinished. */
  end(): void {
    const at = this.base;
    switch (this.state) {
      case S.Value:
      case S.ValueOrEnd:
        return this.stop(at, "", "a value");
      case S.Key:
      case S.KeyOrEnd:
        return this.stop(at, "", "a property name in double quotes");
      case S.Colon:
        return this.stop(at, "", '":"');
      case S.String:
        return this.stop(at, "", "a closing quote");
      case S.Escape:
        return this.stop(at, "", "an escape character");
      case S.Hex:
        return this.stop(at, "", "a hex digit of a \\u escape");
      case S.NumMinus:
      case S.NumDot:
      case S.NumE:
      case S.NumESign:
        return this.stop(at, "", "a digit");
      case S.Literal:
        return this.stop(at, "", `"${this.word}"`);
      default: {
        // a finished value (numbers end here too)
        const top = this.frames.at(-1);
        if (top !== undefined) this.stop(at, "", `"," or "${top.open === 123 ? "}" : "]"}"`);
      }
    }
  }

  /** A structural character or the start of a scalar, at text[i] = c (not white space). */
  private token(text: string, i: number, c: number): number {
    const state = this.state;
    if (state === S.Value || state === S.ValueOrEnd) {
      if (state === S.ValueOrEnd && c === 93) return this.close(i);
      return this.startValue(text, i, c);
    }
    if (state === S.Key || state === S.KeyOrEnd) {
      if (state === S.KeyOrEnd && c === 125) return this.close(i);
      if (c !== QUOTE) this.stop(this.base + i, text.charAt(i), "a property name in double quotes");
      this.entry(this.frames.at(-1)!);
      this.keyAt = this.base + i;
      this.state = S.String;
      this.stringIsKey = true;
      this.stringChars = 0;
      this.keyRaw = "";
      return i + 1;
    }
    if (state === S.Colon) {
      if (c !== 58) this.stop(this.base + i, text.charAt(i), '":"');
      this.state = S.Value;
      return i + 1;
    }
    // after a value
    const top = this.frames.at(-1);
    if (top === undefined) return this.stop(this.base + i, text.charAt(i), "end of input");
    const close = top.open === 123 ? 125 : 93;
    if (c === 44) {
      this.state = top.open === 123 ? S.Key : S.Value;
      return i + 1;
    }
    if (c === close) return this.close(i);
    return this.stop(this.base + i, text.charAt(i), `"," or "${String.fromCharCode(close)}"`);
  }

  private startValue(text: string, i: number, c: number): number {
    let next: S;
    if (c === 123) next = S.KeyOrEnd;
    else if (c === 91) next = S.ValueOrEnd;
    else if (c === QUOTE) next = S.String;
    else if (c === 45) next = S.NumMinus;
    else if (c === 48) next = S.NumZero;
    else if (isDigit(c)) next = S.NumInt;
    else if (c === 116 || c === 102 || c === 110) next = S.Literal;
    else return this.stop(this.base + i, text.charAt(i), "a value");
    const top = this.frames.at(-1);
    if (top !== undefined && top.open === 91) this.entry(top);
    const limits = this.limits;
    if (limits !== undefined && ++this.values > limits.maxValues)
      this.tooLarge(`more than ${limits.maxValues} JSON values (the last at ${this.at(this.frames.length)})`);
    this.state = next;
    if (next === S.KeyOrEnd || next === S.ValueOrEnd) {
      if (limits !== undefined && this.frames.length >= limits.maxDepth)
        this.tooLarge(`arrays and objects nested more than ${limits.maxDepth} deep at ${this.at(this.frames.length)}`);
      this.frames.push({ open: c as 123 | 91, entries: 0, key: undefined, keys: undefined });
    } else if (next === S.String) {
      this.stringIsKey = false;
      this.stringChars = 0;
    } else if (next === S.Literal) {
      this.word = c === 116 ? "true" : c === 102 ? "false" : "null";
      this.wordAt = 1;
    } else if (limits !== undefined && ++this.numbers > limits.maxNumbers) {
      this.tooLarge(`more than ${limits.maxNumbers} numbers (the last at ${this.at(this.frames.length)})`);
    }
    return i + 1;
  }

  /** One more entry in an open array or object. */
  private entry(frame: Frame): void {
    frame.entries += 1;
    const limits = this.limits;
    if (limits !== undefined && frame.entries > limits.maxEntries) {
      const what = frame.open === 91 ? "array" : "object";
      const unit = frame.open === 91 ? "entries" : "keys";
      this.tooLarge(`an ${what} of more than ${limits.maxEntries} ${unit} at ${this.at(this.frames.length - 1)}`);
    }
  }

  private close(i: number): number {
    this.frames.pop();
    this.state = S.AfterValue;
    return i + 1;
  }

  private stringPart(text: string, i: number, n: number): number {
    let j = i;
    let c = 0;
    while (j < n) {
      c = text.charCodeAt(j);
      if (c === QUOTE || c === BACKSLASH || c < 32) break;
      j += 1;
    }
    this.countChars(j - i);
    if (this.stringIsKey) this.keyRaw += text.slice(i, j);
    if (j === n) return j;
    if (c === QUOTE) {
      if (this.stringIsKey) {
        this.finishKey();
        this.state = S.Colon;
      } else this.state = S.AfterValue;
      return j + 1;
    }
    if (c === BACKSLASH) {
      this.countChars(1);
      if (this.stringIsKey) this.keyRaw += "\\";
      this.state = S.Escape;
      return j + 1;
    }
    return this.stop(this.base + j, text.charAt(j), "no control characters in a string (write them as escapes)");
  }

  private countChars(k: number): void {
    this.stringChars += k;
    const limits = this.limits;
    if (limits !== undefined && this.stringChars > limits.maxStringChars) {
      // a key's own entry has no name yet: say which object it is in
      const at = this.stringIsKey
        ? `in the object at ${this.at(this.frames.length - 1)}`
        : `at ${this.at(this.frames.length)}`;
      this.tooLarge(`a ${this.stringIsKey ? "key" : "string"} of more than ${limits.maxStringChars} characters ${at}`);
    }
  }

  private finishKey(): void {
    const frame = this.frames.at(-1)!;
    const raw = this.keyRaw;
    // the raw text is valid string content by now: JSON.parse decodes its escapes
    const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
    this.keyRaw = "";
    if (this.refuseDuplicateKeys) {
      frame.keys ??= new Set();
      if (frame.keys.has(key)) {
        const at = this.at(this.frames.length - 1);
        const { line, column } = this.position(this.keyAt);
        throw new DuplicateKeyError(
          key,
          this.pointer(this.frames.length - 1),
          `malformed JSON at line ${line}, column ${column}: key ${quote(key)} appears twice in the object at ${at}`,
          this.where,
        );
      }
      frame.keys.add(key);
    }
    frame.key = key;
  }

  private numberPart(text: string, i: number, n: number): number {
    let c = text.charCodeAt(i);
    switch (this.state) {
      case S.NumMinus:
        if (!isDigit(c)) return this.stop(this.base + i, text.charAt(i), "a digit");
        this.state = c === 48 ? S.NumZero : S.NumInt;
        return i + 1;
      case S.NumDot:
        if (!isDigit(c)) return this.stop(this.base + i, text.charAt(i), "a digit");
        this.state = S.NumFrac;
        return i + 1;
      case S.NumE:
        if (c === 43 || c === 45) {
          this.state = S.NumESign;
          return i + 1;
        }
        if (!isDigit(c)) return this.stop(this.base + i, text.charAt(i), "a digit");
        this.state = S.NumExp;
        return i + 1;
      case S.NumESign:
        if (!isDigit(c)) return this.stop(this.base + i, text.charAt(i), "a digit");
        this.state = S.NumExp;
        return i + 1;
      default: {
        // NumZero, NumInt, NumFrac, NumExp: the digits that may follow, then what may end the part
        const state = this.state;
        if (state !== S.NumZero) {
          while (isDigit(c)) {
            if (++i === n) return i;
            c = text.charCodeAt(i);
          }
        }
        if (c === 46 && (state === S.NumZero || state === S.NumInt)) {
          this.state = S.NumDot;
          return i + 1;
        }
        if ((c === 101 || c === 69) && state !== S.NumExp) {
          this.state = S.NumE;
          return i + 1;
        }
        this.state = S.AfterValue; // the number ended; this character is the next token's
        return i;
      }
    }
  }

  /** Escapes, \u digits and the letters of true, false and null. */
  private other(text: string, i: number): number {
    const c = text.charCodeAt(i);
    if (this.state === S.Escape) {
      if (c === 117) {
        this.state = S.Hex;
        this.hexLeft = 4;
      } else if (ESCAPES.includes(text.charAt(i))) this.state = S.String;
      else return this.stop(this.base + i, text.charAt(i), "an escape character");
    } else if (this.state === S.Hex) {
      if (!isHex(c)) return this.stop(this.base + i, text.charAt(i), "a hex digit of a \\u escape");
      if (--this.hexLeft === 0) this.state = S.String;
    } else {
      if (text.charAt(i) !== this.word.charAt(this.wordAt)) this.stop(this.base + i, text.charAt(i), `"${this.word}"`);
      if (++this.wordAt === this.word.length) this.state = S.AfterValue;
      return i + 1;
    }
    this.countChars(1);
    if (this.stringIsKey) this.keyRaw += text.charAt(i);
    return i + 1;
  }

  private position(offset: number): { line: number; column: number } {
    return { line: this.line, column: offset - this.lineStart + 1 };
  }

  private stop(offset: number, found: string, expected: string): never {
    const { line, column } = this.position(offset);
    const what = found === "" ? "end of input" : JSON.stringify(found);
    throw new JsonSyntaxStop({ offset, line, column, message: `unexpected ${what}, expected ${expected}` });
  }

  private tooLarge(what: string): never {
    throw new CcboundError("too-large", `${what}: over the limit for a ${this.limits!.kind}`, this.where, LIMITS_HINT);
  }

  /** JSON pointer of the value being read inside the first `depth` open containers. */
  private pointer(depth: number): string {
    let out = "";
    for (let k = 0; k < depth; k++) {
      const f = this.frames[k]!;
      const segment = f.open === 91 ? String(f.entries - 1) : (f.key ?? "");
      out += `/${segment.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    }
    return out;
  }

  private at(depth: number): string {
    return this.pointer(depth) || "the top level";
  }
}

function quote(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}
