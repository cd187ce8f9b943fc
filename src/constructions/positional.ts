import { CcboundError } from "../errors.js";
import { Rng } from "../random.js";
import { digits } from "./layout.js";

/**
 * Sign codes: N vectors T(1..N) in {±1}^k, the paper's nearly orthogonal vectors (Lemma 2, Corollary 8.1) before the
 * 1/√k scaling. ccbound keeps the entries ±1 and puts the 1/k into the attention scale, so every weight and every
 * dot product is an exact small integer in any fixed-point format: <T(i), T(j)> = k - 2 * Hamming distance.
 *
 * Three families:
 * - `random`: i.i.d. uniform signs from a seed (the paper's probabilistic method);
 * - `reed-solomon`: a Reed–Solomon code over GF(2^a) concatenated with the Hadamard code, an explicit deterministic
 *   family with a proved bound: distinct codewords agree on at most K - 1 of the L outer symbols, and distinct
 *   Hadamard words are orthogonal, so <T(i), T(j)> <= (K - 1) q for k = L q (normalised: (K - 1) / L);
 * - `binary`: the ±1 digits of i - 1, k = ceil(log2 N), the fewest coordinates that keep N vectors distinct. Its
 *   inner products reach k - 2, far above any γ, and it works only with hard attention (see index-lookup.ts).
 */
export type CodeKind = "random" | "reed-solomon" | "binary";

export interface SignCode {
  readonly kind: CodeKind;
  readonly n: number;
  readonly k: number;
  /** n x k signs, row i - 1 is T(i). */
  readonly signs: Int8Array;
  /** How it was made, for reports: seed, or field size q, outer length L and dimension K. */
  readonly recipe: Readonly<Record<string, number>>;
}

/** The vector T(i), 1-based, as a plain row of ±1. */
export function codeword(code: SignCode, i: number): number[] {
  return Array.from(code.signs.subarray((i - 1) * code.k, i * code.k));
}

/** The paper's width for Lemma 2: k = (8 / γ²) ln(2N), from Hoeffding and a union bound over N² pairs. */
export function paperCodeWidth(n: number, gamma: number): number {
  return Math.ceil((8 / (gamma * gamma)) * Math.log(2 * n));
}

export function binaryCode(n: number): SignCode {
  const k = Math.max(1, Math.ceil(Math.log2(n)));
  const signs = new Int8Array(n * k);
  for (let i = 0; i < n; i++)
    signs.set(
      digits(i, k).map((bit) => 1 - 2 * bit),
      i * k,
    );
  return { kind: "binary", n, k, signs, recipe: {} };
}

export function randomCode(n: number, k: number, seed: number): SignCode {
  const rng = new Rng(seed);
  const signs = new Int8Array(n * k);
  for (let start = 0; start < signs.length; start += 32) {
    const word = rng.uint32();
    for (let b = 0; b < 32 && start + b < signs.length; b++) signs[start + b] = (word >>> b) & 1 ? -1 : 1;
  }
  return { kind: "random", n, k, signs, recipe: { seed } };
}

/**
 * The packed form: bit j of vector i set when the sign is -1, w = ceil(k / 32) words per vector, so a Hamming
 * distance is w popcounts. Checking every pair at N = 16384 is 1.3e8 pairs.
 */
interface PackedCode {
  readonly words: Uint32Array;
  readonly w: number;
}

function pack(code: SignCode): PackedCode {
  const w = Math.ceil(code.k / 32);
  const words = new Uint32Array(code.n * w);
  for (let i = 0; i < code.n; i++) {
    for (let j = 0; j < code.k; j++) if (code.signs[i * code.k + j]! < 0) words[i * w + (j >>> 5)]! |= 1 << (j & 31);
  }
  return { words, w };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** The extreme inner products over pairs i != j, exact integers (divide by k for the paper's normalised ones). */
export interface InnerProducts {
  readonly max: number;
  readonly min: number;
  /** Pairs checked: all N(N - 1)/2 unless the check stopped at the first pair above `limit`. */
  readonly pairs: number;
  readonly complete: boolean;
}

/**
 * Every pairwise inner product, or until one exceeds `limit` (then complete is false and max is that one). This is
 * the check behind "the bound holds": nothing is sampled.
 */
export function innerProducts(code: SignCode, limit = Infinity): InnerProducts {
  const { words, w } = pack(code);
  const { n, k } = code;
  let minDistance = k;
  let maxDistance = 0;
  let pairs = 0;
  const distanceFloor = (k - limit) / 2; // inner > limit  <=>  distance < (k - limit) / 2
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let dist = 0;
      for (let t = 0; t < w; t++) dist += popcount(words[i * w + t]! ^ words[j * w + t]!);
      pairs++;
      if (dist < minDistance) minDistance = dist;
      if (dist > maxDistance) maxDistance = dist;
      if (dist < distanceFloor) return { max: k - 2 * dist, min: k - 2 * maxDistance, pairs, complete: false };
    }
  }
  return { max: n > 1 ? k - 2 * minDistance : -k, min: n > 1 ? k - 2 * maxDistance : k, pairs, complete: true };
}

/** True when every pair has <T(i), T(j)> <= γ k (Corollary 8.1's one-sided bound, the one Theorem 1 uses). */
export function meetsBound(code: SignCode, gamma: number): boolean {
  return innerProducts(code, Math.floor(gamma * code.k)).complete;
}

