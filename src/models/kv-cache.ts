import { fail } from "../errors.js";
import { attend, type AttentionScratch } from "./attention.js";
import { argmax } from "./model.js";
import type { CompiledLayer, TransformerModel } from "./transformer.js";

/**
 * Many inputs that share every token but the last, as index lookup's verification has them (one string, N queries).
 * The keys and values of the shared prefix are computed once per layer and head; each last token then costs one
 * position's worth of work. This is exact, not an approximation: it is valid only when the last token cannot change
 * what earlier positions compute, which holds for one layer (only the last position attends in the last layer) and
 * for causal models; for other models it refuses.
 *
 * It runs the same steps as the forward pass (attention.ts, the model's embed, each layer's attention input, queries,
 * keys, values and finish), so its answers equal
 * `model.forward(prefix ++ [last])` bit for bit; a test checks this on random models.
 */
export interface LastTokenRunner {
  /** The label id for prefix ++ [last]. */
  forward(last: number): number;
  logits(last: number): Float64Array;
}

interface LayerCache {
  readonly keys: Float64Array[]; // per head, n x m
  readonly values: Float64Array[];
}

export function lastTokenRunner(model: TransformerModel, prefix: ArrayLike<number>): LastTokenRunner {
  const n = prefix.length + 1;
  if (model.layers.length > 1 && !model.causal)
    fail(
      "unsupported",
      "a shared prefix can be reused only by one-layer or causal Transformers (a later token changes earlier positions otherwise)",
    );
  if (n > model.maxLength)
    fail("invalid-input", `the model takes 1 to ${model.maxLength} tokens (its position embeddings), got ${n}`);
  const { d } = model;
  const positions = Int32Array.from({ length: n }, (_, i) => i);
  const caches = model.layers.map((layer) => ({
    keys: layer.heads.map(() => new Float64Array(n * layer.m)),
    values: layer.heads.map(() => new Float64Array(n * layer.m)),
  }));
  const scratch = newScratch(model, n);

  // The prefix through every layer: its keys and values are what the last position attends to.
  let x = new Float64Array(n * d);
  let y = new Float64Array(n * d);
  for (let i = 0; i < n - 1; i++) model.embed(prefix[i]!, i, x, i * d);
  model.layers.forEach((layer, l) => {
    const cache = caches[l]!;
    const a = attentionInputs(layer, x, 0, n - 1, d, scratch.a);
    layer.heads.forEach((head, h) => {
      layer.project(head, "key", a, positions, n - 1, cache.keys[h]!);
      layer.project(head, "value", a, positions, n - 1, cache.values[h]!);
    });
    if (l === model.layers.length - 1) return; // the last layer is read only at the last position
    for (let i = 0; i < n - 1; i++) attendAt(model, layer, cache, x, i, i + 1, scratch, y);
    [x, y] = [y, x];
  });

  const last = new Float64Array(n * d);
  const next = new Float64Array(n * d);
  const logits = (token: number) => {
    let cur = last;
    let out = next;
    model.embed(token, n - 1, cur, (n - 1) * d);
    model.layers.forEach((layer, l) => {
      const cache = caches[l]!;
      const a = attentionInputs(layer, cur, n - 1, n, d, scratch.a);
      layer.heads.forEach((head, h) => {
        layer.project(head, "key", a, positions.subarray(n - 1), 1, cache.keys[h]!);
        layer.project(head, "value", a, positions.subarray(n - 1), 1, cache.values[h]!);
      });
      attendAt(model, layer, cache, cur, n - 1, n, scratch, out);
      [cur, out] = [out, cur];
    });
    return model.readoutLogits(cur, (n - 1) * d);
  };
  return { logits, forward: (token) => argmax(logits(token)) };
}

interface Scratch extends AttentionScratch {
  readonly heads: Float64Array;
  /** n x d: the attention inputs of a layer that computes them. */
  readonly a: Float64Array;
}

function newScratch(model: TransformerModel, n: number): Scratch {
  const m = model.headWidth;
  return {
    positions: Int32Array.from({ length: n }, (_, i) => i),
    s: new Float64Array(n),
    q: new Float64Array(m),
    heads: new Float64Array(m * model.heads),
    a: new Float64Array(model.layers.some((l) => l.attentionInput) ? n * model.d : 0),
    z: model.sums.accumulator(),
    u: Array.from({ length: m }, () => model.sums.accumulator()),
  };
}

/** The layer's output at position i, attending over positions 0 .. count-1 of the cache, into out[i*d ..]. */
function attendAt(
  model: TransformerModel,
  layer: CompiledLayer,
  cache: LayerCache,
  x: Float64Array,
  i: number,
  count: number,
  sc: Scratch,
  out: Float64Array,
): void {
  const { arith, d } = model;
  const m = layer.m;
  const a = attentionInputs(layer, x, i, i + 1, d, sc.a);
  layer.heads.forEach((head, h) => {
    layer.query(head, a, i * d, sc.q);
    attend(arith, sc, head, cache.keys[h]!, cache.values[h]!, count, sc.heads, h * m);
  });
  layer.finish(x, i * d, sc.heads, 0, out, i * d);
}

/** The layer's attention inputs at positions from .. to-1 (into `buffer`), or x itself when the layer reads x. */
function attentionInputs(
  layer: CompiledLayer,
  x: Float64Array,
  from: number,
  to: number,
  d: number,
  buffer: Float64Array,
): Float64Array {
  if (!layer.attentionInput) return x;
  for (let i = from; i < to; i++) layer.attentionInput(x, i * d, buffer, i * d);
  return buffer;
}
