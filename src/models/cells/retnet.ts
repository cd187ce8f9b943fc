/**
 * A RetNet decoder layer (Sun et al. 2023, "Retentive Network") in its recurrent form. Ported from microsoft/
 * torchscale at 05a9628309ae38f6bb07eaf26f3f48e0285a124f: `torchscale/architecture/retnet.py` (RetNetRelPos with
 * activate_recurrent, DecoderLayer) and `torchscale/component/multiscale_retention.py` (MultiScaleRetention's
 * forward with `recurrent_forward`), with GLU (gate_linear_unit.py) and RMSNorm (rms_norm.py) as that commit has
 * them; eval mode (dropout and drop path are the identity), no deepnorm (alpha = 1), no MoE.
 *
 * D = hidden = embed_dim, H = heads, dk = D / H (key_dim, even), V = value_dim, dv = V / H (head_dim), F = ffn_dim.
 * The file holds the reference's buffers `angle` (dk values, each frequency twice) and `decay` (H values,
 * log(1 - 2^(-5-h)) in the reference), shared by its layers and copied into each here. Once, at compile time:
 * gamma[h] = exp(decay[h]), scaling = div(1, sqrt(dk)). At a step at global position n (0-based: the reference's
 * slen - 1), with x the layer's input:
 *
 *   a       = rmsNorm(x, retention_layer_norm) if normalize_before, else x
 *   q, k, v, g = matVec(q_proj, a), matVec(k_proj, a), matVec(v_proj, a), matVec(g_proj, a)    (no biases)
 *   k[i]    = mul(k[i], scaling)
 *   theta_i = mul(angle[i], n);  s_i = sin(theta_i), c_i = cos(theta_i)        (correctly rounded, numeric/trig.ts)
 *   rotation of each pair (2j, 2j+1) of every head's q and k (theta_shift: x cos + rotate_every_two(x) sin):
 *     r[2j] = add(mul(x[2j], c_2j), mul(-x[2j+1], s_2j)),  r[2j+1] = add(mul(x[2j+1], c_2j+1), mul(x[2j], s_2j+1))
 *   per head h (recurrent_forward, with the scale in the state; it starts at 0, which makes the first step the
 *   reference's first step exactly: scale = 1, S = k v^T):
 *     scale'  = add(mul(scale, gamma), 1)
 *     f       = div(mul(sqrt(scale), gamma), sqrt(scale'))
 *     S'[j][i] = add(mul(S[j][i], f), div(mul(kr[i], v[j]), sqrt(scale')))        (S is dv x dk)
 *     o[j]    = sum over i of mul(qr[i], S'[j][i]), from +0, left to right
 *     o       = o / sqrt(mean(o^2) + eps) per head (group_norm: RMSNorm(dv) without weight)
 *   y       = matVec(out_proj, mul(silu(g[c]), o[c]))                          (the swish gate)
 *   x1      = add(x, y), then rmsNorm(x1, retention_layer_norm) if not normalize_before
 *   b       = rmsNorm(x1, final_layer_norm) if normalize_before, else x1
 *   f       = matVec(fc2, mul(act(matVec(fc1, b)), matVec(gate, b)))           (GLU; act: gelu, swish or relu)
 *   out     = add(x1, f), then rmsNorm(out, final_layer_norm) if not normalize_before
 *
 * rmsNorm(v, w) = mul(div(v[c], sqrt(add(mean, eps))), w[c]) with mean the exact sum of mul(v[c], v[c]) divided by
 * its length and rounded once. The state is what the next step reads: per head, S (dv x dk, row-major) then its
 * scale: H (dv dk + 1) values. The scale is a function of n alone, so it tells Bob nothing, but the reference's next
 * step reads it from its incremental_state, and so does ccbound's. The layer's output reads the current input: it
 * lives apart (cell.ts). The decoder around the layers (embed_scale sqrt(D), the final RMSNorm before the output
 * projection when normalize_before) is the model's embedding and head: docs/pytorch.md says how they map.
 */
import * as z from "zod";
import { matVecKernel } from "../../numeric/matvec-kernel.js";
import { CcboundError } from "../../errors.js";
import { arithFor } from "../../numeric/arith.js";
import { float64 } from "../../numeric/ieee.js";
import type { Arith } from "../../numeric/arith.js";
import { exactSumFor, type Accumulator } from "../../numeric/exact-sum.js";
import { size } from "../file-schema.js";
import { checkMatrix, checkVector, type Dim } from "../shapes.js";
import { flatten, roundedVector } from "../tensors.js";
import { defineCell, HIDDEN, INPUT, type LayerOf, type Side } from "./cell.js";

