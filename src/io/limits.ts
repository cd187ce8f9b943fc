/**
 * Every limit on what ccbound reads, in one place (docs/security.md lists them with their reasons). They are enforced
 * while reading: a file is refused by its size before a byte is read, and a JSON text by its structure as it is
 * scanned, before JSON.parse builds anything. So a rejected file costs time and memory proportional to the limit, not
 * to the file (a 249 MB array of empty arrays once took 6 GB and minutes to reach its one-line error).
 */
import { CcboundError } from "../errors.js";
import { MAX_DIM, MAX_TOKENS } from "../limits.js";

/** Rows and columns of any matrix, and the length of any vector or list. */
export { MAX_DIM, MAX_TOKENS };

/** Numbers in one model (weights, transitions, ...), from either file format. */
export const MAX_NUMBERS = 1_000_000;
/** JSON values of any kind in one model; bounds the work (and the issue list) of validating junk. */
export const MAX_VALUES = 2 * MAX_NUMBERS;

const MiB = 1024 * 1024;

/** What a JSON reader accepts; each is checked while the text is scanned (src/io/json-locate.ts). */
export interface JsonLimits {
  /** What the file is, for messages: "model file". */
  readonly kind: string;
  /** Bytes of the file. */
  readonly maxBytes: number;
  /** Arrays and objects open at once. */
  readonly maxDepth: number;
  /** Entries of one array, or keys of one object. */
  readonly maxEntries: number;
  /** Values of any kind (containers included) in the whole text. */
  readonly maxValues: number;
  /** Numbers in the whole text. */
  readonly maxNumbers: number;
  /** Characters of one string or key, as written (escapes count as written). */
  readonly maxStringChars: number;
}

/**
 * A model file. 1,000,000 numbers in ccbound's layout (one matrix row a line) take about 22 MB, and at most 26 MB
 * (the longest binary64 in shortest form has 24 characters); 64 MiB also holds a layout with one number a line.
 * Every list of a model is at most MAX_DIM long except the vocabulary and the rows of the embeddings (MAX_TOKENS),
 * and nothing in the format nests deeper than 7. The scan allows lists up to twice MAX_TOKENS, so that a list just
 * over reaches the schema, whose message says which list and its limit; the values and numbers in the whole text
 * are bounded the same either way, so a longer list does not let a file hold more.
 */
export const MODEL_JSON_LIMITS: JsonLimits = {
  kind: "model file",
  maxBytes: 64 * MiB,
  maxDepth: 16,
  maxEntries: 2 * MAX_TOKENS,
  maxValues: MAX_VALUES,
  maxNumbers: MAX_NUMBERS,
  maxStringChars: 64 * 1024,
};

/**
 * Any other JSON ccbound reads unless its reader asks for less or more. JSON.parse and a validator's walk take about
 * a microsecond a value, so 2^21 values cost about two seconds at worst; a shard file of the default budget (2^20
 * runs, one digest each) fits, and so does everything else ccbound writes.
 */
export const DEFAULT_JSON_LIMITS: JsonLimits = {
  kind: "JSON file",
  maxBytes: 64 * MiB,
  maxDepth: 32,
  maxEntries: 1 << 21,
  maxValues: 1 << 21,
  maxNumbers: 1 << 21,
  maxStringChars: 1 * MiB,
};

/**
 * A certificate: an input and a colliding pair of inputs of at most 2 MAX_TOKENS + 1 tokens each (nearest neighbour
 * takes 2n + 1 tokens), each token at most about 10 characters in JSON (`"@1048576",`), a few numbers and strings.
 */
export const CERTIFICATE_JSON_LIMITS: JsonLimits = {
  ...DEFAULT_JSON_LIMITS,
  kind: "certificate",
  maxBytes: 96 * MiB,
  maxEntries: 2 * MAX_TOKENS + 2,
  maxValues: 6 * MAX_TOKENS + 64 * MAX_DIM,
  maxNumbers: 64 * MAX_DIM,
};

/** A shard file: one digest per draw of its share of the budget, so it may be the largest JSON ccbound reads. */
export const SHARD_JSON_LIMITS: JsonLimits = {
  ...DEFAULT_JSON_LIMITS,
  kind: "shard file",
  maxBytes: 256 * MiB,
  maxEntries: 1 << 24,
  maxValues: 1 << 25,
  maxNumbers: 1 << 24,
};

/**
 * Reference logits for `eval --expect` (src/io/expect-file.ts): a list of inputs (token ids or a string of tokens)
 * and a row of logits for each. MAX_EXPECT_TOKENS bounds the forward passes the file asks for; the entries of one
 * list, the model's longest input (MAX_TOKENS) or head.
 */
