/**
 * The communication problems the paper reduces from (App. B.1), with their deterministic lower bounds and fooling sets.
 * Strings are Uint8Array of 0/1; INDEX's y is a 0-based position (the paper's [N] is 1-based).
 * DISJ follows the paper: DISJ(x, y) = 1 when the sets intersect.
 */
export type Bits = Uint8Array;
/** DYCK: Lemma 1's odd/even Dyck-(2,2) problem, in src/cc/dyck-problem.ts. */
export type ProblemName = "INDEX" | "EQ" | "DISJ" | "DYCK";

/** Two-way fooling set (Definition 1): f = value on S, and two distinct elements have a crossed input with f != value. */
export interface FoolingSet<X, Y> {
  readonly kind: "two-way";
  readonly value: 0 | 1;
  readonly size: bigint;
  /** The i-th element, 0 <= i < size: enumeration and uniform sampling both go through it. */
  at(i: bigint): readonly [X, Y];
  /** For distinct elements a, b: the crossed input (x_a, y_b) or (x_b, y_a) on which f != value. */
  cross(a: readonly [X, Y], b: readonly [X, Y]): readonly [X, Y];
}

/** One-way fooling set: Alice inputs that pairwise disagree on some y; one message for two of them is an error. */
export interface OneWayFoolingSet<X, Y> {
  readonly kind: "one-way";
  readonly size: bigint;
  at(i: bigint): X;
  /** A y with f(a, y) != f(b, y), for distinct a, b of the set. */
  distinguish(a: X, b: X): Y;
}

export interface Problem<X, Y> {
  readonly name: ProblemName;
  readonly n: number;
  evaluate(x: X, y: Y): 0 | 1;
  /** Any deterministic protocol of this class needs at least `bits` bits (log2 of the fooling set, Fact 4). */
  readonly bound: { readonly bits: number; readonly protocols: "one-way" | "two-way"; readonly fact: string };
  readonly foolingSet: FoolingSet<X, Y> | OneWayFoolingSet<X, Y>;
}

/** The n-bit string with the binary digits of i, most significant first. */
export function bitsOf(i: bigint, n: number): Bits {
  const out = new Uint8Array(n);
  for (let k = n - 1; k >= 0; k--, i >>= 1n) out[k] = Number(i & 1n);
  return out;
}

function firstDifference(a: Bits, b: Bits): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  throw new RangeError("fooling-set elements are not distinct");
}

const complement = (x: Bits): Bits => x.map((b) => 1 - b);

/** INDEX_n: Alice a in {0,1}^n, Bob i in [n], output a_i. One-way deterministic cost n (Fact 3). */
export function indexProblem(n: number): Problem<Bits, number> {
  return {
    name: "INDEX",
    n,
    evaluate: (a, i) => (a[i] ? 1 : 0),
    bound: { bits: n, protocols: "one-way", fact: "fact3" },
    foolingSet: { kind: "one-way", size: 1n << BigInt(n), at: (i) => bitsOf(i, n), distinguish: firstDifference },
  };
}

/** EQ_n: 1[x = y]. Fooling set {(x, x)}: 2^n elements, value 1, so n bits (Fact 2). */
export function eqProblem(n: number): Problem<Bits, Bits> {
  return {
    name: "EQ",
    n,
    evaluate: (x, y) => (x.every((b, i) => b === y[i]) ? 1 : 0),
    bound: { bits: n, protocols: "two-way", fact: "fact2" },
    foolingSet: {
      kind: "two-way",
      value: 1,
      size: 1n << BigInt(n),
      at: (i) => {
        const x = bitsOf(i, n);
        return [x, x] as const;
      },
      // EQ(x_a, x_b) = 0 for distinct elements: either crossed input works.
      cross: (a, b) => [a[0], b[1]] as const,
    },
  };
}

/** DISJ_n (paper: 1 when the sets intersect). Fooling set {(x, not x)}: value 0, 2^n elements, n bits (Fact 1). */
export function disjProblem(n: number): Problem<Bits, Bits> {
  const intersects = (x: Bits, y: Bits): 0 | 1 => (x.some((b, i) => b === 1 && y[i] === 1) ? 1 : 0);
  return {
    name: "DISJ",
    n,
    evaluate: intersects,
    bound: { bits: n, protocols: "two-way", fact: "fact1" },
    foolingSet: {
      kind: "two-way",
      value: 0,
      size: 1n << BigInt(n),
      at: (i) => {
        const x = bitsOf(i, n);
        return [x, complement(x)] as const;
      },
      // Where x_a has a 1 and x_b a 0, (x_a, not x_b) intersects; otherwise the other crossing does.
      cross: (a, b) => {
        const i = firstDifference(a[0], b[0]);
        return a[0][i] === 1 ? ([a[0], b[1]] as const) : ([b[0], a[1]] as const);
      },
    },
  };
}
