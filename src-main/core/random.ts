/**
 * Seeded randomness for everything sampled or initialised outside training (the demo catalogue, a
 * map, a silhouette sample), so each is reproducible from its seed. Training uses the engine's
 * `Rng`, whose state is saved in checkpoints.
 */

/** mulberry32: a small, fast 32-bit generator; returns uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers by Box–Muller from a uniform source. */
export function normalRandom(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * `size` distinct indices out of 0..total-1, chosen uniformly with the seed and returned in
 * ascending order (so sampled rows keep their original order). `size >= total` returns all.
 */
export function sampleIndices(total: number, size: number, seed: number): Int32Array {
  if (size >= total) return Int32Array.from({ length: total }, (_, i) => i);
  const random = seededRandom(seed);
  // Partial Fisher–Yates over an index permutation: O(total) memory, O(size) swaps.
  const perm = Int32Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (total - i));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm.slice(0, size).sort();
}