export const MAX_EXPECT_INPUTS = 1 << 16;
export const MAX_EXPECT_TOKENS = 1 << 22;
export const EXPECT_JSON_LIMITS: JsonLimits = {
  ...DEFAULT_JSON_LIMITS,
  kind: "expected-logits file",
  maxBytes: 64 * MiB,
  maxDepth: 4, // {"inputs": [[id, ...]]}
  maxEntries: 1 << 22,
  maxValues: 1 << 23,
  maxNumbers: 1 << 23,
};

/**
 * A safetensors sidecar (`m.ccbound.json`): a few settings, the vocabulary (MAX_TOKENS) and labels (MAX_DIM) among
 * them; a token takes about 10 bytes in JSON.
 */
export const SIDECAR_JSON_LIMITS: JsonLimits = {
  ...DEFAULT_JSON_LIMITS,
  kind: "sidecar",
  maxBytes: 32 * MiB,
  maxDepth: 4,
  maxEntries: 2 * MAX_TOKENS,
  maxValues: 2 * MAX_TOKENS + 8 * MAX_DIM,
  maxNumbers: 64,
};

/**
 * The JSON header of a safetensors file, whose length is read from its first 8 bytes and refused above this before
 * the header is read. A real header takes about 150 bytes a tensor plus its metadata (ccbound stores the vocabulary
 * there): a few hundred kB for the largest model ccbound can hold. The reference implementation allows 100 MB.
 */
export const MAX_HEADER_BYTES = 16 * MiB;
export const SAFETENSORS_HEADER_LIMITS: JsonLimits = {
  kind: "safetensors header",
  maxBytes: MAX_HEADER_BYTES,
  maxDepth: 4, // {name: {shape: [..]}}, and "__metadata__": {key: string}
  maxEntries: 1 << 20,
  maxValues: 1 << 22,
  maxNumbers: 1 << 22,
  maxStringChars: MAX_HEADER_BYTES,
};
/**
 * Elements over all tensors of a safetensors file. The data must tile exactly what the header declares, so a file is
 * never read past 8 + MAX_HEADER_BYTES + 8 x this many bytes.
 */
export const MAX_TENSOR_ELEMENTS = MAX_NUMBERS;

/** A file a writeup pins, copied into prove's scratch directory: as large as the largest input any command reads. */
export const MAX_PINNED_BYTES = SHARD_JSON_LIMITS.maxBytes;

/** A writeup (proofs/*.md): Markdown of tens of kB. */
export const MAX_WRITEUP_BYTES = 4 * MiB;
/** Checked commands in one writeup (the largest has 14): each may run up to prove's timeout. */
export const MAX_WRITEUP_COMMANDS = 1000;

/** Text files read without a kind of their own. */
export const MAX_FILE_BYTES = DEFAULT_JSON_LIMITS.maxBytes;

/** What a validator walks through at most, by the kind of file: it bounds the work, and the issue list, of junk. */
export interface ValueBudget {
  readonly maxValues: number;
  readonly maxNumbers: number;
}
export const MODEL_VALUES: ValueBudget = { maxValues: MAX_VALUES, maxNumbers: MAX_NUMBERS };

/**
 * Throws "too-large" when `value` holds more numbers or values than `budget` allows: for a model built in memory or
 * imported from safetensors, and before a validator reports an issue per junk value (a JSON file was already bounded
 * while it was scanned, maybe more loosely). Iterative (a deeply nested value cannot overflow the stack) and stops at
 * the limit (a cyclic object terminates).
 */
export function checkValueCount(value: unknown, where: string, budget: ValueBudget = MODEL_VALUES): void {
  const stack: unknown[] = [];
  let numbers = 0;
  let values = 0;
  const { maxValues, maxNumbers } = budget;
  // Counted when pushed, so a huge array is refused before the stack grows past the limit.
  const visit = (v: unknown): void => {
    values += 1;
    if (values > maxValues) tooLarge(`more than ${maxValues} JSON values`, where);
    if (typeof v === "number" && ++numbers > maxNumbers) tooLarge(`more than ${maxNumbers} numbers`, where);
    if (v !== null && typeof v === "object") stack.push(v);
  };
  visit(value);
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) for (const item of v) visit(item);
    else if (v !== null && typeof v === "object") for (const item of Object.values(v)) visit(item);
  }
}

function tooLarge(what: string, where: string): never {
  throw new CcboundError("too-large", `file holds ${what}, the limit of this version of ccbound`, where);
}
