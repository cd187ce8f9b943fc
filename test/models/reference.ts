/**
 * A naive, obviously-correct forward pass written straight from PyTorch's equations with plain arrays and one
 * `round` call per operation: the oracle the compiled models are compared with, bit for bit.
 */
import { arithFor } from "../../src/numeric/arith.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import type { RecurrentLayer, RecurrentModelSpec } from "../../src/models/spec.js";
import type { S4dLayer } from "../../src/models/cells/s4d.js";
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
  // tanh and sigmoid are the real functions rounded once (docs/semantics.md): the format's own correctly rounded
  // functions, which test/numeric/transcendentals.test.ts checks against an independent big.js reference.
  const arith = arithFor(fmt);
  const sig = (x: number) => arith.sigmoid(x);
  const tanh = (x: number) => arith.tanh(x);
  const states = spec.layers.map((l) => ({
    h: new Array<number>(l.hidden).fill(0),
    c: new Array<number>(l.hidden).fill(0),
    // S4D: the complex state per channel and mode, [re, im] pairs, channel-major.
    s: l.cell === "s4d" ? new Array<number>(l.hidden * l.d_state).fill(0) : [],
  }));
  // The last layer's output (its h, or an S4D layer's output, which is not state).
  let last: number[] = spec.layers.length ? new Array<number>(spec.layers[spec.layers.length - 1]!.hidden).fill(0) : [];
  for (const tok of tokens) {
    let x = spec.embedding[tok]!.map(r);
    spec.layers.forEach((layer, l) => {
      const s = states[l]!;
      if (layer.cell === "s4d") x = s4dStep(layer, s.s, x);
      else {
        step(layer, s, x);
        x = s.h;
      }
    });
    last = x;
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
  function step(layer: Exclude<RecurrentLayer, S4dLayer>, s: { h: number[]; c: number[] }, x: number[]) {
    const m = layer.hidden;
    if (layer.cell === "linear") {
      const bx = affine(layer.b, x, layer.bias);
      s.h = s.h.map((h, j) => r(r(r(layer.a[j]!) * h) + bx[j]!));
      return;
    }
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
  }
  return {
    state: states.map((s, l) => {
      const cell = spec.layers[l]!.cell;
      return cell === "lstm" ? [...s.h, ...s.c] : cell === "s4d" ? s.s : s.h;
    }),
    logits: affine(spec.head.weight, last, spec.head.bias),
  };
}
