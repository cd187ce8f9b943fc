import type { Arith } from "./arith.js";
import type { NumberFormat } from "./format.js";
import { targetFor } from "./round-target.js";
import { expRounded, logRounded, softplusRounded } from "./exp-log.js";
import { sigmoidRounded, siluRounded, tanhRounded } from "./logistic.js";
import { erfRounded, geluRounded, geluTanhRounded } from "./gelu.js";
import { cosRounded, sinRounded } from "./trig.js";

export type Transcendentals = Pick<
  Arith,
  | "tanh"
  | "sigmoid"
  | "tanhRange"
  | "sigmoidRange"
  | "exp"
  | "log"
  | "softplus"
  | "silu"
  | "erf"
  | "gelu"
  | "geluTanh"
  | "sin"
  | "cos"
>;

/**
 * The correctly rounded transcendental functions of a format, as Arith methods: each is the module-level function
 * of its family (exp-log.ts, logistic.ts, gelu.ts, trig.ts) with the format's rounding target. Every format shares those
 * functions, and every target has one shape, so their call sites stay monomorphic.
 */
export function transcendentalsFor(format: NumberFormat): Transcendentals {
  const t = targetFor(format);
  return {
    tanh: (x) => tanhRounded(x, t),
    sigmoid: (x) => sigmoidRounded(x, t),
    tanhRange(buf, from, to) {
      for (let k = from; k < to; k++) buf[k] = tanhRounded(buf[k]!, t);
    },
    sigmoidRange(buf, from, to) {
      for (let k = from; k < to; k++) buf[k] = sigmoidRounded(buf[k]!, t);
    },
    exp: (x) => expRounded(x, t),
    log: (x) => logRounded(x, t),
    softplus: (x) => softplusRounded(x, t),
    silu: (x) => siluRounded(x, t),
    erf: (x) => erfRounded(x, t),
    gelu: (x) => geluRounded(x, t),
    geluTanh: (x) => geluTanhRounded(x, t),
    sin: (x) => sinRounded(x, t),
    cos: (x) => cosRounded(x, t),
  };
}
