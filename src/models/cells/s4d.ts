/**
 * An S4D layer (Gu, Gupta, Goel, Ré 2022, "On the Parameterization and Initialization of Diagonal State Space
 * Models") run as the recurrence its convolution kernel is, inside the residual block of the reference's example.
 * Ported from state-spaces/s4: `models/s4/s4d.py` at 2ed46fcf77f2392145ceb801a553367c9111675a (S4DKernel, S4D) and
 * the block of `example.py` at 1f39234851ab1a242b3bea30abe07993172ef4a9 (S4Model: `z = x; if prenorm: z = norm(z); z = S4D(z); x = z + x; if not prenorm:
 * x = norm(x)`), in eval mode (dropout is the identity). H = hidden = d_model, M = d_state / 2 complex modes.
 *
 * Once, when the model is compiled (S4DKernel.forward's discretisation, zero-order hold with B = 1 folded into C),
 * every real operation rounded to the format, for each channel h and mode m:
 *
 *   dt      = exp(log_dt[h])
 *   A       = -exp(log_A_real[h][m]) + i A_imag[h][m]                  (the negation is exact)
 *   dtA     = mul(A.re, dt) + i mul(A.im, dt)
 *   dA      = exp(dtA) = mul(exp(dtA.re), cos(dtA.im)) + i mul(exp(dtA.re), sin(dtA.im))
 *   P       = C (dA - 1):  P.re = sub(mul(C.re, sub(dA.re, 1)), mul(C.im, dA.im)),
 *                          P.im = add(mul(C.re, dA.im), mul(C.im, sub(dA.re, 1)))
 *   C'      = P / A:       q = add(mul(A.re, A.re), mul(A.im, A.im)),
 *                          C'.re = div(add(mul(P.re, A.re), mul(P.im, A.im)), q),
 *                          C'.im = div(sub(mul(P.im, A.re), mul(P.re, A.im)), q)
 *
 * (the reference's `C * (torch.exp(dtA) - 1.) / A`, left to right). The reference's kernel is
 * K[l] = 2 Re(sum_m C'_m dA_m^l), and y = (K * u) + D u is exactly the recurrence below. At each step, with x the
 * layer's input (H values):
 *
 *   u       = layerNorm(x) if prenorm, else x                            (LayerNorm over H, eps; blocks/layer-norm.ts)
 *   s_m     = dA_m s_m + u:  s.re' = add(sub(mul(dA.re, s.re), mul(dA.im, s.im)), u[h]),
 *                            s.im' = add(mul(dA.re, s.im), mul(dA.im, s.re))
 *   acc     = sum over m = 0..M-1 of sub(mul(C'.re, s.re'), mul(C'.im, s.im')), from +0, left to right
 *   y[h]    = add(add(acc, acc), mul(D[h], u[h]))                       (2 Re(C' s) + D u)
 *   g[h]    = gelu(y[h])                                                 (nn.GELU(), the exact erf GELU)
 *   o       = matVec(output_weight, g, output_bias)                      (Conv1d(H, 2H, 1), 2H rows)
 *   z[h]    = mul(o[h], sigmoid(o[H + h]))                               (nn.GLU(dim=-2): first half, gated)
 *   out[h]  = add(z[h], x[h]), then layerNorm(out) if not prenorm        (the residual, then the post-norm)
 *
 * The state is what the next step reads: s, channel by channel, mode by mode, real part then imaginary (H d_state
 * values). The output reads the current input (D u, the residual), so it is not a function of the state: it lives
 * apart (cell.ts). The reference's model pools the outputs by their mean before its decoder; ccbound's head reads
 * the last position (a causal model's answer), which is the one difference docs/pytorch.md asks an export to match.
 */
import * as z from "zod";
import { matVecKernel } from "../../numeric/matvec-kernel.js";
import { CcboundError } from "../../errors.js";
import { exactSumFor } from "../../numeric/exact-sum.js";
import { size } from "../file-schema.js";
import { applyLayerNorm, type CompiledNorm } from "../blocks/layer-norm.js";
import { flatten, roundedVector } from "../tensors.js";
import { defineCell, HIDDEN, type LayerOf, type Side } from "./cell.js";
import { checkMatrix, type Dim } from "../shapes.js";

/** The modes' side of [H, d_state / 2]: the file's d_state says it (checked below: the table only knows H). */
const MODES: Side = () => undefined;
const TWICE_HIDDEN: Side = (s) => s.hidden && { n: 2 * s.hidden.n, why: `2 x ${s.hidden.why}` };
const MODE_TENSORS = ["log_A_real", "A_imag", "C_real", "C_imag"] as const;
/** A random layer's d_state (two complex modes). */
const RANDOM_STATE = 4;

