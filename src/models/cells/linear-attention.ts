/**
 * A linear Transformer layer (Katharopoulos et al. 2020) run as a recurrence: fast-transformers'
 * RecurrentTransformerEncoderLayer with RecurrentAttentionLayer and RecurrentLinearAttention, ported from
 * idiap/fast-transformers fast_transformers/recurrent/transformers.py (080b748),
 * recurrent/attention/self_attention/attention_layer.py (5c842dc) and linear_attention.py (7ee816c). With x the
 * layer's input (d = hidden values), H heads of d_keys (dk) and d_values (dv), at one step:
 *
 *   q = matVec(query_weight, x, query_bias), k = ..., v = ...              (head h: rows h dk .. (h + 1) dk - 1)
 *   phi(t) = elu(t) + 1, one function rounded once: add(t, 1) for t > 0, exp(t) for t <= 0 (1 rounded to the format)
 *   per head:  z[i] = add(z[i], phi(k)[i]);  S[i][j] = add(S[i][j], mul(phi(k)[i], v[j]))
 *              inv = div(1, add(sum over i of mul(phi(q)[i], z[i]), eps))       (the reference's Z = 1 / (Q.z + eps))
 *              u[j] = mul(sum over i of mul(phi(q)[i], S[i][j]), inv)
 *   a = x + matVec(out_weight, u, out_bias);  a = norm1(a)                       (post-norm, LayerNorm)
 *   f = matVec(linear2_weight, act(matVec(linear1_weight, a, linear1_bias)), linear2_bias)   (act: relu or gelu)
 *   out = norm2(a + f)
 *
 * Every sum from +0, left to right, the bias last; layer norm as the Transformer's (src/models/blocks/layer-norm.ts:
 * exact sums for the mean and the variance). Dropout is the identity (evaluation). The state is what the next step
 * reads: per head S (dk x dv, row-major) then z (dk). The output is not state: it lives apart
 * (src/models/cells/cell.ts). The encoder's optional final norm (`norm_layer`) is the recurrent model's `finalNorm`.
 */
import * as z from "zod";
import { matVecKernel } from "../../numeric/matvec-kernel.js";
import { exactSumFor } from "../../numeric/exact-sum.js";
import { applyLayerNorm } from "../blocks/layer-norm.js";
import { size } from "../file-schema.js";
import { flatten, roundedVector } from "../tensors.js";
import { defineCell, HIDDEN, INPUT, type LayerOf, type Side } from "./cell.js";

const field =
  (key: string): Side =>
  (s) =>
    s.field(key);
const times =
  (a: string, b: string): Side =>
  (s) => {
    const x = s.field(a);
    const y = s.field(b);
    return x && y && { n: x.n * y.n, why: `${x.why} x ${y.why}` };
  };
const QK = times("heads", "d_keys");
const V = times("heads", "d_values");
const FF = field("d_ff");

