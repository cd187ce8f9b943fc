/**
 * A naive, obviously-correct forward pass written straight from PyTorch's equations with plain arrays and one
 * `round` call per operation: the oracle the compiled models are compared with, bit for bit.
 */
import { arithFor } from "../../src/numeric/arith.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import type { LinearAttentionLayer } from "../../src/models/cells/linear-attention.js";
import type { MambaLayer } from "../../src/models/cells/mamba.js";
import type { RecurrentLayer, RecurrentModelSpec } from "../../src/models/spec.js";
import type { S4dLayer } from "../../src/models/cells/s4d.js";
import type { RetnetLayer } from "../../src/models/cells/retnet.js";
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
  const matVec = (m: readonly (readonly number[])[], v: readonly number[]) => m.map((row) => dot(row, v));
  // tanh and sigmoid are the real functions rounded once (docs/semantics.md): the format's own correctly rounded
  // functions, which test/numeric/transcendentals.test.ts checks against an independent big.js reference.
  const arith = arithFor(fmt);
  const sig = (x: number) => arith.sigmoid(x);
  const tanh = (x: number) => arith.tanh(x);
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
    // S4D: the complex state per channel and mode, [re, im] pairs, channel-major.
    s: l.cell === "s4d" ? new Array<number>(l.hidden * l.d_state).fill(0) : [],
    // RetNet: per head, S[j][i] (dv x dk) and the scale.
    S2:
      l.cell === "retnet"
        ? Array.from({ length: l.heads }, () =>
            Array.from({ length: l.value_dim / l.heads }, () => new Array<number>(l.hidden / l.heads).fill(0)),
          )
        : [],
    scale: l.cell === "retnet" ? new Array<number>(l.heads).fill(0) : [],
  }));
  // The last layer's output (its h, or an output apart from the state).
  let out: number[] = new Array<number>(spec.layers.at(-1)!.hidden).fill(0);
  for (const [position, tok] of tokens.entries()) {
    let x = spec.embedding[tok]!.map(r);
    spec.layers.forEach((layer, l) => {
      const s = states[l]!;
      if (layer.cell === "s4d") x = s4dStep(layer, s.s, x);
      else if (layer.cell === "retnet") x = retnetStep(layer, { S: s.S2, scale: s.scale }, x, position);
      else x = step(layer, s, x);
    });
    out = x;
  }
  // LayerNorm: mean and variance exact sums divided by d, rounded once (semantics.md 7.2).
  function layerNorm(v: number[], weight: readonly number[], bias: readonly number[], eps: number): number[] {
    const d = v.length;
    const acc = exactSumFor(fmt).accumulator();
    v.forEach((x) => acc.add(x));
    const mean = acc.roundedQuotient(d);
    const c = v.map((x) => r(x - mean));
    acc.clear();
    c.forEach((x) => acc.add(r(x * x)));
    const scale = arith.sqrt(r(acc.roundedQuotient(d) + r(eps)));
    return c.map((x, i) => r(r(arith.div(x, scale) * r(weight[i]!)) + r(bias[i]!)));
  }
  /** S4D (src/models/cells/s4d.ts's comment, written again from the reference's equations). */
  function s4dStep(layer: S4dLayer, st: number[], x: number[]): number[] {
    const H = layer.hidden;
    const M = layer.d_state / 2;
    const u = layer.prenorm ? layerNorm(x, layer.norm_weight, layer.norm_bias, layer.eps) : x;
    const g: number[] = [];
    for (let h = 0; h < H; h++) {
      const dt = arith.exp(r(layer.log_dt[h]!));
      let acc = 0;
      for (let m = 0; m < M; m++) {
        const [ar, ai] = [-arith.exp(r(layer.log_A_real[h]![m]!)), r(layer.A_imag[h]![m]!)];
        const [xr, xi] = [r(ar * dt), r(ai * dt)];
        const e = arith.exp(xr);
        const [dr, di] = [r(e * arith.cos(xi)), r(e * arith.sin(xi))];
        const [cr, ci] = [r(layer.C_real[h]![m]!), r(layer.C_imag[h]![m]!)];
        const em1 = r(dr - 1);
        const [pr, pi] = [r(r(cr * em1) - r(ci * di)), r(r(cr * di) + r(ci * em1))];
        const q = r(r(ar * ar) + r(ai * ai));
        const Cr = arith.div(r(r(pr * ar) + r(pi * ai)), q);
        const Ci = arith.div(r(r(pi * ar) - r(pr * ai)), q);
        const k = 2 * (h * M + m);
        const [sr, si] = [st[k]!, st[k + 1]!];
        st[k] = r(r(r(dr * sr) - r(di * si)) + u[h]!);
        st[k + 1] = r(r(dr * si) + r(di * sr));
        acc = r(acc + r(r(Cr * st[k]!) - r(Ci * st[k + 1]!)));
      }
      g.push(arith.gelu(r(r(acc + acc) + r(r(layer.D[h]!) * u[h]!))));
    }
    const o = affine(layer.output_weight, g, layer.output_bias);
    const out = x.map((xh, h) => r(r(o[h]! * arith.sigmoid(o[H + h]!)) + xh));
    return layer.prenorm ? out : layerNorm(out, layer.norm_weight, layer.norm_bias, layer.eps);
  }
  function rmsNorm(v: number[], weight: readonly number[] | null, eps: number): number[] {
    const acc = exactSumFor(fmt).accumulator();
    v.forEach((x) => acc.add(r(x * x)));
    const s = arith.sqrt(r(acc.roundedQuotient(v.length) + r(eps)));
    return v.map((x, c) => (weight ? r(arith.div(x, s) * r(weight[c]!)) : arith.div(x, s)));
  }
  /** RetNet (src/models/cells/retnet.ts's comment, from torchscale's recurrent_forward), at a 0-based position. */
  function retnetStep(
    layer: RetnetLayer,
    st: { S: number[][][]; scale: number[] },
    x: number[],
    position: number,
  ): number[] {
    const [D, H] = [layer.hidden, layer.heads];
    const [dk, dv] = [D / H, layer.value_dim / H];
    const a = layer.normalize_before ? rmsNorm(x, layer.retention_layer_norm, layer.eps) : x;
    const scaling = arith.div(r(1), arith.sqrt(r(dk)));
    const q = matVec(layer.q_proj, a);
    const k = matVec(layer.k_proj, a).map((kc) => r(kc * scaling));
    const v = matVec(layer.v_proj, a);
    const g = matVec(layer.g_proj, a);
    const theta = layer.angle.map((t) => r(r(t) * r(position)));
    const rot = (z: number[]) =>
      z.map((zc, c) => {
        const i = c % dk;
        return i % 2 === 0
          ? r(r(zc * arith.cos(theta[i]!)) + r(-z[c + 1]! * arith.sin(theta[i]!)))
          : r(r(zc * arith.cos(theta[i]!)) + r(z[c - 1]! * arith.sin(theta[i]!)));
      });
    const [qr, kr] = [rot(q), rot(k)];
    const o: number[] = [];
    for (let h = 0; h < H; h++) {
      const gamma = arith.exp(r(layer.decay[h]!));
      const prev = st.scale[h]!;
      const next = r(r(prev * gamma) + 1);
      const f = arith.div(r(arith.sqrt(prev) * gamma), arith.sqrt(next));
      const head: number[] = [];
      for (let j = 0; j < dv; j++) {
        let sum = 0;
        for (let i = 0; i < dk; i++) {
          const kv = arith.div(r(kr[h * dk + i]! * v[h * dv + j]!), arith.sqrt(next));
          st.S[h]![j]![i] = r(r(st.S[h]![j]![i]! * f) + kv);
          sum = r(sum + r(qr[h * dk + i]! * st.S[h]![j]![i]!));
        }
        head.push(sum);
      }
      st.scale[h] = next;
      o.push(...rmsNorm(head, null, layer.eps));
    }
    const gated = o.map((oc, c) => r(arith.silu(g[c]!) * oc));
    const y = matVec(layer.out_proj, gated);
    let x1 = x.map((xc, c) => r(xc + y[c]!));
    if (!layer.normalize_before) x1 = rmsNorm(x1, layer.retention_layer_norm, layer.eps);
    const b = layer.normalize_before ? rmsNorm(x1, layer.final_layer_norm, layer.eps) : x1;
    const act = (t: number) =>
      layer.activation === "gelu" ? arith.gelu(t) : layer.activation === "swish" ? arith.silu(t) : r(Math.max(0, t));
    const h2 = matVec(layer.ffn_gate, b);
    const hidden = matVec(layer.ffn_fc1, b).map((t, c) => r(act(t) * h2[c]!));
    const f = matVec(layer.ffn_fc2, hidden);
    const out = x1.map((xc, c) => r(xc + f[c]!));
    return layer.normalize_before ? out : rmsNorm(out, layer.final_layer_norm, layer.eps);
  }
  /** One step of one layer: updates its state, returns its output. */
  function step(
    layer: Exclude<RecurrentLayer, S4dLayer | RetnetLayer>,
    s: (typeof states)[number],
    x: number[],
  ): number[] {
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
      if (cell === "retnet") return s.S2.flatMap((head, h) => [...head.flat(), s.scale[h]!]);
      if (cell === "s4d") return s.s;
      return cell === "lstm" ? [...s.h, ...s.c] : cell === "mamba" ? [...s.conv.flat(), ...s.ssm.flat()] : s.h;
    }),
    logits: affine(spec.head.weight, read, spec.head.bias),
  };
}
