/**
 * Every correctly rounded transcendental against the independent big.js reference (transcendental-reference.ts), in
 * float64, float32, float16, bfloat16 and fixed point down to a 2^-52 grid (fixed:0.52; fixed:1.52 would be 54 bits,
 * more than a format may have, so fixed:1.51 is the finest with an integer bit), floor and nearest. Arguments, per
 * function and format, from a seeded Rng (the seed is printed with every failure): typical values (normal, of a
 * width suited to the function), values spread over all exponents, values whose image is next to a rounding boundary
 * (a grid point of the output format for floor, a midpoint for nearest: the boundary nearest f(x0), inverted by
 * Newton's method in binary64, then the argument and its neighbours in the input format), and the special values.
 * The slow path is tested twice: on the arguments where it ran during a large random batch, and directly (its exact
 * enclosure decided on random arguments, whatever the fast path would have said).
 */
import Big from "big.js";
import { describe, expect, it } from "vitest";
import { parseFormat } from "../../src/numeric/parse.js";
import type { NumberFormat } from "../../src/numeric/format.js";
import type { FixedFormat } from "../../src/numeric/fixed.js";
import { targetFor, type RoundingTarget } from "../../src/numeric/round-target.js";
import { expLogEnclosures, expRounded, logRounded, softplusRounded } from "../../src/numeric/exp-log.js";
import { logisticEnclosures, sigmoidRounded, siluRounded, tanhRounded } from "../../src/numeric/logistic.js";
import { erfRounded, geluEnclosures, geluRounded, geluTanhRounded } from "../../src/numeric/gelu.js";
import { cosRounded, sinRounded, trigEnclosures } from "../../src/numeric/trig.js";
import { decideExactly, slowPathStats } from "../../src/numeric/slow-path.js";
import { arithFor } from "../../src/numeric/arith.js";
import { Rng } from "../../src/random.js";
import type { Iv } from "../../src/numeric/interval.js";
import * as R from "./transcendental-reference.js";

type Fn = "exp" | "tanh" | "sigmoid" | "softplus" | "silu" | "log" | "erf" | "gelu" | "geluTanh" | "sin" | "cos";

interface Spec {
  ours(x: number, t: RoundingTarget): number;
  ref(x: Big): Big;
  exact(x: number, p: number): Iv;
  /** The spread of typical arguments. */
  width: number;
  /** Arguments must be > 0. */
  positive?: boolean;
}

const FUNCTIONS: Record<Fn, Spec> = {
  exp: { ours: expRounded, ref: R.expBig, exact: expLogEnclosures.exp, width: 12 },
  tanh: { ours: tanhRounded, ref: R.tanhBig, exact: logisticEnclosures.tanh, width: 4 },
  sigmoid: { ours: sigmoidRounded, ref: R.sigmoidBig, exact: logisticEnclosures.sigmoid, width: 12 },
  softplus: { ours: softplusRounded, ref: R.softplusBig, exact: expLogEnclosures.softplus, width: 12 },
  silu: { ours: siluRounded, ref: R.siluBig, exact: logisticEnclosures.silu, width: 12 },
  log: { ours: logRounded, ref: R.logBig, exact: expLogEnclosures.log, width: 8, positive: true },
  erf: { ours: erfRounded, ref: R.erfBig, exact: geluEnclosures.erf, width: 3 },
  gelu: { ours: geluRounded, ref: R.geluBig, exact: geluEnclosures.gelu, width: 8 },
  geluTanh: { ours: geluTanhRounded, ref: R.geluTanhBig, exact: geluEnclosures.geluTanh, width: 8 },
  sin: { ours: sinRounded, ref: R.sinBig, exact: trigEnclosures.sin, width: 8 },
  cos: { ours: cosRounded, ref: R.cosBig, exact: trigEnclosures.cos, width: 8 },
};
const NAMES = Object.keys(FUNCTIONS) as Fn[];

