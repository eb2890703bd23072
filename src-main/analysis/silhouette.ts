import { forEachDistanceBlock, selectRows, type Matrix, type Metric } from './matrix';
import { sampleIndices } from '../core/random';

export interface SilhouetteOptions {
  metric?: Metric;
  /**
   * Exact silhouette is O(N²·D). Up to this many rows every point is used; above it a seeded uniform
   * sample of this size is scored against itself (as scikit-learn's `sample_size`), and the result
   * says so. 5,000 rows × 64 dims is a few seconds on one core.
   */
  maxExact?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface SilhouetteResult {
  /** Mean silhouette over all scored points, in [−1, 1]. */
  overall: number;
  /** Per cluster label 0..k−1: mean silhouette of its scored members (NaN when none was scored). */
  perCluster: { cluster: number; silhouette: number; scored: number }[];
  /** Points scored: all of them, or the sample. */
  scored: number;
  total: number;
  sampled: boolean;
  seed: number;
  metric: Metric;
}

const defaults = { metric: 'euclidean' as Metric, maxExact: 5000, seed: 1 };

/**
 * Silhouette of a clustering (Rousseeuw 1987), as scikit-learn defines it: a(i) = mean distance to
 * the other members of i's cluster, b(i) = smallest mean distance to another cluster,
 * s(i) = (b − a) / max(a, b), and s(i) = 0 for members of singleton clusters. Paper §8 reports it for
 * the K-means assignment of sequence representations.
 */
export function silhouette(X: Matrix, labels: ArrayLike<number>, k: number, options: SilhouetteOptions = {}): SilhouetteResult {
  const o = { ...defaults, ...options };
  if (labels.length !== X.rows) throw new Error(`${labels.length} labels for ${X.rows} rows`);
  const sampled = X.rows > o.maxExact;
  const idx = sampleIndices(X.rows, o.maxExact, o.seed);
  const Xs = sampled ? selectRows(X, idx) : X;
  const ls = Int32Array.from(idx, (i) => labels[i]!);
  const n = ls.length;
  const sizes = new Int32Array(k);
  for (const l of ls) {
    if (l < 0 || l >= k) throw new Error(`Label ${l} outside 0..${k - 1}`);
    sizes[l]!++;
  }
  const present = sizes.filter((s) => s > 0).length;
  if (present < 2) throw new Error(`Silhouette needs at least two non-empty clusters (got ${present})`);

  const s = new Float64Array(n);
  const sums = new Float64Array(k);
  forEachDistanceBlock(Xs, Xs, o.metric, (a0, a1, dist) => {
    if (o.signal?.aborted) throw new DOMException('Cancelled', 'AbortError');
    for (let i = a0; i < a1; i++) {
      sums.fill(0);
      const off = (i - a0) * n;
      for (let j = 0; j < n; j++) sums[ls[j]!]! += dist[off + j]!;
      const own = ls[i]!;
      if (sizes[own]! <= 1) {
        s[i] = 0;
        continue;
      }
      const a = sums[own]! / (sizes[own]! - 1);
      let b = Infinity;
      for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
      const m = Math.max(a, b);
      s[i] = m === 0 ? 0 : (b - a) / m;
    }
    o.onProgress?.(a1, n);
  });

  const clusterSum = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    clusterSum[ls[i]!]! += s[i]!;
    total += s[i]!;
  }
  return {
    overall: total / n,
    perCluster: Array.from(sizes, (size, c) => ({ cluster: c, silhouette: size ? clusterSum[c]! / size : NaN, scored: size })),
    scored: n,
    total: X.rows,
    sampled,
    seed: o.seed,
    metric: o.metric,
  };
}
