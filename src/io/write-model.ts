/**
 * Writes a model file by the path's extension: `.json` (docs/model-format.md) or `.safetensors` (a PyTorch
 * state_dict, docs/safetensors.md), validated first and written atomically, so that a refused model or a failed write
 * leaves no file behind. Returns what was stored, for the command's report line.
 */
import { CcboundError } from "../errors.js";
import type { ModelSpec } from "../models/spec.js";
import { writeFileAtomic } from "./atomic-write.js";
import { modelFileText, validateModel } from "./model-file.js";
import { exportPytorchModel } from "./pytorch-export.js";
import type { FloatDtype } from "./safetensors.js";

export type WrittenModel =
  | { readonly kind: "json"; readonly bytes: number; readonly stored: string }
  | {
      readonly kind: "safetensors";
      readonly bytes: number;
      readonly dtype: FloatDtype;
      /** The dtype the format asks for, when some weight is not a value of it and F64 was written instead. */
      readonly widenedFrom?: FloatDtype;
      /** "F32 tensors", or why they are F64. */
      readonly stored: string;
    };

export function modelFileKind(path: string): "json" | "safetensors" {
  if (/\.safetensors$/i.test(path)) return "safetensors";
  if (/\.json$/i.test(path)) return "json";
  throw new CcboundError("invalid-flag", "the output file must end in .json or .safetensors", path);
}

export function writeModelFile(path: string, spec: ModelSpec): WrittenModel {
  const kind = modelFileKind(path); // before any work: a name we cannot write is the first thing to report
  if (kind === "json") {
    const text = modelFileText(spec, path);
    writeFileAtomic(path, text);
    return { kind, bytes: Buffer.byteLength(text), stored: "JSON" };
  }
  const exported = exportPytorchModel(validateModel(spec, path), path);
  writeFileAtomic(path, exported.bytes);
  const { dtype, widenedFrom } = exported;
  const stored = widenedFrom
    ? `${dtype} tensors: some weights are not ${widenedFrom} values, and ${dtype} keeps them exactly (the model rounds them to its format when it runs)`
    : `${dtype} tensors`;
  return { kind, bytes: exported.bytes.length, dtype, ...(widenedFrom && { widenedFrom }), stored };
}
