/**
 * Validation results as one CcboundError: `issues` lists every problem with a JSON pointer, and the one-line message
 * names the first and counts the rest. Shared by model files and certificates.
 */
import * as z from "zod";
import { CcboundError, type ErrorCode, type Issue } from "../errors.js";
import { CERTIFICATE_JSON_LIMITS, checkValueCount, MODEL_VALUES } from "./limits.js";
import { closest, fieldNames } from "./suggest.js";

export interface ValidationContext {
  /** "invalid-model" or "invalid-certificate". */
  readonly code: ErrorCode;
  /** The file (or other source) being validated. */
  readonly where: string;
  /** Leads the message: "invalid model". */
  readonly what: string;
  readonly hint?: string;
}

const knownFields = new WeakMap<z.ZodType, Set<string>>();

/**
 * Parses `value` with `schema`, or throws one CcboundError listing every issue. A key named "__proto__" is an issue
 * wherever it is, records included: the JSON reader keeps it as an own key, but a record's parser copies entries by
 * assignment, which would drop it silently (or make it the copy's prototype), so a strict object and a record alike
 * refuse it as an unknown field.
 */
export function validateWith<S extends z.ZodType>(schema: S, value: unknown, context: ValidationContext): z.output<S> {
  const proto = protoKeys(value);
  // reportInput: issue messages quote the offending value ("got 1.5")
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success && proto.length === 0) return result.data;
  let fields = knownFields.get(schema);
  if (!fields) knownFields.set(schema, (fields = fieldNames(schema)));
  const issues = [...proto, ...(result.success ? [] : toIssues(result.error.issues, fields))];
  const seen = new Set<string>();
  throw issuesError(
    issues.filter((i) => !seen.has(`${i.path}\u0000${i.message}`) && seen.add(`${i.path}\u0000${i.message}`)),
    context,
  );
}

/** Every own "__proto__" key in a JSON value, as an unknown field at its path. Iterative; scalars cost nothing. */
function protoKeys(value: unknown): Issue[] {
  interface At {
    readonly key: PropertyKey;
    readonly up: At | undefined;
  }
  const pathOf = (at: At | undefined): PropertyKey[] => {
    const path: PropertyKey[] = [];
    for (let a = at; a !== undefined; a = a.up) path.unshift(a.key);
    return path;
  };
  const found: Issue[] = [];
  const stack: { v: object; at: At | undefined }[] = [];
  const visit = (v: unknown, at: At | undefined) => {
    if (v !== null && typeof v === "object") stack.push({ v, at });
  };
  visit(value, undefined);
  while (stack.length > 0) {
    const { v, at } = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === "object") visit(v[i], { key: i, up: at });
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      if (key === "__proto__")
        found.push({ path: jsonPointer([...pathOf(at), key]), message: 'unknown field "__proto__"' });
      visit(item, { key, up: at });
    }
  }
  return found;
}

export function issuesError(issues: readonly Issue[], context: ValidationContext): CcboundError {
  const first = issues[0] ?? { path: "", message: "unknown problem" };
  const at = first.path === "" ? "" : `${first.path}: `;
  const more = issues.length - 1;
  const rest = more > 0 ? `; and ${more} more problem${more === 1 ? "" : "s"}` : "";
  return new CcboundError(
    context.code,
    `${context.what}: ${at}${first.message}${rest}`,
    context.where,
    context.hint,
    issues,
  );
}

/** RFC 6901 pointer: "/layers/0/weight_hh/2"; the root is "". */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((seg) => `/${String(seg).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

export function toIssues(zodIssues: readonly z.core.$ZodIssue[], fields: ReadonlySet<string> = new Set()): Issue[] {
  return zodIssues.flatMap((issue): Issue[] => {
    if (issue.code === "unrecognized_keys") {
      // one issue per key, pointing at the key itself
      return issue.keys.map((key) => ({
        path: jsonPointer([...issue.path, key]),
        message: oneLine(
          fields.has(key) // a real field of another kind of object (a `layers` in a DFA): a suggestion would mislead
            ? `field ${JSON.stringify(key)} does not belong here`
            : `unknown field ${JSON.stringify(key)}${didYouMean(key, fields)}`,
        ),
      }));
    }
    return [{ path: jsonPointer(issue.path), message: oneLine(describeIssue(issue)) }];
  });
}

const EXPECTED: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  array: "an array",
  tuple: "an array",
  object: "an object",
  record: "an object",
};

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = issue.input;
  switch (issue.code) {
    case "invalid_type":
      if (typeof input === "number" && !Number.isFinite(input))
        return `${subject(issue.path)} is not finite (${input})`;
      if (input === undefined) return `missing required field ${JSON.stringify(lastKey(issue.path))}`;
      return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${describeValue(input)}`;
    case "invalid_value":
      return `expected ${orList(issue.values)}, got ${describeValue(input)}${didYouMean(input, issue.values)}`;
    case "invalid_union": {
      if (issue.discriminator !== undefined && "options" in issue && issue.options) {
        const key = issue.discriminator;
        const got = isRecord(input) ? input[key] : undefined;
        const expected = `expected ${orList(issue.options)}`;
        if (got === undefined) return `missing required field ${JSON.stringify(key)}, ${expected}`;
        return `unknown ${key} ${describeValue(got)}, ${expected}${didYouMean(got, issue.options)}`;
      }
      // a plain union (a number or a string): say what each alternative wanted
      const wanted = issue.errors.map((alt) =>
        alt[0]?.code === "invalid_type" ? EXPECTED[alt[0].expected] : undefined,
      );
      if (wanted.every((w) => w !== undefined)) return `expected ${wanted.join(" or ")}, got ${describeValue(input)}`;
      return issue.message;
    }
    case "too_small":
      if (issue.origin === "array" || issue.origin === "string") {
        if (Number(issue.minimum) === 1) return "must not be empty";
        return `has ${size(input)}, expected at least ${issue.minimum}`;
      }
      return `must be ${issue.inclusive === false ? "greater than" : "at least"} ${issue.minimum}, got ${describeValue(input)}`;
    case "too_big":
      if (issue.origin === "array" || issue.origin === "string") {
        return `has ${size(input)}, at most ${issue.maximum} allowed`;
      }
      return `must be ${issue.inclusive === false ? "less than" : "at most"} ${issue.maximum}, got ${describeValue(input)}`;
    default:
      return issue.message; // custom issues carry our own words; invalid_format messages are set in the schemas
  }
}