const FREE: Side = () => undefined;

const base = defineCell({
  name: "retnet",
  about: "a RetNet decoder layer (torchscale), recurrent retention: xPos rotation, multi-scale decay, GLU FFN",
  fields: {
    hidden: size.describe("D = embed_dim: the width of the layer's input and output (the residuals add them)"),
    heads: size.describe("H = retention heads; dk = D / H must be even (the rotation pairs)"),
    value_dim: size.describe("V = value_embed_dim, a multiple of H (dv = V / H)"),
    ffn_dim: size.describe("F = the GLU's width"),
    normalize_before: z.boolean().describe("pre-norm (true, RetNet's default) or post-norm"),
    eps: z.number().min(0).describe("the RMSNorms' eps (layernorm_eps)"),
    activation: z.enum(["gelu", "swish", "relu"]).describe("the GLU's activation_fn"),
  },
  tensors: [
    { key: "angle", describe: "dk: retnet_rel_pos.angle (each frequency twice)", rows: FREE },
    { key: "decay", describe: "H: retnet_rel_pos.decay, log gamma", rows: FREE },
    { key: "q_proj", describe: "D x D", rows: HIDDEN, cols: INPUT },
    { key: "k_proj", describe: "D x D", rows: HIDDEN, cols: INPUT },
    { key: "v_proj", describe: "V x D", rows: FREE, cols: INPUT },
    { key: "g_proj", describe: "V x D", rows: FREE, cols: INPUT },
    { key: "out_proj", describe: "D x V", rows: HIDDEN, cols: FREE },
    { key: "retention_layer_norm", describe: "D: RMSNorm weight", rows: HIDDEN },
    { key: "ffn_fc1", describe: "F x D", rows: FREE, cols: HIDDEN },
    { key: "ffn_gate", describe: "F x D", rows: FREE, cols: HIDDEN },
    { key: "ffn_fc2", describe: "D x F", rows: HIDDEN, cols: FREE },
    { key: "final_layer_norm", describe: "D: RMSNorm weight", rows: HIDDEN },
  ],
  randomFields: (hidden) => randomFields(hidden),
  compile(w, inputSize, arith) {
    const D = w.hidden;
    const H = w.heads;
    const V = w.value_dim;
    const F = w.ffn_dim;
    const fail = (m: string): never => {
      throw new CcboundError("invalid-model", `retnet layer: ${m}`);
    };
    if (inputSize !== D) fail(`its input has ${inputSize} values but hidden is ${D}: the residual adds them`);
    if (D % H !== 0 || (D / H) % 2 !== 0) fail(`hidden ${D} / heads ${H} must be a whole, even key_dim`);
    if (V % H !== 0) fail(`value_dim ${V} is not a multiple of heads ${H}`);
    const dk = D / H;
    const dv = V / H;
    const { round } = arith;
    const angle = roundedVector(w.angle, round);
    const gamma = Float64Array.from(w.decay, (x) => arith.exp(round(x)));
    const scaling = arith.div(round(1), arith.sqrt(round(dk)));
    const wq = flatten(w.q_proj, D, D, round);
    const wk = flatten(w.k_proj, D, D, round);
    const wv = flatten(w.v_proj, V, D, round);
    const wg = flatten(w.g_proj, V, D, round);
    const wo = flatten(w.out_proj, D, V, round);
    const n1 = roundedVector(w.retention_layer_norm, round);
    const n2 = roundedVector(w.final_layer_norm, round);
    const f1 = flatten(w.ffn_fc1, F, D, round);
    const fg = flatten(w.ffn_gate, F, D, round);
    const f2 = flatten(w.ffn_fc2, D, F, round);
    const eps = round(w.eps);
    const act = w.activation === "gelu" ? arith.gelu : w.activation === "swish" ? arith.silu : arith.relu;
    const acc = exactSumFor(arith.format).accumulator();
    const one = round(1);
    const a = new Float64Array(D);
    // The products, prepared once (SIMD for float32: src/numeric/matvec-kernel.ts); each writes its own out, which
    // the step then reads and updates in place (the rotation of q and k, the scaling of k, the GLU into h1).
    const qK = matVecKernel(arith, wq, D, D, null);
    const kK = matVecKernel(arith, wk, D, D, null);
    const vK = matVecKernel(arith, wv, V, D, null);
    const gK = matVecKernel(arith, wg, V, D, null);
    const oK = matVecKernel(arith, wo, D, V, null);
    const f1K = matVecKernel(arith, f1, F, D, null);
    const fgK = matVecKernel(arith, fg, F, D, null);
    const f2K = matVecKernel(arith, f2, D, F, null);
    const [q, k, v, g] = [qK.out, kK.out, vK.out, gK.out];
    const o = new Float64Array(V);
    const x1 = new Float64Array(D);
    const b = new Float64Array(D);
    const [h1, h2] = [f1K.out, fgK.out];
    const sin = new Float64Array(dk);
    const cos = new Float64Array(dk);
    const perHead = dv * dk + 1;
    const pre = w.normalize_before;
    return {
      hidden: D,
      units: H * perHead,
      output: "apart",
      // The rotation of q and k and the scale read the position: 1 1 1 ... is not one map iterated.
      readsPosition: true,
      step(state, offset, input, inputOffset, outputOffset, position) {
        for (let c = 0; c < D; c++) a[c] = input[inputOffset + c]!;
        if (pre) rmsNorm(arith, acc, a, 0, D, n1, eps);
        qK.apply(a, 0);
        kK.apply(a, 0);
        vK.apply(a, 0);
        gK.apply(a, 0);
        const n = round(position);
        for (let i = 0; i < dk; i++) {
          const theta = arith.mul(angle[i]!, n);
          sin[i] = arith.sin(theta);
          cos[i] = arith.cos(theta);
        }
        for (let c = 0; c < D; c++) k[c] = arith.mul(k[c]!, scaling);
        rotate(arith, q, H, dk, sin, cos);
        rotate(arith, k, H, dk, sin, cos);
        for (let h = 0; h < H; h++) {
          const at = offset + h * perHead;
          const sAt = at + dv * dk;
          const scale = state[sAt]!;
          const next = arith.add(arith.mul(scale, gamma[h]!), one);
          const root = arith.sqrt(next);
          const f = arith.div(arith.mul(arith.sqrt(scale), gamma[h]!), root);
          state[sAt] = next;
          for (let j = 0; j < dv; j++) {
            const vj = v[h * dv + j]!;
            let sum = 0;
            for (let i = 0; i < dk; i++) {
              const p = at + j * dk + i;
              const s = arith.add(arith.mul(state[p]!, f), arith.div(arith.mul(k[h * dk + i]!, vj), root));
              state[p] = s;
              sum = arith.add(sum, arith.mul(q[h * dk + i]!, s));
            }
            o[h * dv + j] = sum;
          }
          rmsNorm(arith, acc, o, h * dv, dv, null, eps);
        }
        for (let c = 0; c < V; c++) o[c] = arith.mul(arith.silu(g[c]!), o[c]!);
        oK.apply(o, 0);
        const y = oK.out;
        for (let c = 0; c < D; c++) x1[c] = arith.add(input[inputOffset + c]!, y[c]!);
        if (!pre) rmsNorm(arith, acc, x1, 0, D, n1, eps);
        for (let c = 0; c < D; c++) b[c] = x1[c]!;
        if (pre) rmsNorm(arith, acc, b, 0, D, n2, eps);
        f1K.apply(b, 0);
        fgK.apply(b, 0);
        for (let c = 0; c < F; c++) h1[c] = arith.mul(act(h1[c]!), h2[c]!);
        f2K.apply(h1, 0);
        const ffn = f2K.out;
        for (let c = 0; c < D; c++) x1[c] = arith.add(x1[c]!, ffn[c]!);
        if (!pre) rmsNorm(arith, acc, x1, 0, D, n2, eps);
        for (let c = 0; c < D; c++) state[outputOffset + c] = x1[c]!;
      },
    };
  },
});

