import type { Command } from "commander";
import { fail } from "../../errors.js";
import { modelFileText } from "../../io/model-file.js";
import { exportPytorchModel } from "../../io/pytorch-export.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { describeModel, loadModel, modelOptions, type ModelOptions } from "../load.js";
import { printRows } from "../print.js";

export function registerConvert(program: Command): void {
  modelOptions(
    program
      .command("convert")
      .description("convert a model between JSON and safetensors (PyTorch state_dict names), by OUT's extension")
      .argument("<in>", "model file (JSON or safetensors)")
      .argument("<out>", "file to write: .json or .safetensors"),
  ).action((inPath: string, outPath: string, o: ModelOptions) => convert(inPath, outPath, o));
}

/** Read (any format, with the import and --format flags), write by OUT's extension, atomically. */
function convert(inPath: string, outPath: string, o: ModelOptions): void {
  const kind = /\.safetensors$/i.test(outPath) ? "safetensors" : /\.json$/i.test(outPath) ? "json" : fail("invalid-flag", "the output file must end in .json or .safetensors", outPath);
  const { spec, sha256 } = loadModel(inPath, o);
  let stored = "JSON";
  if (kind === "safetensors") {
    const exported = exportPytorchModel(spec, inPath);
    writeFileAtomic(outPath, exported.bytes);
    stored = exported.widenedFrom
      ? `${exported.dtype} tensors: some weights are not ${exported.widenedFrom} values, and F64 keeps them exactly (the model rounds them to ${spec.arch === "recurrent" ? spec.format : "its format"} when it runs; --format ${spec.arch === "recurrent" ? spec.format : "F"} rounds them in the file)`
      : `${exported.dtype} tensors`;
  } else writeFileAtomic(outPath, modelFileText(spec, outPath));
  printRows([
    ["wrote", `${outPath} (${describeModel(spec)})`],
    ["stored", stored],
    ["sha256", `${sha256} (the model's name in certificates, the same in either format)`],
  ]);
}