export const linearAttention = defineCell({
  name: "linear-attention",
  about: "a linear Transformer layer (fast-transformers RecurrentTransformerEncoderLayer, elu+1 feature map)",
  fields: {
    hidden: size.describe("d_model: the width of the layer's input and output (the residuals add them)"),
    heads: size.describe("H: heads; the state is H (d_keys d_values + d_keys) values (S and z of each head)"),
    d_keys: size.describe("dk: each head's query and key width"),
    d_values: size.describe("dv: each head's value width"),
    d_ff: size.describe("the feed-forward network's width"),
    activation: z.enum(["relu", "gelu"]).describe("the feed-forward activation (relu or the exact gelu)"),
    eps: z.number().min(0).describe("added to the attention's denominator (the reference's 1e-6)"),
    norm_eps: z.number().min(0).describe("norm1's and norm2's eps (LayerNorm's 1e-5)"),
  },
  tensors: [
    { key: "query_weight", describe: "H d_keys x d_model", rows: QK, cols: INPUT },
    { key: "query_bias", describe: "H d_keys", rows: QK },
    { key: "key_weight", describe: "H d_keys x d_model", rows: QK, cols: INPUT },
    { key: "key_bias", describe: "H d_keys", rows: QK },
    { key: "value_weight", describe: "H d_values x d_model", rows: V, cols: INPUT },
    { key: "value_bias", describe: "H d_values", rows: V },
    { key: "out_weight", describe: "d_model x H d_values", rows: HIDDEN, cols: V },
    { key: "out_bias", describe: "d_model", rows: HIDDEN },
    { key: "norm1_weight", describe: "d_model", rows: HIDDEN },
    { key: "norm1_bias", describe: "d_model", rows: HIDDEN },
    { key: "linear1_weight", describe: "d_ff x d_model", rows: FF, cols: HIDDEN },
    { key: "linear1_bias", describe: "d_ff", rows: FF },
    { key: "linear2_weight", describe: "d_model x d_ff", rows: HIDDEN, cols: FF },
    { key: "linear2_bias", describe: "d_model", rows: HIDDEN },
    { key: "norm2_weight", describe: "d_model", rows: HIDDEN },
    { key: "norm2_bias", describe: "d_model", rows: HIDDEN },
  ],
  randomFields: (hidden, o) => {
    const heads = o.heads ?? 1;
    const width = Math.max(1, Math.floor(hidden / heads));
    return {
      hidden,
      heads,
      d_keys: width,
      d_values: width,
      d_ff: o.ffn || 4 * hidden,
      activation: "relu" as const,
      eps: 1e-6,
      norm_eps: 1e-5,
    };
  },
  check(_layer, path, sizes, report) {
    if (sizes.hidden && sizes.input && sizes.hidden.n !== sizes.input.n)
      report(
        [...path, "hidden"],
        `is ${sizes.hidden.n}, expected ${sizes.input.n} (the residual adds the layer's input, ${sizes.input.why})`,
      );
  },
  label: (l) => `linear-attention(heads ${l.heads}, d_keys ${l.d_keys}, d_values ${l.d_values})`,
  compile(w, inputSize, arith) {
    const d = w.hidden;
    const heads = w.heads;
    const dk = w.d_keys;
    const dv = w.d_values;
    const ff = w.d_ff;
    const round = arith.round;
    const wq = flatten(w.query_weight, heads * dk, inputSize, round);
    const bq = roundedVector(w.query_bias, round);
    const wk = flatten(w.key_weight, heads * dk, inputSize, round);
    const bk = roundedVector(w.key_bias, round);
    const wv = flatten(w.value_weight, heads * dv, inputSize, round);
    const bv = roundedVector(w.value_bias, round);
    const wo = flatten(w.out_weight, d, heads * dv, round);
    const bo = roundedVector(w.out_bias, round);
    const w1 = flatten(w.linear1_weight, ff, d, round);
    const b1 = roundedVector(w.linear1_bias, round);
    const w2 = flatten(w.linear2_weight, d, ff, round);
    const b2 = roundedVector(w.linear2_bias, round);
    const normEps = round(w.norm_eps);
    const norm1 = {
      weight: roundedVector(w.norm1_weight, round),
      bias: roundedVector(w.norm1_bias, round),
      eps: normEps,
    };
    const norm2 = {
      weight: roundedVector(w.norm2_weight, round),
      bias: roundedVector(w.norm2_bias, round),
      eps: normEps,
    };
    const eps = round(w.eps);
    const one = round(1);
    const gelu = w.activation === "gelu";
    const acc = exactSumFor(arith.format).accumulator();
    // The products, prepared once (SIMD for float32: src/numeric/matvec-kernel.ts); each writes its own out, which
    // the step then updates in place (phi of q and k, the residuals, the norms, the activation).
    const qK = matVecKernel(arith, wq, heads * dk, inputSize, bq);
    const kK = matVecKernel(arith, wk, heads * dk, inputSize, bk);
    const vK = matVecKernel(arith, wv, heads * dv, inputSize, bv);
    const oK = matVecKernel(arith, wo, d, heads * dv, bo);
    const k1 = matVecKernel(arith, w1, ff, d, b1);
    const k2 = matVecKernel(arith, w2, d, ff, b2);
    const [q, k, v] = [qK.out, kK.out, vK.out];
    const u = new Float64Array(heads * dv);
    const [a, hidden, f] = [oK.out, k1.out, k2.out];
    const perHead = dk * dv + dk;
    const phi = (t: number) => (t > 0 ? arith.add(t, one) : arith.exp(t));
    return {
      hidden: d,
      units: heads * perHead,
      output: "apart",
      parts: [
        { name: "S", units: heads * dk * dv },
        { name: "z", units: heads * dk },
      ],
      step(state, offset, input, inputOffset, outputOffset) {
        qK.apply(input, inputOffset);
        kK.apply(input, inputOffset);
        vK.apply(input, inputOffset);
        for (let i = 0; i < heads * dk; i++) {
          q[i] = phi(q[i]!);
          k[i] = phi(k[i]!);
        }
        for (let h = 0; h < heads; h++) {
          const s0 = offset + h * perHead;
          const z0 = s0 + dk * dv;
          for (let i = 0; i < dk; i++) {
            const ki = k[h * dk + i]!;
            state[z0 + i] = arith.add(state[z0 + i]!, ki);
            for (let j = 0; j < dv; j++)
              state[s0 + i * dv + j] = arith.add(state[s0 + i * dv + j]!, arith.mul(ki, v[h * dv + j]!));
          }
          let den = 0;
          for (let i = 0; i < dk; i++) den = arith.add(den, arith.mul(q[h * dk + i]!, state[z0 + i]!));
          const inv = arith.div(one, arith.add(den, eps));
          for (let j = 0; j < dv; j++) {
            let num = 0;
            for (let i = 0; i < dk; i++) num = arith.add(num, arith.mul(q[h * dk + i]!, state[s0 + i * dv + j]!));
            u[h * dv + j] = arith.mul(num, inv);
          }
        }
        oK.apply(u, 0);
        for (let c = 0; c < d; c++) a[c] = arith.add(input[inputOffset + c]!, a[c]!);
        applyLayerNorm(arith, acc, a, norm1);
        k1.apply(a, 0);
        for (let j = 0; j < ff; j++) hidden[j] = gelu ? arith.gelu(hidden[j]!) : arith.relu(hidden[j]!);
        k2.apply(hidden, 0);
        for (let c = 0; c < d; c++) f[c] = arith.add(a[c]!, f[c]!);
        applyLayerNorm(arith, acc, f, norm2);
        for (let c = 0; c < d; c++) state[outputOffset + c] = f[c]!;
      },
    };
  },
});

export type LinearAttentionLayer = LayerOf<typeof linearAttention>;
