/**
 * The one source of randomness: a seeded generator (sfc32, seeded by splitmix32), so the same seed gives the same bytes.
 * Seeds are 32-bit unsigned integers; they are printed with every verdict and stored in certificates.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(
    readonly seed: number,
    /** A second word of state: `Rng.keyed` gives every (key, index) pair its own stream. */
    index = 0,
  ) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next() ^ Math.imul(index >>> 0, 0x2545f491);
    this.d = next() ^ Math.floor(index / 2 ** 32);
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /**
   * The generator of draw `index` (0 <= index < 2^53) of the stream `key`: a function of the two alone, so draw k of a
   * search can be made by any worker or job without the draws before it. Distinct pairs give distinct initial states
   * (the index enters two state words injectively), unlike seeding with a 32-bit mix of both.
   */
  static keyed(key: number, index: number): Rng {
    return new Rng(key, index);
  }

  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    return ((this.uint32() >>> 5) * 67108864 + (this.uint32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n), n <= 2^32, without modulo bias. */
  int(n: number): number {
    if (!(n >= 1 && n <= 2 ** 32 && Number.isInteger(n))) throw new RangeError(`Rng.int: bad bound ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform k-element ordered sample from [0, n) without repetition (partial Fisher-Yates). */
  sample(n: number, k: number): number[] {
    const pool = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + this.int(n - i);
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, k);
  }
}

/** A fresh seed for when the user gives none: still printed, so the run can be replayed. */
export function freshSeed(): number {
  return (Date.now() ^ (Math.random() * 2 ** 32)) >>> 0;
}
