/**
 * A Mamba-1 block (Gu & Dao 2023), as HF transformers' MambaBlock runs it on its slow path: pre-norm RMSNorm, the
 * mixer, residual. Ported from `slow_forward` of src/transformers/models/mamba/modeling_mamba.py at huggingface/
 * transformers 00328d4e5b22c29e40d28b27c2a99cd7d0c5c14e (the recurrence is mamba_ssm's selective_scan_ref), with the
 * reference's defaults use_bias = False (in_proj, out_proj without bias) and use_conv_bias = True. At one step,
 * with u the layer's input (d = hidden values) and E = d_inner, N = d_state, K = d_conv, R = dt_rank:
 *
 *   n      = rmsNorm(u)                                                      (src/models/rms-norm.ts)
 *   x | z  = matVec(in_proj, n)                                              (2E rows, x first)
 *   c[i]   = sum over k = 0..K-1 of mul(conv1d_weight[i][k], w_i[k]), then add(., conv1d_bias[i]),
 *            with w_i = (the last K-1 values of x[i], oldest first, then x[i] now)
 *   xs[i]  = silu(c[i])
 *   dt|B|C = matVec(x_proj, xs)                                              (R + 2N rows, in that order)
 *   dt[i]  = softplus(matVec(dt_proj_weight, dt, dt_proj_bias)[i])
 *   A      = -exp(A_log), once, when the model is compiled (the negation is exact)
 *   h[i][s] = add(mul(exp(mul(dt[i], A[i][s])), h[i][s]), mul(mul(dt[i], B[s]), xs[i]))
 *   y[i]   = add(sum over s of mul(h[i][s], C[s]), mul(xs[i], D[i]))         (the new h)
 *   g[i]   = mul(y[i], silu(z[i]))
 *   out    = u + matVec(out_proj, g)                                         (add, per value)
 *
 * Every sum is from +0, left to right, the bias last. The state is what the next step reads: the convolution's last
 * K-1 inputs of every channel (E (K-1) values, channel by channel, oldest first), then h (E N values, row-major).
 * The layer's output is not state (the next step never reads it), so it lives apart (src/models/cells/cell.ts).
 * The model's last norm (`norm_f`) is the recurrent model's `finalNorm`, not a layer.
 */
import * as z from "zod";
import { matVecKernel } from "../../numeric/matvec-kernel.js";
import { exactSumFor } from "../../numeric/exact-sum.js";
import { size } from "../file-schema.js";
import { applyRmsNorm } from "../rms-norm.js";
import type { Dim } from "../shapes.js";
import { flatten, roundedVector } from "../tensors.js";
import { defineCell, HIDDEN, INPUT, type LayerOf, type Side, type Sizes } from "./cell.js";

const field =
  (key: string): Side =>
  (s) =>
    s.field(key);
const E = field("d_inner");
const N = field("d_state");
const K = field("d_conv");
const R = field("dt_rank");
/** A sum of sizes, with its reason: "2 x d_inner 4", "dt_rank 1 + 2 x d_state 3". */
const twice =
  (side: Side): Side =>
  (s) => {
    const a = side(s);
    return a && { n: 2 * a.n, why: `2 x ${a.why}` };
  };
const dtBC: Side = (s) => {
  const r = R(s);
  const n = N(s);
  return r && n && { n: r.n + 2 * n.n, why: `${r.why} + 2 x ${n.why}` };
};

