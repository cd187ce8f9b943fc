/**
 * RMSNorm (Mamba's MambaRMSNorm, T5's and Llama's): x / sqrt(mean(x^2) + eps) * weight, in the model's number format.
 * The mean of the squares is an exact sum divided by d and rounded once, as layer norm's variance is
 * (src/models/blocks/layer-norm.ts), so it does not depend on an order of addition and d need not be a value of
 * the format; then every operation is rounded once:
 *
 *   ms = quotient(exact sum of mul(x[c], x[c]), d);  s = sqrt(add(ms, eps));  out[c] = mul(div(x[c], s), weight[c])
 *
 * The reference multiplies x by rsqrt(ms + eps); ccbound divides by the rounded square root, as its layer norm does
 * (one rounding fewer than 1/sqrt then a product, and the same real value).
 */
import type { Arith } from "../numeric/arith.js";
import { quotientOfSum, quotientsInBinary64, type Accumulator } from "../numeric/exact-sum.js";

export function applyRmsNorm(
  arith: Arith,
  acc: Accumulator,
  input: Float64Array,
  inputOffset: number,
  d: number,
  weight: Float64Array,
  eps: number,
  out: Float64Array,
): void {
  // In formats of at most 24 fraction bits, the quotient is first decided from the binary64 sum of the squares
  // (>= 0: their own sum of magnitudes) with a proven bound (exact-sum.ts's quotientOfSum); the accumulator decides
  // what that leaves, and sums with a value that is not finite. The same values either way.
  let t = 0;
  for (let c = 0; c < d; c++) {
    const x = input[inputOffset + c]!;
    t += arith.mul(x, x);
  }
  let ms = quotientsInBinary64(arith.format) && t < Infinity ? quotientOfSum(t, t, d, d, arith.round) : NaN;
  if (ms !== ms) {
    acc.clear();
    for (let c = 0; c < d; c++) {
      const x = input[inputOffset + c]!;
      acc.add(arith.mul(x, x));
    }
    ms = acc.roundedQuotient(d);
  }
  const s = arith.sqrt(arith.add(ms, eps));
  for (let c = 0; c < d; c++) out[c] = arith.mul(arith.div(input[inputOffset + c]!, s), weight[c]!);
}