/**
 * The smallest k at which `seed`'s random code meets γ, scanning up from `from`. Not monotone in k for one seed in
 * principle, so this is "the first k that works", which is what a user of one seed gets.
 */
export function smallestRandomWidth(n: number, gamma: number, seed: number, from = 1): number {
  for (let k = Math.max(1, from); ; k++) if (meetsBound(randomCode(n, k, seed), gamma)) return k;
}

// ---- Reed–Solomon over GF(2^a), concatenated with Hadamard ----

/** Primitive polynomials for GF(2^a), a = 1..8 (bit a is the leading term). */
const PRIMITIVE = [0, 0b11, 0b111, 0b1011, 0b10011, 0b100101, 0b1000011, 0b10001001, 0b100011101];

interface Field {
  readonly q: number;
  mul(x: number, y: number): number;
}

function field(a: number): Field {
  const q = 2 ** a;
  const exp = new Int32Array(2 * q);
  const log = new Int32Array(q);
  let x = 1;
  for (let i = 0; i < q - 1; i++) {
    exp[i] = x;
    log[x] = i;
    x <<= 1;
    if (x & q) x ^= PRIMITIVE[a]!;
  }
  for (let i = q - 1; i < 2 * q; i++) exp[i] = exp[i - (q - 1)]!;
  return { q, mul: (u, v) => (u === 0 || v === 0 ? 0 : exp[log[u]! + log[v]!]!) };
}

export interface ReedSolomonParams {
  /** Field size q = 2^a, outer length L <= q, message length K with q^K >= N. */
  readonly a: number;
  readonly length: number;
  readonly dimension: number;
}

/** The parameters with the fewest coordinates k = L q whose guarantee (K - 1)/L <= γ holds for N codewords. */
export function reedSolomonParams(n: number, gamma: number): ReedSolomonParams {
  let best: ReedSolomonParams | undefined;
  for (let a = 1; a < PRIMITIVE.length; a++) {
    const q = 2 ** a;
    const K = Math.max(1, Math.ceil(Math.log(n) / Math.log(q) - 1e-9));
    if (q ** K < n) continue;
    const L = Math.max(K, Math.ceil((K - 1) / gamma));
    if (L > q) continue;
    if (!best || L * q < best.length * 2 ** best.a) best = { a, length: L, dimension: K };
  }
  if (!best)
    throw new RangeError(`no Reed–Solomon code over GF(2^a), a <= 8, has ${n} words with (K - 1)/L <= ${gamma}`);
  return best;
}

/** T(i): the base-q digits of i - 1 are the coefficients of a polynomial, evaluated at L field points, each Hadamard-coded. */
export function reedSolomonCode(n: number, gamma: number): SignCode {
  const { a, length: L, dimension: K } = reedSolomonParams(n, gamma);
  const F = field(a);
  const q = F.q;
  const k = L * q;
  const signs = new Int8Array(n * k);
  const coeffs = new Int32Array(K);
  for (let i = 0; i < n; i++) {
    for (let c = 0, r = i; c < K; c++, r = Math.floor(r / q)) coeffs[c] = r % q;
    for (let point = 0; point < L; point++) {
      let v = 0; // Horner
      for (let c = K - 1; c >= 0; c--) v = F.mul(v, point) ^ coeffs[c]!;
      for (let x = 0; x < q; x++) signs[i * k + point * q + x] = popcount(v & x) % 2 === 1 ? -1 : 1;
    }
  }
  return { kind: "reed-solomon", n, k, signs, recipe: { q, L, K } };
}

/**
 * What a code guarantees for <T(i), T(j)>, i != j: k - 2 for the binary code (neighbours differ in one digit), (K - 1) q
 * for Reed–Solomon (proved), and floor(γ k) for a random code (what it must meet; checkCode checks it).
 */
export function codeBound(code: SignCode, gamma: number): number {
  switch (code.kind) {
    case "binary":
      return code.k - 2;
    case "reed-solomon":
      return (code.recipe.K! - 1) * code.recipe.q!;
    case "random":
      return Math.floor(gamma * code.k);
  }
}

/** Check the bound on every pair; a random code that misses it is refused with what to change. */
export function checkCode(code: SignCode, bound: number): void {
  const found = innerProducts(code, bound);
  if (found.complete) return;
  const hint = code.kind === "random" ? "; use a larger k or another seed" : "";
  throw new CcboundError(
    "invalid-flag",
    `the ${code.kind} code with N = ${code.n}, k = ${code.k} has <T(i), T(j)> = ${found.max} > ${bound} for some i != j${hint}`,
    "--k",
  );
}

/** The code of a kind for N vectors: γ sets the random code's paper width and the Reed–Solomon parameters. */
export function signCode(
  kind: CodeKind,
  n: number,
  options: { gamma?: number; k?: number; seed?: number } = {},
): SignCode {
  const gamma = options.gamma ?? 0.25;
  switch (kind) {
    case "binary":
      return binaryCode(n);
    case "reed-solomon":
      return reedSolomonCode(n, gamma);
    case "random":
      return randomCode(n, options.k ?? paperCodeWidth(n, gamma), options.seed ?? 1);
  }
}