export const mamba = defineCell({
  name: "mamba",
  about: "a Mamba-1 block (HF MambaBlock): RMSNorm, selective SSM mixer, residual",
  fields: {
    hidden: size.describe("d_model: the width of the layer's input and output (the residual adds them)"),
    d_inner: size.describe("E = expand x d_model: the mixer's channels"),
    d_state: size.describe("N: the SSM state per channel; the state is E (d_conv - 1) + E N values"),
    d_conv: size.describe("K: the causal depthwise convolution's width"),
    dt_rank: size.describe("R: the rank of dt's projection"),
    eps: z.number().min(0).describe("the RMSNorm's eps, added to the mean square"),
  },
  tensors: [
    { key: "norm", describe: "d_model: the RMSNorm's weight (norm.weight)", rows: INPUT },
    { key: "in_proj", describe: "2 d_inner x d_model, rows x | z (mixer.in_proj.weight)", rows: twice(E), cols: INPUT },
    {
      key: "conv1d_weight",
      describe: "d_inner x d_conv (mixer.conv1d.weight, d_inner x 1 x d_conv)",
      rows: E,
      cols: K,
    },
    { key: "conv1d_bias", describe: "d_inner (mixer.conv1d.bias)", rows: E },
    {
      key: "x_proj",
      describe: "dt_rank + 2 d_state x d_inner, rows dt | B | C (mixer.x_proj.weight)",
      rows: dtBC,
      cols: E,
    },
    { key: "dt_proj_weight", describe: "d_inner x dt_rank (mixer.dt_proj.weight)", rows: E, cols: R },
    { key: "dt_proj_bias", describe: "d_inner (mixer.dt_proj.bias)", rows: E },
    { key: "A_log", describe: "d_inner x d_state: A = -exp(A_log) (mixer.A_log)", rows: E, cols: N },
    { key: "D", describe: "d_inner (mixer.D)", rows: E },
    { key: "out_proj", describe: "d_model x d_inner (mixer.out_proj.weight)", rows: HIDDEN, cols: E },
  ],
  randomFields: (hidden, o) => ({
    hidden,
    d_inner: (o.expand ?? 2) * hidden,
    d_state: o.dState ?? 16,
    d_conv: o.dConv ?? 4,
    dt_rank: o.dtRank ?? Math.ceil(hidden / 16),
    eps: 1e-5,
  }),
  check(_layer, path, sizes, report) {
    if (sizes.hidden && sizes.input && sizes.hidden.n !== sizes.input.n)
      report([...path, "hidden"], `is ${sizes.hidden.n}, expected ${sizes.input.n} (${residual(sizes)})`);
  },
  finalNorm: "rms",
  label: (l) => `mamba(d_inner ${l.d_inner}, d_state ${l.d_state}, d_conv ${l.d_conv})`,
  compile(w, inputSize, arith) {
    const d = w.hidden;
    const e = w.d_inner;
    const n = w.d_state;
    const k = w.d_conv;
    const r = w.dt_rank;
    const norm = roundedVector(w.norm, arith.round);
    const eps = arith.round(w.eps);
    const inProj = flatten(w.in_proj, 2 * e, inputSize, arith.round);
    const convW = flatten(w.conv1d_weight, e, k, arith.round);
    const convB = roundedVector(w.conv1d_bias, arith.round);
    const xProj = flatten(w.x_proj, r + 2 * n, e, arith.round);
    const dtW = flatten(w.dt_proj_weight, e, r, arith.round);
    const dtB = roundedVector(w.dt_proj_bias, arith.round);
    // A = -exp(A_log): the reference computes it from A_log at every call; it is the same value every time.
    const a = flatten(w.A_log, e, n, arith.round).map((v) => -arith.exp(v));
    const dSkip = roundedVector(w.D, arith.round);
    const outProj = flatten(w.out_proj, d, e, arith.round);
    const acc = exactSumFor(arith.format).accumulator();
    const normed = new Float64Array(d);
    // The four products, prepared once (SIMD for float32: src/numeric/matvec-kernel.ts); each writes its own out.
    const inK = matVecKernel(arith, inProj, 2 * e, d, null);
    const xK = matVecKernel(arith, xProj, r + 2 * n, e, null);
    const dtK = matVecKernel(arith, dtW, e, r, dtB);
    const outK = matVecKernel(arith, outProj, d, e, null);
    const xz = inK.out;
    const xs = new Float64Array(e);
    const dbc = xK.out;
    const dt = dtK.out;
    const g = new Float64Array(e);
    const o = outK.out;
    const conv = e * (k - 1);
    return {
      hidden: d,
      units: conv + e * n,
      output: "apart",
      parts: [
        { name: "conv buffer", units: conv },
        { name: "SSM state", units: e * n },
      ],
      step(state, offset, input, inputOffset, outputOffset) {
        applyRmsNorm(arith, acc, input, inputOffset, d, norm, eps, normed);
        inK.apply(normed, 0);
        for (let i = 0; i < e; i++) {
          const buf = offset + i * (k - 1);
          let c = 0;
          for (let j = 0; j < k - 1; j++) c = arith.add(c, arith.mul(convW[i * k + j]!, state[buf + j]!));
          c = arith.add(arith.add(c, arith.mul(convW[i * k + k - 1]!, xz[i]!)), convB[i]!);
          // The window moves on: the oldest input leaves, x[i] now is the newest.
          for (let j = 0; j < k - 2; j++) state[buf + j] = state[buf + j + 1]!;
          if (k > 1) state[buf + k - 2] = xz[i]!;
          xs[i] = arith.silu(c);
        }
        xK.apply(xs, 0);
        dtK.apply(dbc, 0);
        const h0 = offset + conv;
        for (let i = 0; i < e; i++) {
          const step = arith.softplus(dt[i]!);
          const x = xs[i]!;
          let y = 0;
          for (let s = 0; s < n; s++) {
            const at = h0 + i * n + s;
            const decay = arith.exp(arith.mul(step, a[i * n + s]!));
            const h = arith.add(arith.mul(decay, state[at]!), arith.mul(arith.mul(step, dbc[r + s]!), x));
            state[at] = h;
            y = arith.add(y, arith.mul(h, dbc[r + n + s]!));
          }
          y = arith.add(y, arith.mul(x, dSkip[i]!));
          g[i] = arith.mul(y, arith.silu(xz[e + i]!));
        }
        outK.apply(g, 0);
        for (let c = 0; c < d; c++) state[outputOffset + c] = arith.add(input[inputOffset + c]!, o[c]!);
      },
    };
  },
});

function residual(s: Sizes): string {
  const input = s.input as Dim;
  return `the residual adds the layer's input, ${input.why}`;
}

export type MambaLayer = LayerOf<typeof mamba>;
