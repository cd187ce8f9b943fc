/**
 * Limits for reading `torch.save` files. Every one of them is checked before the work or the memory it bounds is spent,
 * so a hostile or mistaken file is refused in time and memory proportional to its size, never more. The numbers are
 * far above what a state dict needs (GPT-2 XL's has under 600 tensors and a pickle of about 60 KB) and far below what
 * would hurt a machine.
 */
import { MAX_FILE_BYTES, MAX_NUMBERS } from "../limits.js";

export const PT_LIMITS = {
  /** The file itself, refused before it is read: the same bound as every model file. */
  maxFileBytes: MAX_FILE_BYTES,
  /** Entries in the archive: one per storage plus four or five records. */
  maxEntries: 10_000,
  /** One entry, uncompressed, as its central directory declares it: refused before anything is inflated. */
  maxEntryBytes: 64 * 1024 * 1024,
  /** All entries, uncompressed, as declared: bounds the memory a deflated archive can expand to. */
  maxTotalBytes: MAX_FILE_BYTES,
  /** data.pkl: about 100 bytes per tensor. */
  maxPickleBytes: 16 * 1024 * 1024,
  /** Objects on the unpickler's stacks together (the stack and everything MARK set aside). */
  maxStack: 1_000_000,
  /** Nested MARKs: a state dict nests three deep. */
  maxMarks: 1_000,
  /** Memo entries, and the largest memo index (the memo is a map, but an index past this is hostile, not big). */
  maxMemo: 1_000_000,
  /** One string (a tensor name, a module path in `_metadata`). */
  maxStringBytes: 1024 * 1024,
  /** Tensors rebuilt (including views that share a storage). */
  maxTensors: 100_000,
  /** Values over all tensors, as for safetensors: bounds the decoded weights. */
  maxValues: MAX_NUMBERS,
} as const;

export type PtLimits = { readonly [K in keyof typeof PT_LIMITS]: number };
