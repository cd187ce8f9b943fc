/**
 * A ccbound Transformer as a PyTorch state_dict: the tensor names of the nn.Module in docs/safetensors.md (and in
 * scripts/pytorch-transformer-fixtures.py). One place, so that the export and the import cannot disagree.
 *
 *   embed.weight                        nn.Embedding(vocab, d)          tokenEmbedding
 *   pos_embed.weight                    nn.Embedding(maxLength, d)      positionEmbedding
 *   layers.L.heads.H.query.weight       nn.Linear(d, m, bias=False)     W_Q of head H; .key, .value likewise
 *   layers.L.output.weight              nn.Linear(m H, d, bias=False)   W_O
 *   layers.L.linear1.weight, .bias      nn.Linear(d, f)                 the FFN, named as nn.TransformerEncoderLayer
 *   layers.L.linear2.weight, .bias      nn.Linear(f, d)                   names it
 *   layers.L.norm1.weight, .bias        nn.LayerNorm(d); norm2 likewise
 *   head.weight, head.bias              nn.Linear(d, labels)
 */
export type Projection = "query" | "key" | "value";

export const TOKEN_EMBEDDING = "embed.weight";
export const POSITION_EMBEDDING = "pos_embed.weight";
export const HEAD = "head";

export function projectionName(layer: number, head: number, projection: Projection): string {
  return `layers.${layer}.heads.${head}.${projection}.weight`;
}

export function outputName(layer: number): string {
  return `layers.${layer}.output.weight`;
}

/** The module of the FFN's first (1) or second (2) nn.Linear; its tensors are `.weight` and `.bias`. */
export function linearModule(layer: number, k: 1 | 2): string {
  return `layers.${layer}.linear${k}`;
}

/** The module of the layer norm after the attention residual (1) or after the FFN residual (2). */
export function normModule(layer: number, k: 1 | 2): string {
  return `layers.${layer}.norm${k}`;
}

/** nn.LayerNorm's default, for a file that does not say. */
export const DEFAULT_LAYER_NORM_EPS = 1e-5;
