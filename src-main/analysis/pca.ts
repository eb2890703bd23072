import { matrix, type Matrix } from './matrix';
import { normalRandom, seededRandom } from '../core/random';

export interface PcaResult {
  /** rows × components scores (the 2-D map for components = 2). */
  projection: Matrix;
  /** components × cols unit vectors, strongest first. */
  components: Matrix;
  /** Variance along each component. */
  explainedVariance: Float64Array;
  /** Share of the total variance along each component. */
  explainedVarianceRatio: Float64Array;
  mean: Float64Array;
}

/**
 * PCA by block power (subspace) iteration on the centred data, X_cᵀ(X_c V), from a seeded start with
 * six extra vectors for faster convergence: O(N·D) per iteration, never forming the D×D covariance
 * (semantic embeddings can be 1,024-d). Signs are fixed so each component's largest-magnitude
 * loading is positive, which makes maps deterministic.
 */
export function pca(X: Matrix, components = 2, options: { seed?: number; maxIterations?: number; tolerance?: number } = {}): PcaResult {
  const { rows: n, cols: d, data } = X;
  const q = Math.min(d, components + 6);
  const seed = options.seed ?? 1;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) mean[c]! += data[i * d + c]!;
  for (let c = 0; c < d; c++) mean[c]! /= Math.max(1, n);
  const centred = new Float64Array(n * d);
  let totalVariance = 0;
  for (let i = 0; i < n * d; i++) {
    centred[i] = data[i]! - mean[i % d]!;
    totalVariance += centred[i]! * centred[i]!;
  }
  totalVariance /= Math.max(1, n - 1);

  const normal = normalRandom(seededRandom(seed));
  let V = Float64Array.from({ length: d * q }, () => normal()); // d × q, column-major by vector
  orthonormalize(V, d, q);
  const XV = new Float64Array(n * q);
  const eig = new Float64Array(q);
  for (let it = 0; it < (options.maxIterations ?? 300); it++) {
    // XV = Xc · V  (n × q)
    XV.fill(0);
    for (let i = 0; i < n; i++) for (let v = 0; v < q; v++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += centred[i * d + c]! * V[v * d + c]!;
      XV[i * q + v] = s;
    }
    // W = Xcᵀ · XV  (d × q)
    const W = new Float64Array(d * q);
    for (let i = 0; i < n; i++) for (let v = 0; v < q; v++) {
      const s = XV[i * q + v]!;
      for (let c = 0; c < d; c++) W[v * d + c]! += centred[i * d + c]! * s;
    }
    for (let v = 0; v < q; v++) {
      let r = 0;
      for (let c = 0; c < d; c++) r += V[v * d + c]! * W[v * d + c]!;
      eig[v] = r / Math.max(1, n - 1);
    }
    orthonormalize(W, d, q);
    let change = 0;
    for (let v = 0; v < components; v++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += W[v * d + c]! * V[v * d + c]!;
      change = Math.max(change, 1 - Math.abs(dot));
    }
    V = W;
    if (change < (options.tolerance ?? 1e-10)) break;
  }
  // Rayleigh–Ritz on the converged subspace is unnecessary for the top few well-separated components;
  // ordering by the estimated eigenvalues guards against an occasional swap.
  const order = Array.from({ length: q }, (_, v) => v).sort((a, b) => eig[b]! - eig[a]!).slice(0, components);
  const comps = matrix(components, d);
  order.forEach((v, r) => {
    let big = 0;
    for (let c = 0; c < d; c++) if (Math.abs(V[v * d + c]!) > Math.abs(big)) big = V[v * d + c]!;
    const sign = big < 0 ? -1 : 1;
    for (let c = 0; c < d; c++) comps.data[r * d + c] = sign * V[v * d + c]!;
  });
  const projection = matrix(n, components);
  for (let i = 0; i < n; i++) for (let r = 0; r < components; r++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += centred[i * d + c]! * comps.data[r * d + c]!;
    projection.data[i * components + r] = s;
  }
  const explainedVariance = Float64Array.from(order, (v) => eig[v]!);
  return {
    projection,
    components: comps,
    explainedVariance,
    explainedVarianceRatio: explainedVariance.map((e) => (totalVariance ? e / totalVariance : 0)),
    mean,
  };
}

/** Modified Gram–Schmidt on q column vectors of length d stored one after another. */
function orthonormalize(V: Float64Array, d: number, q: number): void {
  for (let v = 0; v < q; v++) {
    // A degenerate direction (rank-deficient data) is replaced by basis vectors until one is independent.
    for (let attempt = 0; attempt <= d; attempt++) {
      for (let u = 0; u < v; u++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += V[v * d + c]! * V[u * d + c]!;
        for (let c = 0; c < d; c++) V[v * d + c]! -= dot * V[u * d + c]!;
      }
      let norm = 0;
      for (let c = 0; c < d; c++) norm += V[v * d + c]! ** 2;
      norm = Math.sqrt(norm);
      if (norm > 1e-12) {
        for (let c = 0; c < d; c++) V[v * d + c]! /= norm;
        break;
      }
      for (let c = 0; c < d; c++) V[v * d + c] = c === (v + attempt) % d ? 1 : 0;
    }
  }
}
