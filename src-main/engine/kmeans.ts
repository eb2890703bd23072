/**
 * K-means as InDiRec runs it through faiss (docs/model.md §5): Lloyd iterations with exact L2,
 * `niter` iterations per pass, `nredo` passes keeping the best objective, seeded, training on at
 * most K·maxPointsPerCentroid sampled points, empty clusters re-seeded by splitting a large one
 * (as faiss does), and warm start: given the previous centroids, every pass continues from them.
 * Distances are matrix products: ‖x‖² − 2·x·cᵀ + ‖c‖² (see `assignNearest`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { matMul } from './kernels';
import { Rng } from './rng';

export interface KMeansOptions {
  k: number;
  iterations: number;
  redo: number;
  seed: number;
  maxPointsPerCentroid: number;
  /** Warm start (previous epoch's centroids, row-major k×d). */
  initial?: Float32Array;
  chunkRows?: number;
}

export interface KMeansResult {
  centroids: Float32Array; // k×d
  assignments: Int32Array; // for every input row
  sizes: Int32Array;
  /** Sum of squared distances of the training points to their centroids. */
  objective: number;
}

/** Rows of X in the augmented form [x, 1] (uploaded chunks) with their squared norms; reusable across iterations. */
export interface PreparedRows {
  n: number;
  d: number;
  chunks: { start: number; rows: number; xs: tf.Tensor2D; xNorm: Float64Array }[];
  dispose(): void;
}

/**
 * Builds the [x, 1] chunks once: K-means assigns the same training points every iteration of every
 * pass, and building and uploading them was ~12 of the ~21 ms per 16,384-row chunk.
 */
export function prepareRows(x: Float32Array, n: number, d: number, chunkRows = 16384): PreparedRows {
  const chunks: PreparedRows['chunks'] = [];
  for (let start = 0; start < n; start += chunkRows) {
    const rows = Math.min(chunkRows, n - start);
    const xs = new Float32Array(rows * (d + 1));
    const xNorm = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      let norm = 0;
      for (let j = 0; j < d; j++) {
        const v = x[(start + r) * d + j]!;
        xs[r * (d + 1) + j] = v;
        norm += v * v;
      }
      xs[r * (d + 1) + d] = 1;
      xNorm[r] = norm;
    }
    chunks.push({ start, rows, xs: tf.tensor2d(xs, [rows, d + 1]), xNorm });
  }
  return { n, d, chunks, dispose: () => chunks.forEach((c) => c.xs.dispose()) };
}

/**
 * Nearest centroid of each prepared row and the squared distance to it. One product per chunk:
 * [x, 1]·[cᵀ; −‖c‖²/2] = x·c − ‖c‖²/2, whose arg-max is the nearest centroid (no broadcast ops,
 * which are slow on wasm); the distance is ‖x‖² − 2·max.
 */
export function assignPrepared(prepared: PreparedRows, centroids: Float32Array, k: number): { labels: Int32Array; dist: Float64Array } {
  const { n, d } = prepared;
  const labels = new Int32Array(n);
  const dist = new Float64Array(n);
  const aug = new Float32Array((d + 1) * k); // [d+1, k]
  for (let c = 0; c < k; c++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const v = centroids[c * d + j]!;
      aug[j * k + c] = v;
      norm += v * v;
    }
    aug[d * k + c] = -norm / 2;
  }
  const cAug = tf.tensor2d(aug, [d + 1, k]);
  try {
    for (const { start, rows, xs, xNorm } of prepared.chunks) {
      const [lab, best] = tf.tidy(() => {
        const score = matMul(xs, cAug);
        return [tf.argMax(score, 1), tf.max(score, 1)];
      });
      labels.set(lab!.dataSync() as Int32Array, start);
      const b = best!.dataSync() as Float32Array;
      for (let r = 0; r < rows; r++) dist[start + r] = Math.max(0, xNorm[r]! - 2 * b[r]!);
      tf.dispose([lab!, best!]);
    }
  } finally {
    cAug.dispose();
  }
  return { labels, dist };
}

