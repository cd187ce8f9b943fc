/** Model files: read, validate, name by hash, write. */
import type { ModelSpec } from "../models/spec.js";
import { CcboundError } from "../errors.js";
import { writeFileAtomic } from "./atomic-write.js";
import { canonicalJson, sha256Hex } from "./canonical.js";
import { parseJsonText } from "./json-text.js";
import { modelSchema } from "./model-schema.js";
import { prettyJson } from "./pretty-json.js";
import { readTextFile } from "./read-file.js";
import { validateFile, type ValidationContext } from "./validate.js";

export interface LoadedModelFile {
  readonly spec: ModelSpec;
  /** SHA-256 of the canonical serialisation: the name certificates use. */
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
  return validateModel(parseJsonText(text, where), where);
}

export function readModelFile(path: string): LoadedModelFile {
  if (/\.safetensors$/i.test(path)) {
    throw new CcboundError("invalid-model", "safetensors model files cannot be read yet", path, "safetensors import is not supported yet; use the JSON model format (docs/model-format.md)");
  }
  const spec = parseModelJson(readTextFile(path), path);
  return { spec, sha256: modelSha256(spec), path };
}

/** Hex SHA-256 of canonicalJson(spec): independent of key order and whitespace in the file. */
export function modelSha256(spec: ModelSpec): string {
  return sha256Hex(canonicalJson(spec));
}

/** The text ccbound writes for a model: validated, in the schema's key order, one matrix row per line. */
export function modelFileText(spec: ModelSpec, where: string): string {
  return `${prettyJson(validateModel(spec, where))}\n`;
}

/** Validates, then writes atomically. */
export function writeModelFile(path: string, spec: ModelSpec): void {
  writeFileAtomic(path, modelFileText(spec, path));
}