/** theta_shift on every head's dk values, in place: pairs (2j, 2j+1) rotated by the angles of positions 2j, 2j+1. */
function rotate(arith: Arith, x: Float64Array, H: number, dk: number, sin: Float64Array, cos: Float64Array): void {
  for (let h = 0; h < H; h++)
    for (let j = 0; j < dk; j += 2) {
      const e = x[h * dk + j]!;
      const o = x[h * dk + j + 1]!;
      x[h * dk + j] = arith.add(arith.mul(e, cos[j]!), arith.mul(-o, sin[j]!));
      x[h * dk + j + 1] = arith.add(arith.mul(o, cos[j + 1]!), arith.mul(e, sin[j + 1]!));
    }
}

/** RMSNorm of v[from, from + n) in place: v / sqrt(mean(v^2) + eps), times the weight when there is one. */
function rmsNorm(
  arith: Arith,
  acc: Accumulator,
  v: Float64Array,
  from: number,
  n: number,
  weight: Float64Array | null,
  eps: number,
): void {
  acc.clear();
  for (let c = from; c < from + n; c++) acc.add(arith.mul(v[c]!, v[c]!));
  const r = arith.sqrt(arith.add(acc.roundedQuotient(n), eps));
  for (let c = from; c < from + n; c++) {
    const t = arith.div(v[c]!, r);
    v[c] = weight === null ? t : arith.mul(t, weight[c - from]!);
  }
}