/** What a non-finite number is called: "weight_hh entry" inside a tensor, "hidden" for a field. */
function subject(path: readonly PropertyKey[]): string {
  const key = lastKey(path);
  if (key === undefined) return "number";
  return typeof path.at(-1) === "string" ? key : `${key} entry`;
}

function lastKey(path: readonly PropertyKey[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i -= 1) {
    const seg = path[i];
    if (typeof seg === "string") return seg;
  }
  return undefined;
}

function size(input: unknown): string {
  if (typeof input === "string") return `${input.length} characters`;
  const n = Array.isArray(input) ? input.length : 0;
  return `${n} ${n === 1 ? "entry" : "entries"}`;
}

/**
 * A value as a message quotes it: strings quoted and cut short, short arrays and objects as written ("[-1, 2]", so the
 * bad value is in the line), longer ones by their size.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "an empty array";
    const written = value.length <= 8 ? shortJson(value) : undefined;
    return written ?? `an array of ${size(value)}`;
  }
  if (value !== null && typeof value === "object")
    return (Object.keys(value).length <= 4 && shortJson(value)) || "an object";
  return String(value);
}

/** The value as JSON (an array's entries separated by ", "), when that is at most 40 characters. */
function shortJson(value: object): string | undefined {
  const json = (v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : JSON.stringify(v));
  let text: string | undefined;
  try {
    text = Array.isArray(value) ? `[${value.map((v) => json(v) ?? "null").join(", ")}]` : json(value);
  } catch {
    return undefined; // a cycle or a bigint: not from a JSON file
  }
  return text !== undefined && text.length <= 40 ? text : undefined;
}

function orList(values: readonly unknown[]): string {
  const quoted = values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v)));
  return quoted.length <= 1 ? (quoted[0] ?? "nothing") : `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}`;
}

function didYouMean(got: unknown, options: Iterable<unknown>): string {
  if (typeof got !== "string") return "";
  const strings = [...options].filter((o): o is string => typeof o === "string");
  const near = closest(got, strings);
  return near === undefined ? "" : ` (did you mean ${JSON.stringify(near)}?)`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Messages may quote file content; a newline in it must not break the one line a user sees. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

/** The version of each kind of file this build reads, and what to do with another. */
const FILE_VERSIONS = {
  model: { version: 1, hint: "" },
  certificate: {
    version: 2,
    hint: " (a version 1 certificate may cite a bound that does not apply: re-run ccbound check for a new one)",
  },
} as const;

/**
 * A ccbound file of the other kind, or of a version this build cannot read, gets one clear issue instead of a
 * screen of unrelated ones ("missing field arch", ...).
 */
export function checkFileKind(
  value: unknown,
  kind: "model" | "certificate",
  version: number,
  context: ValidationContext,
): void {
  if (!isRecord(value)) return;
  const found = value["ccbound"];
  if ((found === "model" || found === "certificate") && found !== kind) {
    throw issuesError([{ path: "/ccbound", message: `this is a ccbound ${found} file, not a ${kind} file` }], context);
  }
  const v = value["version"];
  if (found === kind && typeof v === "number" && v !== version) {
    const message = `${kind} file version ${v} is not supported, this ccbound reads version ${version}${FILE_VERSIONS[kind].hint}`;
    throw issuesError([{ path: "/version", message }], context);
  }
}

/** A ccbound file of one kind: size bounded first, then its kind and version, then every problem the schema finds. */
export function validateFile<S extends z.ZodType>(
  schema: S,
  kind: "model" | "certificate",
  value: unknown,
  context: ValidationContext,
): z.output<S> {
  checkValueCount(value, context.where, kind === "model" ? MODEL_VALUES : CERTIFICATE_JSON_LIMITS);
  checkFileKind(value, kind, FILE_VERSIONS[kind].version, context);
  return validateWith(schema, value, context);
}
