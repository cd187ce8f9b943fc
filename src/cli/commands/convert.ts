import type { Command } from "commander";
import { modelInputs, refuseOverwrite } from "../../io/overwrite.js";
import { modelFileKind, writeModelFile } from "../../io/write-model.js";
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
  // refuse an output name before reading the input
  modelFileKind(outPath);
  refuseOverwrite([{ path: outPath, role: "OUT" }], modelInputs(inPath));
  const { spec, sha256 } = loadModel(inPath, o);
  const written = writeModelFile(outPath, spec);
  const format = spec.arch === "dfa" ? undefined : spec.format;
  // A widened file says how to get the format's own dtype: round the weights on the way (convert --format).
  const stored =
    written.kind === "safetensors" && written.widenedFrom && format
      ? `${written.stored}; --format ${format} rounds them in the file`
      : written.stored;
  printRows([
    ["wrote", `${outPath} (${describeModel(spec)})`],
    ["stored", stored],
    ["sha256", `${sha256} (the model's name in certificates, the same in either format)`],
  ]);
}