/** A random layer's settings: two heads when D / 2 is even, else one; V = D; F = 2D. */
function randomFields(hidden: number) {
  return {
    hidden,
    heads: hidden % 4 === 0 ? 2 : 1,
    value_dim: hidden,
    ffn_dim: 2 * hidden,
    normalize_before: true,
    eps: 2 ** -10,
    activation: "gelu" as const,
  };
}

/**
 * The descriptor, with what the tensor table cannot say: sizes from heads, value_dim and ffn_dim (the table knows
 * only D and the input), and the random layer's buffers as the reference initialises them.
 */
export const retnet: typeof base = {
  ...base,
  checkShapes(layer, path, sizes, report) {
    base.checkShapes(layer, path, sizes, report);
    const num = (key: string): Dim | undefined => {
      const n = layer[key];
      return typeof n === "number" && Number.isInteger(n) && n > 0 ? { n, why: `${key} ${n}` } : undefined;
    };
    const H = num("heads");
    const V = num("value_dim");
    const F = num("ffn_dim");
    const D = sizes.hidden;
    const dk = D && H && D.n % H.n === 0 ? { n: D.n / H.n, why: `hidden ${D.n} / heads ${H.n}` } : undefined;
    if (D && H && (D.n % H.n !== 0 || (D.n / H.n) % 2 !== 0))
      report([...path, "heads"], `is ${H.n}, expected a divisor of hidden ${D.n} leaving an even key_dim`);
    if (V && H && V.n % H.n !== 0) report([...path, "value_dim"], `is ${V.n}, expected a multiple of heads ${H.n}`);
    if (D && sizes.input && sizes.input.n !== D.n)
      report(
        [...path, "hidden"],
        `is ${D.n}, expected the layer's input width ${sizes.input.n} (${sizes.input.why}; the residual adds them)`,
      );
    checkVector(layer["angle"], [...path, "angle"], dk, report);
    checkVector(layer["decay"], [...path, "decay"], H, report);
    for (const key of ["v_proj", "g_proj"]) checkMatrix(layer[key], [...path, key], V, D, report);
    checkMatrix(layer["out_proj"], [...path, "out_proj"], D, V, report);
    for (const key of ["ffn_fc1", "ffn_gate"]) checkMatrix(layer[key], [...path, key], F, D, report);
    checkMatrix(layer["ffn_fc2"], [...path, "ffn_fc2"], D, F, report);
  },
  parameterCount(hidden) {
    const f = randomFields(hidden);
    const dk = hidden / f.heads;
    return dk + f.heads + 2 * hidden * hidden + 3 * hidden * f.value_dim + 3 * hidden * f.ffn_dim + 2 * hidden;
  },
  random(hidden, _input, draw) {
    const f = randomFields(hidden);
    const dk = hidden / f.heads;
    const vec = (n: number) => Array.from({ length: n }, draw);
    const mat = (r: number, c: number) => Array.from({ length: r }, () => vec(c));
    // The reference's buffers: angle = 1 / 10000^linspace(0, 1, dk/2), each twice; decay = log(1 - 2^(-5-h)), in
    // binary64 by correctly rounded operations (so the same on every engine); the model rounds them to its format.
    const r = arithFor(float64);
    const half = dk / 2;
    const ln10k = r.log(10000);
    const angle = Array.from({ length: half }, (_, i) =>
      r.exp(-r.mul(half === 1 ? 0 : r.div(i, half - 1), ln10k)),
    ).flatMap((t) => [t, t]);
    const decay = Array.from({ length: f.heads }, (_, h) => r.log(1 - 2 ** (-5 - h)));
    return {
      cell: "retnet" as const,
      ...f,
      angle,
      decay,
      q_proj: mat(hidden, hidden),
      k_proj: mat(hidden, hidden),
      v_proj: mat(f.value_dim, hidden),
      g_proj: mat(f.value_dim, hidden),
      out_proj: mat(hidden, f.value_dim),
      retention_layer_norm: new Array<number>(hidden).fill(1),
      ffn_fc1: mat(f.ffn_dim, hidden),
      ffn_gate: mat(f.ffn_dim, hidden),
      ffn_fc2: mat(hidden, f.ffn_dim),
      final_layer_norm: new Array<number>(hidden).fill(1),
    };
  },
};

export type RetnetLayer = LayerOf<typeof retnet>;
