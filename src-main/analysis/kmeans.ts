import { forEachDistanceBlock, matrix, type Matrix } from './matrix';
import { seededRandom } from '../core/random';

/**
 * Seeded K-means (k-means++ seeding, Lloyd iterations, blocked distances) for analyses that need a
 * clustering the engine did not store — item embeddings, or a stand-in representation when no run
 * exists. Training-time intent clustering is the engine's (docs/model.md §5); this is not used there.
 */
export interface KMeansResult {
  assignments: Int32Array;
  centroids: Matrix;
  iterations: number;
  inertia: number;
}

export interface KMeansOptions {
  seed?: number;
  maxIterations?: number;
  /** Independent seedings; the lowest-inertia result is kept (scikit-learn's n_init). */
  restarts?: number;
}

export function kmeans(X: Matrix, k: number, options: KMeansOptions = {}): KMeansResult {
  let best: KMeansResult | undefined;
  for (let r = 0; r < Math.max(1, options.restarts ?? 1); r++) {
    const result = lloyd(X, k, (options.seed ?? 1) + r * 7919, options.maxIterations ?? 100);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}

function lloyd(X: Matrix, k: number, seed: number, maxIterations: number): KMeansResult {
  const { rows: n, cols: d } = X;
  if (k < 1 || k > n) throw new Error(`K-means needs 1 ≤ k ≤ ${n} (got ${k})`);
  const random = seededRandom(seed);
  const centroids = matrix(k, d);
  // k-means++: each next centre drawn with probability ∝ squared distance to the nearest centre.
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    centroids.data.set(X.data.subarray(chosen * d, (chosen + 1) * d), c * d);
    const centre = matrix(1, d, centroids.data.subarray(c * d, (c + 1) * d));
    forEachDistanceBlock(centre, X, 'euclidean', (_a0, _a1, dist) => {
      for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i]!, dist[i]! ** 2);
    });
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i]!;
    let r = random() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) if ((r -= nearest[i]!) <= 0) {
      chosen = i;
      break;
    }
  }
  const assignments = new Int32Array(n).fill(-1);
  let iterations = 0;
  let inertia = 0;
  for (; iterations < maxIterations; iterations++) {
    let changed = 0;
    inertia = 0;
    forEachDistanceBlock(X, centroids, 'euclidean', (a0, a1, dist) => {
      for (let i = a0; i < a1; i++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (dist[(i - a0) * k + c]! < dist[(i - a0) * k + best]!) best = c;
        inertia += dist[(i - a0) * k + best]! ** 2;
        if (assignments[i] !== best) {
          assignments[i] = best;
          changed++;
        }
      }
    });
    if (changed === 0) break;
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignments[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) sums[c * d + j]! += X.data[i * d + j]!;
    }
    // An emptied cluster keeps its previous centre.
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let j = 0; j < d; j++) centroids.data[c * d + j] = sums[c * d + j]! / counts[c]!;
  }
  return { assignments, centroids, iterations, inertia };
}
