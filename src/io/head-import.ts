/**
 * The linear head of an imported model whose backbone does not say which module it is (Mamba, linear attention):
 * the one 2-D `<module>.weight` the backbone left with `width` columns, with its `.bias` (zeros without one), or the
 * module "ccbound.head" names. Recurrent RNN imports find theirs with the embedding (pytorch-import.ts findEnds).
 */
import type { Matrix, Vector } from "../models/spec.js";
import type { ImportSettings } from "./pytorch-import.js";
import type { SafetensorsFile } from "./safetensors.js";
import { fail, formatOf, rowNames, zeros, type TensorReader } from "./tensor-reader.js";

export function findHead(
  file: SafetensorsFile,
  r: TensorReader,
  width: number,
  settings: ImportSettings,
  where: string,
): { name: string; weight: Matrix; bias: Vector } {
  const given = settings.head;
  let name: string;
  if (given !== undefined) {
    name = file.tensors.has(given.value) ? given.value : `${given.value.replace(/\.$/, "")}.weight`;
    if (!file.tensors.has(name))
      fail(
        `"ccbound.head" (from ${given.from}) is ${JSON.stringify(given.value)}, but there is no tensor "${name}"`,
        where,
      );
  } else {
    const fits = [...file.tensors.values()]
      .filter(
        (t) => !r.used.has(t.name) && t.shape.length === 2 && t.shape[1] === width && /(^|\.)weight$/.test(t.name),
      )
      .map((t) => t.name);
    if (fits.length !== 1)
      fail(
        fits.length === 0
          ? `no head: no 2-D tensor <module>.weight with ${width} columns (d_model) besides the backbone's; name it with "ccbound.head" in the file's __metadata__ or its sidecar`
          : `cannot tell the head among ${fits.map((n) => JSON.stringify(n)).join(", ")}; name it with "ccbound.head"`,
        where,
      );
    name = fits[0]!;
  }
  const weight = r.matrix(name, undefined, width, `the head reads d_model ${width} values`);
  const biasName = name.replace(/weight$/, "bias");
  const bias = file.tensors.has(biasName)
    ? r.vector(biasName, weight.length, `the rows of "${name}"`)
    : zeros(weight.length);
  return { name, weight, bias };
}

/**
 * The fields every imported recurrent model file starts with, from the settings and the tensors: its name and
 * description, the format (the settings', else the tensors' dtype), and the token and label names, one per row of
 * the embedding and of the head. The RNN, Mamba and linear-attention imports share it.
 */
export function recurrentHeader(
  settings: ImportSettings,
  r: TensorReader,
  rows: { embedding: string; embeddingRows: number; head: string; headRows: number },
  where: string,
) {
  return {
    ccbound: "model" as const,
    version: 1 as const,
    ...(settings.name && { name: settings.name.value }),
    ...(settings.description && { description: settings.description.value }),
    arch: "recurrent" as const,
    format: settings.format?.value ?? formatOf(r.dtypes),
    vocab: rowNames(
      settings.vocab,
      "vocab",
      rows.embeddingRows,
      `${rows.embedding} has ${rows.embeddingRows} rows`,
      where,
    ),
    labels: rowNames(
      settings.labels,
      "labels",
      rows.headRows,
      `the head "${rows.head}" has ${rows.headRows} rows`,
      where,
    ),
  };
}
