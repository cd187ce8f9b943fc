/**
 * A naive, obviously-correct forward pass written straight from PyTorch's equations with plain arrays and one
 * `round` call per operation: the oracle the compiled models are compared with, bit for bit.
 */
import { arithFor } from "../../src/numeric/arith.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import type { LinearAttentionLayer } from "../../src/models/cells/linear-attention.js";
import type { MambaLayer } from "../../src/models/cells/mamba.js";
import type { RecurrentLayer, RecurrentModelSpec } from "../../src/models/spec.js";
import { exactSumFor } from "../../src/numeric/exact-sum.js";

export function referenceForward(
  spec: RecurrentModelSpec,
  fmt: NumberFormat,
  tokens: readonly number[],
): { state: number[][]; logits: number[] } {
  const r = (x: number) => fmt.round(x);
  const dot = (row: readonly number[], v: readonly number[]) => row.reduce((acc, w, j) => r(acc + r(r(w) * v[j]!)), 0);
  const affine = (m: readonly (readonly number[])[], v: readonly number[], b: readonly number[]) =>
    m.map((row, i) => r(dot(row, v) + r(b[i]!)));
  const linearMap = (m: readonly (readonly number[])[], v: readonly number[]) => m.map((row) => dot(row, v));
  // tanh and sigmoid are the real functions rounded once (docs/semantics.md): the format's own correctly rounded
  // functions, which test/numeric/transcendentals.test.ts checks against an independent big.js reference.
  const arith = arithFor(fmt);
  const sig = (x: number) => arith.sigmoid(x);
  const tanh = (x: number) => arith.tanh(x);
  // The mean of squares is an exact sum divided by d, rounded once (the layer norm's convention).
  const meanSquare = (v: readonly number[]) => {
    const acc = exactSumFor(fmt).accumulator();
    v.forEach((x) => acc.add(r(x * x)));
    return acc.roundedQuotient(v.length);
  };
  const rmsNorm = (v: readonly number[], weight: readonly number[], eps: number) => {
    const s = arith.sqrt(r(meanSquare(v) + r(eps)));
    return v.map((x, c) => r(arith.div(x, s) * r(weight[c]!)));
  };
  const states = spec.layers.map((l) => ({
    h: new Array<number>(l.hidden).fill(0),
    c: new Array<number>(l.hidden).fill(0),
    // Mamba: the convolution's last d_conv - 1 inputs per channel, and the SSM state, d_inner x d_state.
    conv: l.cell === "mamba" ? Array.from({ length: l.d_inner }, () => new Array<number>(l.d_conv - 1).fill(0)) : [],
    ssm: l.cell === "mamba" ? Array.from({ length: l.d_inner }, () => new Array<number>(l.d_state).fill(0)) : [],
    // Linear attention: per head S (d_keys x d_values) and z (d_keys).
    S:
      l.cell === "linear-attention"
        ? Array.from({ length: l.heads }, () =>
            Array.from({ length: l.d_keys }, () => new Array<number>(l.d_values).fill(0)),
          )
        : [],
    z: l.cell === "linear-attention" ? Array.from({ length: l.heads }, () => new Array<number>(l.d_keys).fill(0)) : [],
  }));
  let out: number[] = new Array<number>(spec.layers.at(-1)!.hidden).fill(0);
  for (const tok of tokens) {
    let x = spec.embedding[tok]!.map(r);
    spec.layers.forEach((layer, l) => {
      x = step(layer, states[l]!, x);
    });
    out = x;
  }
  /** One step of one layer: updates its state, returns its output. */
  function step(layer: RecurrentLayer, s: (typeof states)[number], x: number[]): number[] {
    const m = layer.hidden;
    if (layer.cell === "linear") {
      const bx = affine(layer.b, x, layer.bias);
      s.h = s.h.map((h, j) => r(r(r(layer.a[j]!) * h) + bx[j]!));
      return s.h;
    }
    if (layer.cell === "mamba") return mambaStep(layer, s, x);
    if (layer.cell === "linear-attention") return linearAttentionStep(layer, s, x);
    const gi = affine(layer.weight_ih, x, layer.bias_ih);
    const gh = affine(layer.weight_hh, s.h, layer.bias_hh);
    const pre = (k: number) => r(gi[k]! + gh[k]!);
    if (layer.cell === "elman")
      s.h = s.h.map((_, j) => (layer.nonlinearity === "tanh" ? tanh(pre(j)) : r(Math.max(0, pre(j)))));
    if (layer.cell === "lstm") {
      const c = s.c.map((c0, j) => r(r(sig(pre(m + j)) * c0) + r(sig(pre(j)) * tanh(pre(2 * m + j)))));
      s.h = c.map((cj, j) => r(sig(pre(3 * m + j)) * tanh(cj)));
      s.c = c;
    }
    if (layer.cell === "gru") {
      s.h = s.h.map((h, j) => {
        const rg = sig(pre(j));
        const z = sig(pre(m + j));
        const n = tanh(r(gi[2 * m + j]! + r(rg * gh[2 * m + j]!)));
        return r(n + r(z * r(h - n)));
      });
    }
    return s.h;
  }
  /** HF MambaMixer.slow_forward at one position, written out with nested arrays. */
  function mambaStep(layer: MambaLayer, s: (typeof states)[number], u: number[]): number[] {
    const { d_inner: e, d_state: n, dt_rank: rank } = layer;
    const xz = linearMap(layer.in_proj, rmsNorm(u, layer.norm, layer.eps));
    const xs = s.conv.map((past, i) => {
      const window = [...past, xz[i]!];
      const c = r(dot(layer.conv1d_weight[i]!, window) + r(layer.conv1d_bias[i]!));
      s.conv[i] = window.slice(1);
      return arith.silu(c);
    });
    const dbc = linearMap(layer.x_proj, xs);
    const dt = affine(layer.dt_proj_weight, dbc.slice(0, rank), layer.dt_proj_bias).map((v) => arith.softplus(v));
    const B = dbc.slice(rank, rank + n);
    const C = dbc.slice(rank + n);
    const g = xs.map((x, i) => {
      s.ssm[i] = s.ssm[i]!.map((h, k) => {
        const a = -arith.exp(r(layer.A_log[i]![k]!));
        return r(r(arith.exp(r(dt[i]! * a)) * h) + r(r(dt[i]! * B[k]!) * x));
      });
      const y = r(dot(C, s.ssm[i]!) + r(x * r(layer.D[i]!)));
      return r(y * arith.silu(xz[e + i]!));
    });
    return u.map((v, c) => r(v + dot(layer.out_proj[c]!, g)));
  }
  /** fast-transformers' RecurrentTransformerEncoderLayer with RecurrentLinearAttention at one position. */
  function linearAttentionStep(layer: LinearAttentionLayer, s: (typeof states)[number], x: number[]): number[] {
    const { heads, d_keys: dk, d_values: dv } = layer;
    const one = r(1);
    const phi = (t: number) => (t > 0 ? r(t + one) : arith.exp(t));
    const q = affine(layer.query_weight, x, layer.query_bias).map(phi);
    const k = affine(layer.key_weight, x, layer.key_bias).map(phi);
    const v = affine(layer.value_weight, x, layer.value_bias);
    const u: number[] = [];
    for (let h = 0; h < heads; h++) {
      const qh = q.slice(h * dk, (h + 1) * dk);
      const kh = k.slice(h * dk, (h + 1) * dk);
      const vh = v.slice(h * dv, (h + 1) * dv);
      s.z[h] = s.z[h]!.map((zi, i) => r(zi + kh[i]!));
      s.S[h] = s.S[h]!.map((row, i) => row.map((sij, j) => r(sij + r(kh[i]! * vh[j]!))));
      const inv = arith.div(one, r(dot(qh, s.z[h]!) + r(layer.eps)));
      for (let j = 0; j < dv; j++)
        u.push(
          r(
            dot(
              qh,
              s.S[h]!.map((row) => row[j]!),
            ) * inv,
          ),
        );
    }
    const attended = affine(layer.out_weight, u, layer.out_bias);
    const a = layerNorm(
      x.map((xc, c) => r(xc + attended[c]!)),
      layer.norm1_weight,
      layer.norm1_bias,
      layer.norm_eps,
    );
    const act = (t: number) => (layer.activation === "gelu" ? arith.gelu(t) : t > 0 ? t : 0);
    const f = affine(
      layer.linear2_weight,
      affine(layer.linear1_weight, a, layer.linear1_bias).map(act),
      layer.linear2_bias,
    );
    return layerNorm(
      a.map((ac, c) => r(ac + f[c]!)),
      layer.norm2_weight,
      layer.norm2_bias,
      layer.norm_eps,
    );
  }
  function layerNorm(v: number[], weight: readonly number[], bias: readonly number[], eps: number): number[] {
    const acc = exactSumFor(fmt).accumulator();
    v.forEach((x) => acc.add(x));
    const mean = acc.roundedQuotient(v.length);
    const centred = v.map((x) => r(x - mean));
    const scale = arith.sqrt(r(meanSquare(centred) + r(eps)));
    return centred.map((x, c) => r(r(arith.div(x, scale) * r(weight[c]!)) + r(bias[c]!)));
  }
  const norm = spec.finalNorm;
  const read =
    norm?.norm === "rms"
      ? rmsNorm(out, norm.weight, norm.eps)
      : norm?.norm === "layer"
        ? layerNorm(out, norm.weight, norm.bias, norm.eps)
        : out;
  return {
    state: states.map((s, l) => {
      const cell = spec.layers[l]!.cell;
      if (cell === "linear-attention") return s.S.flatMap((S, h) => [...S.flat(), ...s.z[h]!]);
      return cell === "lstm" ? [...s.h, ...s.c] : cell === "mamba" ? [...s.conv.flat(), ...s.ssm.flat()] : s.h;
    }),
    logits: affine(spec.head.weight, read, spec.head.bias),
  };
}
