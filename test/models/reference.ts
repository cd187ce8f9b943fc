/**
 * A naive, obviously-correct forward pass written straight from PyTorch's equations with plain arrays and one
 * `round` call per operation: the oracle the compiled models are compared with, bit for bit.
 */
import { arithFor } from "../../src/numeric/arith.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import type { RecurrentLayer, RecurrentModelSpec } from "../../src/models/spec.js";

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
  }));
  for (const tok of tokens) {
    let x = spec.embedding[tok]!.map(r);
    spec.layers.forEach((layer, l) => {
      const s = states[l]!;
      step(layer, s, x);
      x = s.h;
    });
  }
  function step(layer: RecurrentLayer, s: { h: number[]; c: number[] }, x: number[]) {
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
  const last = states[states.length - 1]!.h;
  return {
    state: states.map((s, l) => (spec.layers[l]!.cell === "lstm" ? [...s.h, ...s.c] : s.h)),
    logits: affine(spec.head.weight, last, spec.head.bias),
  };
}