const base = defineCell({
  name: "s4d",
  about: "an S4D layer (state-spaces/s4 S4D) in its residual block: diagonal complex SSM, GELU, GLU, LayerNorm",
  fields: {
    hidden: size.describe("H = d_model: the width of the layer's input and output (the residual adds them)"),
    d_state: size.describe("N: the state per channel in reals, N / 2 complex modes (the reference's d_state)"),
    prenorm: z.boolean().describe("LayerNorm before the S4D layer (true) or after the residual (false, the default)"),
    eps: z.number().min(0).describe("LayerNorm's eps (1e-5 in PyTorch)"),
  },
  tensors: [
    { key: "log_dt", describe: "H: log of the step dt", rows: HIDDEN },
    { key: "log_A_real", describe: "H x N/2: A.re = -exp(log_A_real)", rows: HIDDEN, cols: MODES },
    { key: "A_imag", describe: "H x N/2: A.im", rows: HIDDEN, cols: MODES },
    { key: "C_real", describe: "H x N/2: the real part of C (the reference's C[..., 0])", rows: HIDDEN, cols: MODES },
    { key: "C_imag", describe: "H x N/2: the imaginary part of C (C[..., 1])", rows: HIDDEN, cols: MODES },
    { key: "D", describe: "H: the skip term D u", rows: HIDDEN },
    { key: "output_weight", describe: "2H x H: output_linear.0 (Conv1d, kernel 1)", rows: TWICE_HIDDEN, cols: HIDDEN },
    { key: "output_bias", describe: "2H: output_linear.0's bias", rows: TWICE_HIDDEN },
    { key: "norm_weight", describe: "H: the LayerNorm's weight", rows: HIDDEN },
    { key: "norm_bias", describe: "H: the LayerNorm's bias", rows: HIDDEN },
  ],
  randomFields: (hidden) => ({ hidden, d_state: RANDOM_STATE, prenorm: false, eps: 2 ** -10 }),
  compile(w, inputSize, arith) {
    const H = w.hidden;
    if (inputSize !== H)
      throw new CcboundError(
        "invalid-model",
        `an s4d layer's input has ${inputSize} values but its hidden is ${H}: the residual adds them`,
      );
    if (w.d_state % 2 !== 0)
      throw new CcboundError("invalid-model", `an s4d layer's d_state is ${w.d_state}, not even (d_state / 2 modes)`);
    const M = w.d_state / 2;
    for (const key of MODE_TENSORS)
      for (const row of w[key])
        if (row.length !== M)
          throw new CcboundError(
            "invalid-model",
            `s4d tensor ${key} has rows of ${row.length}, expected d_state / 2 = ${M}`,
          );
    const { round } = arith;
    const logDt = roundedVector(w.log_dt, round);
    const logAr = flatten(w.log_A_real, H, M, round);
    const aIm = flatten(w.A_imag, H, M, round);
    const cRe = flatten(w.C_real, H, M, round);
    const cIm = flatten(w.C_imag, H, M, round);
    // The discretisation, once (see the file's comment).
    const dAr = new Float64Array(H * M);
    const dAi = new Float64Array(H * M);
    const Cr = new Float64Array(H * M);
    const Ci = new Float64Array(H * M);
    const one = round(1);
    for (let h = 0; h < H; h++) {
      const dt = arith.exp(logDt[h]!);
      for (let m = 0; m < M; m++) {
        const i = h * M + m;
        const ar = -arith.exp(logAr[i]!);
        const ai = aIm[i]!;
        const xr = arith.mul(ar, dt);
        const xi = arith.mul(ai, dt);
        const e = arith.exp(xr);
        const er = arith.mul(e, arith.cos(xi));
        const ei = arith.mul(e, arith.sin(xi));
        dAr[i] = er;
        dAi[i] = ei;
        const em1 = arith.sub(er, one);
        const pr = arith.sub(arith.mul(cRe[i]!, em1), arith.mul(cIm[i]!, ei));
        const pi = arith.add(arith.mul(cRe[i]!, ei), arith.mul(cIm[i]!, em1));
        const q = arith.add(arith.mul(ar, ar), arith.mul(ai, ai));
        Cr[i] = arith.div(arith.add(arith.mul(pr, ar), arith.mul(pi, ai)), q);
        Ci[i] = arith.div(arith.sub(arith.mul(pi, ar), arith.mul(pr, ai)), q);
      }
    }
    const D = roundedVector(w.D, round);
    const wOut = flatten(w.output_weight, 2 * H, H, round);
    const bOut = roundedVector(w.output_bias, round);
    const norm: CompiledNorm = {
      weight: roundedVector(w.norm_weight, round),
      bias: roundedVector(w.norm_bias, round),
      eps: round(w.eps),
    };
    const acc = exactSumFor(arith.format).accumulator();
    const u = new Float64Array(H);
    const g = new Float64Array(H);
    const outK = matVecKernel(arith, wOut, 2 * H, H, bOut); // the output Conv1d (SIMD for float32)
    const o = outK.out;
    const out = new Float64Array(H);
    const prenorm = w.prenorm;
    return {
      hidden: H,
      units: H * w.d_state,
      output: "apart",
      step(state, offset, input, inputOffset, outputOffset) {
        for (let h = 0; h < H; h++) u[h] = input[inputOffset + h]!;
        if (prenorm) applyLayerNorm(arith, acc, u, norm);
        for (let h = 0; h < H; h++) {
          const uh = u[h]!;
          let sum = 0;
          for (let m = 0; m < M; m++) {
            const i = h * M + m;
            const at = offset + 2 * i;
            const sr = state[at]!;
            const si = state[at + 1]!;
            const ar = dAr[i]!;
            const ai = dAi[i]!;
            const nr = arith.add(arith.sub(arith.mul(ar, sr), arith.mul(ai, si)), uh);
            const ni = arith.add(arith.mul(ar, si), arith.mul(ai, sr));
            state[at] = nr;
            state[at + 1] = ni;
            sum = arith.add(sum, arith.sub(arith.mul(Cr[i]!, nr), arith.mul(Ci[i]!, ni)));
          }
          g[h] = arith.gelu(arith.add(arith.add(sum, sum), arith.mul(D[h]!, uh)));
        }
        outK.apply(g, 0);
        // The input is read before the output is written: a layer's input may be the layer below's apart output,
        // never its own.
        for (let h = 0; h < H; h++)
          out[h] = arith.add(arith.mul(o[h]!, arith.sigmoid(o[H + h]!)), input[inputOffset + h]!);
        if (!prenorm) applyLayerNorm(arith, acc, out, norm);
        for (let h = 0; h < H; h++) state[outputOffset + h] = out[h]!;
      },
    };
  },
});

