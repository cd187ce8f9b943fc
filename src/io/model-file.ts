/** Model files: read, validate, name by hash, write. */
import type { ModelSpec } from "../models/spec.js";
import { CcboundError } from "../errors.js";
import { canonicalSha256 } from "./canonical.js";
import { parseJsonText, readJsonFile } from "./json-text.js";
import { MODEL_JSON_LIMITS } from "./limits.js";
import { modelSchema } from "./model-schema.js";
import { prettyJson } from "./pretty-json.js";
import { isPtPath, readPtFile } from "./pt/read.js";
import { readPytorchModel, type ImportFlags } from "./pytorch-import.js";
import { readHead } from "./read-file.js";
import { looksLikeSafetensors } from "./safetensors.js";
import { validateFile, type ValidationContext } from "./validate.js";

export interface LoadedModelFile {
  readonly spec: ModelSpec;
  /**
   * SHA-256 of the canonical serialisation of `spec`: the name certificates use. For safetensors it is the hash of the
   * imported model, not of the file's bytes, so a model converted between JSON and safetensors keeps its name.
   */
  readonly sha256: string;
  readonly path: string;
}

const HINT = "the model file format is described in docs/model-format.md";

function context(where: string): ValidationContext {
  return { code: "invalid-model", where, what: "invalid model", hint: HINT };
}

/** Checks a parsed JSON value (or an object built in memory) against the model file format, reporting every problem. */
export function validateModel(value: unknown, where: string): ModelSpec {
  return validateFile(modelSchema, "model", value, context(where));
}

export function parseModelJson(text: string, where: string): ModelSpec {
  return validateModel(parseJsonText(text, where, MODEL_JSON_LIMITS), where);
}

/**
 * A JSON model file or a PyTorch state_dict in safetensors or a torch.save file (by its extension or its first bytes).
 * `flags` name what a safetensors file may leave unsaid (docs/safetensors.md); a JSON file says it all itself.
 */
export function readModelFile(path: string, flags: ImportFlags = {}): LoadedModelFile {
  // torch.save files: their tensors, read by src/io/pt, go through the same import as safetensors (docs/pytorch.md)
  if (!isSafetensorsPath(path) && isPtPath(path)) {
    const spec = validateModel(readPytorchModel(path, flags, readPtFile), path);
    return { spec, sha256: modelSha256(spec), path };
  }
  if (isSafetensorsPath(path)) {
    const spec = validateModel(readPytorchModel(path, flags), path);
    return { spec, sha256: modelSha256(spec), path };
  }
  const flag = Object.keys(flags).find((k) => flags[k as keyof ImportFlags] !== undefined);
  if (flag !== undefined)
    throw new CcboundError(
      "invalid-flag",
      "applies to safetensors model files only; a JSON model file states it itself",
      `--${flag}`,
    );
  const spec = validateModel(readJsonFile(path, MODEL_JSON_LIMITS), path);
  return { spec, sha256: modelSha256(spec), path };
}

/** `.safetensors`, or a file whose first bytes are a safetensors header length and "{" (JSON text never is). */
export function isSafetensorsPath(path: string): boolean {
  if (/\.safetensors$/i.test(path)) return true;
  // not a regular file, or unreadable: the JSON reader reports why (a FIFO must not block here)
  const head = readHead(path, 9);
  return head !== undefined && head.length === 9 && looksLikeSafetensors(head);
}

/** Hex SHA-256 of canonicalJson(spec): independent of key order and whitespace in the file. */
export function modelSha256(spec: ModelSpec): string {
  return canonicalSha256(spec);
}

/** The text ccbound writes for a model: validated, in the schema's key order, one matrix row per line. */
export function modelFileText(spec: ModelSpec, where: string): string {
  return `${prettyJson(validateModel(spec, where))}\n`;
}
