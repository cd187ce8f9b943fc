import type { Command } from "commander";
import { fail } from "../errors.js";
import { modelSha256, readModelFile } from "../io/model-file.js";
import type { Nonlinearity } from "../io/pytorch-import.js";
import { compileModel, type Model } from "../models/compile.js";
import type { ModelSpec, TransformerModelSpec } from "../models/spec.js";
import { FORMAT_NAMES_HELP, parseFormat } from "../numeric/parse.js";
import { oneOf, shellQuote, tokensOf } from "./options.js";

export interface LoadedModel {
  readonly path: string;
  readonly spec: ModelSpec;
  readonly sha256: string;
  readonly model: Model;
}

/** The flags every command that reads a model takes (modelOptions adds them): what to run it as, what to import it with. */
export interface ModelOptions {
  /** Run in this number format instead of the file's. */
  format?: string;
  /** Safetensors only: what the weights cannot say. */
  nonlinearity?: Nonlinearity;
  vocab?: string;
  labels?: string;
}

export function modelOptions(command: Command): Command {
  return command
    .option("--format <F>", `run the model in this number format, its weights rounded to it (${FORMAT_NAMES_HELP})`)
    .option(
      "--nonlinearity <f>",
      "safetensors: the nonlinearity of an nn.RNN: tanh, relu",
      oneOf("--nonlinearity", ["tanh", "relu"] as const),
    )
    .option("--vocab <tokens>", "safetensors: the token of each embedding row, space-separated (default: ids 0..V-1)")
    .option("--labels <labels>", "safetensors: the label of each head row, space-separated (default: ids 0..C-1)");
}

/** Reads a model file (JSON or safetensors) and compiles it, in the number format of --format when given. */
export function loadModel(path: string, o: ModelOptions = {}): LoadedModel {
  const file = readModelFile(path, {
    ...(o.nonlinearity !== undefined && { nonlinearity: o.nonlinearity }),
    ...(o.vocab !== undefined && { vocab: tokensOf(o.vocab) }),
    ...(o.labels !== undefined && { labels: tokensOf(o.labels) }),
  });
  const spec = o.format === undefined ? file.spec : inFormat(file.spec, o.format);
  // The model run in another format is another model: certificates name it by its own hash.
  const sha256 = spec === file.spec ? file.sha256 : modelSha256(spec);
  return { path, spec, sha256, model: compileModel(spec) };
}

/**
 * The same model in another number format: what a quantised deployment computes. A recurrent model's weights are
 * rounded to the format here (the forward pass would round them anyway), so the spec, and its hash, is the one a file
 * converted with `ccbound convert --format F` holds.
 */
export function inFormat(spec: ModelSpec, name: string): ModelSpec {
  const format = parseFormat(name, "--format");
  if (spec.arch === "dfa") fail("invalid-flag", "a DFA has no number format", "--format");
  const round = (m: number[][]) => m.map((row) => row.map(format.round));
  if (spec.arch === "transformer") return transformerInFormat(spec, format.name, round, (v) => v.map(format.round));
  const layers = spec.layers.map((l) =>
    l.cell === "linear"
      ? { ...l, a: l.a.map(format.round), b: round(l.b), bias: l.bias.map(format.round) }
      : {
          ...l,
          weight_ih: round(l.weight_ih),
          weight_hh: round(l.weight_hh),
          bias_ih: l.bias_ih.map(format.round),
          bias_hh: l.bias_hh.map(format.round),
        },
  );
  const head = { weight: round(spec.head.weight), bias: spec.head.bias.map(format.round) };
  return {
    ...spec,
    format: format.name,
    embedding: round(spec.embedding),
    ...(spec.positionEmbedding && { positionEmbedding: round(spec.positionEmbedding) }),
    layers,
    head,
  };
}

function transformerInFormat(
  spec: TransformerModelSpec,
  format: string,
  round: (m: number[][]) => number[][],
  vec: (v: number[]) => number[],
): TransformerModelSpec {
  const layers = spec.layers.map((l) => ({
    ...l,
    heads: l.heads.map((h) => ({ query: round(h.query), key: round(h.key), value: round(h.value) })),
    output: round(l.output),
    ffn: l.ffn && {
      weight1: round(l.ffn.weight1),
      bias1: vec(l.ffn.bias1),
      weight2: round(l.ffn.weight2),
      bias2: vec(l.ffn.bias2),
    },
  }));
  return {
    ...spec,
    format,
    tokenEmbedding: round(spec.tokenEmbedding),
    positionEmbedding: round(spec.positionEmbedding),
    layers,
    head: { weight: round(spec.head.weight), bias: vec(spec.head.bias) },
  };
}

/** The model and its flags as a replay command names them: `m.json --format float16`. */
export function modelArgs(path: string, o: ModelOptions): string {
  const flags = (["format", "nonlinearity", "vocab", "labels"] as const)
    .filter((k) => o[k] !== undefined)
    .map((k) => ` --${k} ${shellQuote(o[k]!)}`);
  return shellQuote(path) + flags.join("");
}

/** "lstm x2, hidden 4" or "dfa, 7 states": what the model is, in a few words. */
export function describeModel(spec: ModelSpec): string {
  if (spec.arch === "dfa") return `dfa, ${spec.states} states`;
  if (spec.arch === "transformer") {
    const heads = spec.layers.map((l) => l.heads.length).join("/");
    const m = spec.layers[0]?.heads[0]?.query.length ?? 0;
    return `transformer, ${spec.layers.length} layer${spec.layers.length > 1 ? "s" : ""}, d ${spec.tokenEmbedding[0]?.length ?? 0}, m ${m}, heads ${heads}, ${spec.format}`;
  }
  const cells = spec.layers.map((l) => (l.cell === "elman" ? `elman(${l.nonlinearity})` : l.cell));
  const same = cells.every((c) => c === cells[0]);
  const layers = same ? `${cells[0]}${cells.length > 1 ? ` x${cells.length}` : ""}` : cells.join("/");
  const positions = spec.positionEmbedding ? `, ${spec.positionEmbedding.length} positions` : "";
  return `${layers}, hidden ${spec.layers.map((l) => l.hidden).join("/")}${positions}, ${spec.format}`;
}

/** The model flags that were given, by name: what a shard file records so that merge loads the same model. */
export function modelFlags(o: ModelOptions): Record<string, string> {
  const given = (["format", "nonlinearity", "vocab", "labels"] as const).filter((k) => o[k] !== undefined);
  return Object.fromEntries(given.map((k) => [k, String(o[k])]));
}
