import { kmeans } from './kmeans';
import { normalizeRows, selectRows, type Matrix, type Metric } from './matrix';
import { pca } from './pca';
import { sampleIndices } from '../core/random';
import { TSNE, type TsneOptions } from './tsne';
import { UmapProjection, type UmapOptions } from './umap';

/**
 * 2-D maps of representations (sequences, or items in the ID / semantic / fused view). Sampling is
 * explicit: above `maxPoints` rows a seeded uniform sample is mapped and the result says which rows
 * and how many of how many — never silently. The loop yields to the event loop between steps so a
 * worker can receive its cancel message and post progress.
 */
export type ProjectionMethod = 'tsne' | 'umap' | 'pca';

export interface ProjectionRequest {
  method: ProjectionMethod;
  seed?: number;
  /** Rows above this are sampled (seeded). */
  maxPoints?: number;
  metric?: Metric;
  tsne?: Omit<TsneOptions, 'seed' | 'metric'>;
  umap?: Omit<UmapOptions, 'seed' | 'metric'>;
  /**
   * Also group all rows (not only the mapped sample) with seeded K-means, in the same thread as the
   * map — for item embeddings, where no training-time clustering exists. Cosine metric → spherical.
   */
  groups?: { k: number; restarts?: number };
}

export interface ProjectionResult {
  method: ProjectionMethod;
  /** points × 2, row k belongs to original row `indices[k]`. */
  coordinates: Float32Array;
  indices: Int32Array;
  sampled: boolean;
  total: number;
  seed: number;
  seconds: number;
  /** Method-specific facts worth showing (PCA explained variance, iterations run). */
  details: Record<string, number>;
  /** K-means group of every row of the input (all rows, not just the sample), when asked for. */
  assignments?: Int32Array;
}

export interface ProjectionControl {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

export const DEFAULT_MAX_POINTS = 5000;

export async function project(X: Matrix, request: ProjectionRequest, control: ProjectionControl = {}): Promise<ProjectionResult> {
  const started = performance.now();
  const seed = request.seed ?? 1;
  const metric = request.metric ?? 'euclidean';
  const maxPoints = request.maxPoints ?? DEFAULT_MAX_POINTS;
  const indices = sampleIndices(X.rows, maxPoints, seed);
  const sampled = indices.length < X.rows;
  const data = sampled ? selectRows(X, indices) : X;
  const report = control.onProgress ?? (() => undefined);
  const checkpoint = makeCheckpoint(control.signal);
  await checkpoint(true);
  let assignments: Int32Array | undefined;
  if (request.groups) {
    report(0, 1, 'grouping');
    assignments = kmeans(metric === 'cosine' ? normalizeRows(X) : X, request.groups.k, { seed, restarts: request.groups.restarts ?? 3 }).assignments;
  }
  const finish = (coordinates: Float32Array, details: Record<string, number>): ProjectionResult => ({
    method: request.method,
    coordinates,
    indices,
    sampled,
    total: X.rows,
    seed,
    seconds: (performance.now() - started) / 1000,
    details,
    ...(assignments ? { assignments } : {}),
  });

  await checkpoint(true);
  if (request.method === 'pca') {
    report(0, 1, 'principal components');
    const r = pca(data, 2, { seed });
    report(1, 1, 'done');
    return finish(r.projection.data, { explainedVariance1: r.explainedVarianceRatio[0]!, explainedVariance2: r.explainedVarianceRatio[1]! });
  }
  const algorithm = request.method === 'tsne' ? new TSNE({ ...request.tsne, seed, metric }) : new UmapProjection({ ...request.umap, seed, metric });
  report(0, 1, 'nearest neighbours');
  algorithm.initialize(data);
  const total = algorithm instanceof TSNE ? algorithm.options.iterations : algorithm.epochs;
  for (let done = 0; !algorithm.done; ) {
    done = algorithm.step();
    if (await checkpoint()) report(done, total, request.method === 'tsne' ? 'iterations' : 'epochs');
  }
  report(total, total, 'done');
  return finish(algorithm.embedding(), { steps: total, points: data.rows });
}

/** Returns a function that yields (and checks cancel) at most every ~30 ms; true when it yielded. */
function makeCheckpoint(signal: AbortSignal | undefined): (force?: boolean) => Promise<boolean> {
  let last = performance.now();
  return async (force = false) => {
    const now = performance.now();
    if (!force && now - last < 30) return false;
    last = now;
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new DOMException('Projection cancelled', 'AbortError');
    return true;
  };
}