/**
 * The descriptor, with the checks and the random layer the tensor table cannot say: the mode tensors are d_state / 2
 * wide (the table knows only H), and the residual needs input = hidden.
 */
export const s4d: typeof base = {
  ...base,
  checkShapes(layer, path, sizes, report) {
    base.checkShapes(layer, path, sizes, report);
    const n = layer["d_state"];
    const modes: Dim | undefined =
      typeof n === "number" && Number.isInteger(n) && n % 2 === 0 ? { n: n / 2, why: `d_state ${n} / 2` } : undefined;
    if (typeof n === "number" && n % 2 !== 0) report([...path, "d_state"], `is ${n}, expected an even number`);
    for (const key of MODE_TENSORS) checkMatrix(layer[key], [...path, key], sizes.hidden, modes, report);
    if (sizes.hidden && sizes.input && sizes.input.n !== sizes.hidden.n)
      report(
        [...path, "hidden"],
        `is ${sizes.hidden.n}, expected the layer's input width ${sizes.input.n} (${sizes.input.why}; the residual adds them)`,
      );
  },
  parameterCount: (hidden) => hidden * (6 + 2 * RANDOM_STATE + 2 * hidden),
  random(hidden, _input, draw) {
    // The table's order and shapes, with the modes' width from the random d_state (the table cannot give it).
    const M = RANDOM_STATE / 2;
    const vec = (n: number) => Array.from({ length: n }, draw);
    const mat = (r: number, c: number) => Array.from({ length: r }, () => vec(c));
    const layer = {
      cell: "s4d" as const,
      hidden,
      d_state: RANDOM_STATE,
      prenorm: false,
      eps: 2 ** -10,
      log_dt: vec(hidden),
      log_A_real: mat(hidden, M),
      A_imag: mat(hidden, M),
      C_real: mat(hidden, M),
      C_imag: mat(hidden, M),
      D: vec(hidden),
      output_weight: mat(2 * hidden, hidden),
      output_bias: vec(2 * hidden),
      // LayerNorm starts as the identity, as PyTorch's does (weight 1, bias 0).
      norm_weight: new Array<number>(hidden).fill(1),
      norm_bias: new Array<number>(hidden).fill(0),
    };
    return layer;
  },
};

export type S4dLayer = LayerOf<typeof s4d>;
