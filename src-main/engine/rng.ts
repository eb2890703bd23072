/**
 * Seeded random source with a serialisable state (sfc32), so a resumed run continues the exact
 * random stream. tfjs random ops (dropout, normal noise) take a seed drawn from here.
 */
export class Rng {
  private s: Uint32Array;

  constructor(seed: number | readonly number[]) {
    if (typeof seed === 'number') {
      this.s = new Uint32Array([0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0]);
      for (let i = 0; i < 15; i++) this.nextUint32(); // mix the seed in
    } else {
      this.s = Uint32Array.from(seed);
    }
  }

  nextUint32(): number {
    const s = this.s;
    const t = (((s[0]! + s[1]!) >>> 0) + s[3]!) >>> 0;
    s[3] = (s[3]! + 1) >>> 0;
    s[0] = s[1]! ^ (s[1]! >>> 9);
    s[1] = (s[2]! + (s[2]! << 3)) >>> 0;
    s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) >>> 0;
    s[2] = (s[2]! + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A seed for a tfjs random op. */
  seed(): number {
    return this.nextUint32();
  }

  /**
   * An independent stream for (`seed`, `index`), e.g. worker `index`'s dropout masks in one
   * data-parallel step, so a step's randomness does not depend on which thread draws first.
   */
  static stream(seed: number, index: number): Rng {
    const r = new Rng([seed >>> 0, index >>> 0, 0x6a09e667, 0xbb67ae85]);
    for (let i = 0; i < 15; i++) r.nextUint32(); // mix, as the number constructor does
    return r;
  }

  /** Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  state(): number[] {
    return Array.from(this.s);
  }
}