const FORMATS = [
  "float64",
  "float32",
  "float16",
  "bfloat16",
  "fixed:0.52",
  "fixed:1.51",
  "fixed:1.51:nearest",
  "fixed:1.50",
  "fixed:7.8",
  "fixed:7.8:nearest",
  "fixed:3.4",
];

/** Reference values by function and argument: the real value does not depend on the output format. */
const refCache = new Map<string, Big>();
function refValue(fn: Fn, x: number): Big {
  const key = `${fn}:${x}`;
  let v = refCache.get(key);
  if (v === undefined) refCache.set(key, (v = FUNCTIONS[fn].ref(R.bigOf(x))));
  return v;
}

/** The reference's rounding of f(x) in the format, or undefined when the reference itself cannot decide. */
function expected(fn: Fn, x: number, format: NumberFormat): number | undefined {
  try {
    return R.roundRef(refValue(fn, x), format);
  } catch (e) {
    if (e instanceof R.ReferenceUndecided) return undefined;
    throw e;
  }
}

const same = (a: number, b: number) => Object.is(a, b);
const baseSeed = (fn: Fn, format: string) =>
  [...`${fn}/${format}`].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 14);

function gaussian(rng: Rng): number {
  const u = Math.max(rng.float(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** x and its k neighbours each way in the format (by codes; non-finite codes left out). */
function neighbours(x: number, format: NumberFormat, k: number): number[] {
  const out = [x];
  const code = format.encode(x);
  const top = 1n << BigInt(format.bits);
  for (let i = 1n; i <= BigInt(k); i++)
    for (const c of [code - i, code + i]) {
      const v = format.decode(((c % top) + top) % top);
      if (Number.isFinite(v)) out.push(v);
    }
  return out;
}

/** The rounding boundary of `format` nearest y: a grid point (floor) or the midpoint of y's two neighbours. */
function boundaryNear(y: number, format: NumberFormat): number {
  if (format.kind === "fixed") {
    const f = format as FixedFormat;
    const q = 2 ** -f.fracBits;
    return f.rounding === "floor" ? Math.round(y / q) * q : (Math.floor(y / q) + 0.5) * q;
  }
  const r = format.round(y);
  if (!Number.isFinite(r)) return y;
  const code = format.encode(r);
  const other = format.decode(y > r ? code + (r < 0 || Object.is(r, -0) ? -1n : 1n) : code + (r <= 0 ? 1n : -1n));
  return Number.isFinite(other) ? (r + other) / 2 : y;
}

/** Arguments of f whose image is next to a rounding boundary of `format` (see the file's comment). */
function nearBoundary(fn: Fn, format: NumberFormat, rng: Rng): number[] {
  const f64 = targetFor(parseFormat("float64"));
  const spec = FUNCTIONS[fn];
  let x = spec.width * gaussian(rng);
  if (spec.positive) x = Math.abs(x) + 0.01;
  const y = boundaryNear(spec.ours(x, f64), format);
  for (let i = 0; i < 6; i++) {
    const h = Math.max(Math.abs(x) * 2 ** -26, 2 ** -40);
    const d = (spec.ours(x + h, f64) - spec.ours(x - h, f64)) / (2 * h);
    if (!(Math.abs(d) > 1e-300)) break;
    const step = (spec.ours(x, f64) - y) / d;
    if (!Number.isFinite(step)) break;
    x -= step;
    if (spec.positive && x <= 0) x = 1e-3;
  }
  const r = format.round(x);
  return Number.isFinite(r) ? neighbours(r, format, 1).filter((v) => !spec.positive || v > 0) : [];
}

function typical(fn: Fn, format: NumberFormat, rng: Rng): number {
  const spec = FUNCTIONS[fn];
  const x = spec.width * gaussian(rng);
  return format.round(spec.positive ? Math.abs(x) + 2 ** -20 : x);
}

/** Spread over exponents: ±m 2^e with e from -60 (-1074 for float64) to 12. */
function spread(fn: Fn, format: NumberFormat, rng: Rng): number {
  const lowest = format.name === "float64" ? -1070 : -60;
  const e = lowest + rng.int(12 - lowest);
  const x = (1 + rng.float()) * 2 ** e * (rng.int(2) === 0 ? -1 : 1);
  return format.round(FUNCTIONS[fn].positive ? Math.abs(x) : x);
}

interface Failure {
  fn: Fn;
  format: string;
  seed: number;
  kind: string;
  x: number;
  got: number;
  want: number;
}

function check(fn: Fn, format: NumberFormat, seed: number, kind: string, xs: number[], failures: Failure[]): number {
  const t = targetFor(format);
  let checked = 0;
  for (const x of xs) {
    if (!Number.isFinite(x) || x === 0) continue;
    const want = expected(fn, x, format);
    if (want === undefined) continue;
    const got = FUNCTIONS[fn].ours(x, t);
    checked++;
    if (!same(got, want)) failures.push({ fn, format: format.name, seed, kind, x, got, want });
  }
  return checked;
}

const report = (failures: Failure[]) =>
  failures
    .slice(0, 10)
    .map((f) => `${f.fn} ${f.format} seed ${f.seed} (${f.kind}): f(${f.x}) = ${f.got}, expected ${f.want}`)
    .join("\n");

describe("the issue's example", () => {
  it("fixed:1.50 tanh(1.972044521591707) floors the true value: code ...0c, not binary64's ...0d", () => {
    const f = parseFormat("fixed:1.50");
    const x = f.round(1.972044521591707);
    expect(f.encode(arithFor(f).tanh(x)).toString(16)).toBe("3d91617ff6c0c");
    // tanh(x) 2^50 = 1083113845255180.96...: its floor, by the reference.
    expect(R.tanhBig(R.bigOf(x)).times(R.pow2Big(50)).toFixed(2)).toBe("1083113845255180.96");
  });
});

describe.each(FORMATS)("%s", (name) => {
  const format = parseFormat(name);
  it.each(NAMES)("%s equals the reference's rounding (typical, spread and near-boundary arguments)", (fn) => {
    const seed = baseSeed(fn, name);
    const rng = new Rng(seed);
    const failures: Failure[] = [];
    let n = 0;
    n += check(
      fn,
      format,
      seed,
      "typical",
      Array.from({ length: 6 }, () => typical(fn, format, rng)),
      failures,
    );
    n += check(
      fn,
      format,
      seed,
      "spread",
      Array.from({ length: 3 }, () => spread(fn, format, rng)),
      failures,
    );
    for (let i = 0; i < 2; i++)
      n += check(fn, format, seed, "near a boundary", nearBoundary(fn, format, rng), failures);
    expect(failures, report(failures)).toEqual([]);
    expect(n).toBeGreaterThanOrEqual(9);
  });
});

describe("the slow path", () => {
  it("decides exactly on random arguments of every function, in float64, float16 and fixed:1.51:nearest", () => {
    const failures: Failure[] = [];
    for (const name of ["float64", "float16", "fixed:1.51:nearest", "fixed:0.52"]) {
      const format = parseFormat(name);
      const t = targetFor(format);
      for (const fn of NAMES) {
        const seed = baseSeed(fn, name) ^ 0x5eed;
        const rng = new Rng(seed);
        for (let i = 0; i < 3; i++) {
          // The slow path only ever sees arguments the fast path could not place; far beyond the functions' bends
          // (|x| > 40) the fast path answers by the sign and a bound, so draw within that range.
          const x =
            i === 2 ? format.round(Math.min(Math.max(spread(fn, format, rng), -40), 40)) : typical(fn, format, rng);
          if (x === 0 || !Number.isFinite(x)) continue;
          const want = expected(fn, x, format);
          if (want === undefined) continue;
          const sign =
            fn === "sin" || fn === "cos"
              ? Number(refValue(fn, x).s)
              : fn === "log"
                ? Math.sign(x - 1)
                : ["exp", "sigmoid", "softplus"].includes(fn)
                  ? 1
                  : Math.sign(x);
          const got = decideExactly((p) => FUNCTIONS[fn].exact(x, p), 64, t, fn, sign);
          if (!same(got, want)) failures.push({ fn, format: name, seed, kind: "slow path", x, got, want });
        }
      }
    }
    expect(failures, report(failures)).toEqual([]);
  });

  it("gives the reference's value wherever it ran in a batch of 4000 random arguments per function and format", () => {
    // The fast paths' bounds leave about 2^-13 of binary64 cases (and fewer for narrower formats) to the slow path;
    // the batch is large enough to meet some, and every one met is checked.
    const failures: Failure[] = [];
    let met = 0;
    for (const name of ["float64", "fixed:0.52", "fixed:1.51"]) {
      const format = parseFormat(name);
      const t = targetFor(format);
      for (const fn of NAMES) {
        const seed = baseSeed(fn, name) ^ 0xba7c;
        const rng = new Rng(seed);
        const slow: number[] = [];
        for (let i = 0; i < 4000 && slow.length < 4; i++) {
          const x = i % 5 === 4 ? spread(fn, format, rng) : typical(fn, format, rng);
          const before = slowPathStats.calls;
          FUNCTIONS[fn].ours(x, t);
          if (slowPathStats.calls > before) slow.push(x);
        }
        met += slow.length;
        check(fn, format, seed, "met the slow path", slow, failures);
      }
    }
    expect(failures, report(failures)).toEqual([]);
    expect(met).toBeGreaterThan(0);
  });
});

describe("special values", () => {
  const f64 = targetFor(parseFormat("float64"));
  const f16 = targetFor(parseFormat("float16"));
  const fx = targetFor(parseFormat("fixed:3.4"));
  it("NaN stays NaN; the zeros, infinities and limits are as documented", () => {
    for (const fn of NAMES) expect(FUNCTIONS[fn].ours(NaN, f64)).toBeNaN();
    const table: [Fn, number, number][] = [
      ["exp", 0, 1],
      ["exp", -0, 1],
      ["exp", Infinity, Infinity],
      ["exp", -Infinity, 0],
      ["tanh", -0, -0],
      ["tanh", Infinity, 1],
      ["tanh", -Infinity, -1],
      ["sigmoid", -0, 0.5],
      ["sigmoid", Infinity, 1],
      ["sigmoid", -Infinity, 0],
      ["softplus", Infinity, Infinity],
      ["softplus", -Infinity, 0],
      ["silu", -0, -0],
      ["silu", Infinity, Infinity],
      ["silu", -Infinity, -0],
      ["log", 1, 0],
      ["log", 0, -Infinity],
      ["log", -0, -Infinity],
      ["log", Infinity, Infinity],
      ["log", -1, NaN],
      ["erf", -0, -0],
      ["erf", Infinity, 1],
      ["erf", -Infinity, -1],
      ["gelu", -0, -0],
      ["gelu", Infinity, Infinity],
      ["gelu", -Infinity, -0],
      ["geluTanh", -0, -0],
      ["geluTanh", -Infinity, -0],
      ["sin", 0, 0],
      ["sin", -0, -0],
      ["sin", Infinity, NaN],
      ["sin", -Infinity, NaN],
      ["cos", 0, 1],
      ["cos", -0, 1],
      ["cos", Infinity, NaN],
      ["cos", -Infinity, NaN],
    ];
    for (const [fn, x, want] of table) expect(FUNCTIONS[fn].ours(x, f64), `${fn}(${x})`).toBe(want);
  });

  it("overflow to infinity, subnormal results and signed zeros from underflow (float64, float16)", () => {
    expect(expRounded(709.7827128933841, f64)).toBe(Infinity); // just past ln(max + ulp/2)
    expect(expRounded(709.782712893384, f64)).toBe(1.7976931348622732e308);
    expect(expRounded(11.09, f16)).toBe(65504);
    expect(expRounded(11.1, f16)).toBe(Infinity);
    expect(expRounded(-745.1, f64)).toBe(5e-324); // e^-745.1 = 2^-1074.96: above half the least subnormal
    expect(expRounded(-745.2, f64)).toBe(0);
    expect(Object.is(siluRounded(-800, f64), -0)).toBe(true);
    expect(Object.is(geluRounded(-40, f64), -0)).toBe(true);
    expect(Object.is(tanhRounded(-1e-320, f64), -1e-320)).toBe(true);
    const subnormals: [Fn, number][] = [
      ["exp", -740],
      ["sigmoid", -720],
      ["silu", -730],
      ["softplus", -740],
      ["gelu", -37.5],
      ["erf", 1e-310],
      ["geluTanh", -1e-310],
      ["exp", -16],
    ];
    const failures: Failure[] = [];
    for (const [fn, x] of subnormals)
      for (const t of [f64, f16]) {
        const want = expected(fn, x, t.format);
        if (want !== undefined && !same(FUNCTIONS[fn].ours(x, t), want))
          failures.push({
            fn,
            format: t.format.name,
            seed: 0,
            kind: "subnormal",
            x,
            got: FUNCTIONS[fn].ours(x, t),
            want,
          });
      }
    expect(failures, report(failures)).toEqual([]);
    expect(expRounded(-740, f64)).toBeLessThan(2 ** -1022); // a subnormal result indeed
  });

  it("tanh below 2^-30: the least subnormals (once NaN) and midpoints of float32, float16 and bfloat16 (once rounded as if exact)", () => {
    // tanh(x) is just inside x toward 0: at a midpoint of a format it goes to the neighbour toward 0, which is not
    // always the even one (1 + 3 2^-24 lies between 1 + 2^-23, odd, and 1 + 2^-22, even).
    const points = [5e-324, 1e-323, 1.5e-323, 2 ** -1022, 2 ** -1000];
    for (const [e, bits] of [
      [-40, 24],
      [-31, 24],
      [-100, 11],
      [-31, 8],
      [-130, 24],
      [-140, 24],
    ] as const)
      for (const k of [1, 3, 5]) points.push(2 ** e * (1 + k * 2 ** -bits));
    const failures: Failure[] = [];
    for (const name of ["float64", "float32", "float16", "bfloat16"]) {
      const t = targetFor(parseFormat(name));
      for (const p of points)
        for (const x of [p, -p]) {
          const want = expected("tanh", x, t.format);
          const got = tanhRounded(x, t);
          if (want === undefined || !same(got, want))
            failures.push({ fn: "tanh", format: name, seed: 0, kind: "tiny", x, got, want: want ?? NaN });
        }
    }
    expect(failures, report(failures)).toEqual([]);
  });

  it("fixed point saturates (max, min), floors values just below 1 to the grid point below, has no -0", () => {
    expect(expRounded(100, fx)).toBe(7.9375);
    expect(logRounded(0, fx)).toBe(-8);
    expect(logRounded(-1, fx)).toBe(-8); // ccbound's choice: fixed point has no NaN
    expect(tanhRounded(30, fx)).toBe(0.9375);
    expect(tanhRounded(-30, fx)).toBe(-1);
    expect(sigmoidRounded(50, fx)).toBe(0.9375);
    expect(Object.is(tanhRounded(-0, fx), 0)).toBe(true);
    expect(Object.is(siluRounded(-0, fx), 0)).toBe(true);
    expect(siluRounded(-0.0625, fx)).toBe(-0.0625); // silu(-1/16) = -0.0307: floors to -1/16
    expect(geluRounded(-30, fx)).toBe(-0.0625); // a tiny negative value floors to the grid point below 0
    const nearest = targetFor(parseFormat("fixed:3.4:nearest"));
    expect(tanhRounded(30, nearest)).toBe(1);
    expect(geluRounded(-30, nearest)).toBe(0);
    expect(Object.is(geluRounded(-30, nearest), 0)).toBe(true);
  });

  it("the results of every function in every tested format are values of the format", () => {
    for (const name of FORMATS) {
      const format = parseFormat(name);
      const t = targetFor(format);
      for (const fn of NAMES)
        for (const x of [-1e300, -700, -30, -1.5, -(2 ** -40), 2 ** -40, 0.75, 3, 40, 1e300])
          if (!FUNCTIONS[fn].positive || x > 0) {
            const v = FUNCTIONS[fn].ours(format.round(x), t);
            expect(v !== v || format.isRepresentable(v), `${fn}(${x}) in ${name} = ${v}`).toBe(true);
          }
    }
  });
});

describe("sin and cos of large arguments (the reduction by pi/2 is exact for every binary64)", () => {
  it("equal the reference's rounding at huge, near-multiple-of-pi/2 and extreme binary64 arguments", () => {
    const seed = 0x51c05;
    const rng = new Rng(seed);
    const xs = [
      1e22,
      1.7976931348623157e308,
      -1.7976931348623157e308,
      6381956970095103 * 2 ** 797, // the binary64 closest to a multiple of pi/2 (|x mod pi/2| ~ 2^-61)
      5 * 2 ** 1020,
      2 ** 20,
      2 ** 20 - 2 ** -32, // either side of the switch from Cody-Waite to Payne-Hanek
      355,
      103993,
      1.5707963267948966,
      3.141592653589793,
    ];
    for (let i = 0; i < 6; i++) xs.push((rng.float() * 2 - 1) * 2 ** (20 + rng.int(1000)));
    const failures: Failure[] = [];
    for (const name of ["float64", "float32", "bfloat16", "fixed:1.51"]) {
      const format = parseFormat(name);
      const t = targetFor(format);
      for (const fn of ["sin", "cos"] as const)
        for (const x of xs) {
          const want = expected(fn, x, format);
          if (want === undefined) continue;
          const got = FUNCTIONS[fn].ours(x, t);
          if (!same(got, want)) failures.push({ fn, format: name, seed, kind: "large", x, got, want });
        }
    }
    expect(failures, report(failures)).toEqual([]);
  });

  it("the slow path's exact reduction decides huge arguments too (forced, whatever the fast path would say)", () => {
    const failures: Failure[] = [];
    for (const name of ["float64", "float16"]) {
      const format = parseFormat(name);
      const t = targetFor(format);
      for (const fn of ["sin", "cos"] as const)
        for (const x of [1e22, -1.7976931348623157e308, 6381956970095103 * 2 ** 797, 2 ** 20 + 0.5]) {
          const want = expected(fn, x, format);
          if (want === undefined) continue;
          const got = decideExactly((p) => FUNCTIONS[fn].exact(x, p), 64, t, fn, Number(refValue(fn, x).s));
          if (!same(got, want)) failures.push({ fn, format: name, seed: 0, kind: "slow path, huge", x, got, want });
        }
    }
    expect(failures, report(failures)).toEqual([]);
  });

  it("the near-multiples of pi/2 are what the reduction must get right: sin(6381956970095103 2^797) ~ 4.69e-19", () => {
    const f64 = targetFor(parseFormat("float64"));
    const c = cosRounded(6381956970095103 * 2 ** 797, f64);
    expect(c).toBeCloseTo(-4.687165924254628e-19, 30);
    expect(Object.is(c, expected("cos", 6381956970095103 * 2 ** 797, f64.format))).toBe(true);
  });
});

/** The reference's own check: its value of pi and ln 2 (independent series) against known digits. */
describe("the reference", () => {
  it("has pi and ln 2 right to 40 digits", () => {
    expect(R.pi().toFixed(40)).toBe("3.1415926535897932384626433832795028841972");
    expect(R.ln2().toFixed(40)).toBe("0.6931471805599453094172321214581765680755");
  });
});