/** Nearest centroid of each row of X (n×d) and the squared distance to it (see `assignPrepared`). */
export function assignNearest(x: Float32Array, n: number, d: number, centroids: Float32Array, k: number, chunkRows = 16384): { labels: Int32Array; dist: Float64Array } {
  const prepared = prepareRows(x, n, d, chunkRows);
  try {
    return assignPrepared(prepared, centroids, k);
  } finally {
    prepared.dispose();
  }
}

function updateCentroids(x: Float32Array, n: number, d: number, labels: Int32Array, k: number, previous: Float32Array, rng: Rng): Float32Array {
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    const xo = i * d;
    const co = c * d;
    for (let j = 0; j < d; j++) sums[co + j]! += x[xo + j]!;
  }
  const out = new Float32Array(k * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) out[c * d + j] = counts[c]! ? sums[c * d + j]! / counts[c]! : previous[c * d + j]!;
  // faiss: an empty cluster takes a copy of a large cluster's centroid (chosen with probability
  // proportional to size), and the two are pushed apart symmetrically by a relative 1/1024.
  for (let c = 0; c < k; c++) {
    if (counts[c]) continue;
    let pick = 0;
    for (let r = rng.next() * n; ; pick = (pick + 1) % k) {
      r -= counts[pick]!;
      if (r < 0 && counts[pick]! > 1) break;
    }
    for (let j = 0; j < d; j++) {
      const v = out[pick * d + j]!;
      const sign = j % 2 === 0 ? 1 : -1;
      out[c * d + j] = v * (1 + (sign * 1) / 1024);
      out[pick * d + j] = v * (1 - (sign * 1) / 1024);
    }
    counts[c] = counts[pick]! >> 1;
    counts[pick] = counts[pick]! - counts[c]!;
  }
  return out;
}

export function kmeans(x: Float32Array, n: number, d: number, options: KMeansOptions): KMeansResult {
  const { k, iterations, redo, maxPointsPerCentroid } = options;
  if (n < k) throw new Error(`K-means needs at least k = ${k} points, got ${n}`);
  const rng = new Rng(options.seed);
  // Training subsample (faiss: at most k·maxPointsPerCentroid points).
  let train = x;
  let m = n;
  if (n > k * maxPointsPerCentroid) {
    m = k * maxPointsPerCentroid;
    const perm = rng.permutation(n);
    train = new Float32Array(m * d);
    for (let i = 0; i < m; i++) train.set(x.subarray(perm[i]! * d, perm[i]! * d + d), i * d);
  }
  let best: { centroids: Float32Array; objective: number } | undefined;
  let start = options.initial;
  const prepared = prepareRows(train, m, d, options.chunkRows);
  try {
    for (let pass = 0; pass < redo; pass++) {
      let centroids: Float32Array;
      if (start) centroids = Float32Array.from(start);
      else {
        const perm = rng.permutation(m);
        centroids = new Float32Array(k * d);
        for (let c = 0; c < k; c++) centroids.set(train.subarray(perm[c]! * d, perm[c]! * d + d), c * d);
      }
      let objective = Infinity;
      for (let it = 0; it < iterations; it++) {
        const { labels, dist } = assignPrepared(prepared, centroids, k);
        objective = dist.reduce((a, b) => a + b, 0);
        centroids = updateCentroids(train, m, d, labels, k, centroids, rng);
      }
      if (!best || objective < best.objective) best = { centroids, objective };
      // Warm start: each pass continues from the previous pass's result (§5).
      if (options.initial) start = centroids;
    }
    const { labels } = train === x ? assignPrepared(prepared, best!.centroids, k) : assignNearest(x, n, d, best!.centroids, k, options.chunkRows);
    const sizes = new Int32Array(k);
    for (const l of labels) sizes[l]!++;
    return { centroids: best!.centroids, assignments: labels, sizes, objective: best!.objective };
  } finally {
    prepared.dispose();
  }
}
