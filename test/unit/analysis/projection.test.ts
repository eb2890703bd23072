import { describe, expect, it } from 'vitest';
import { mapToCsv } from '../../../src-main/analysis/export';
import { matrix, type Matrix } from '../../../src-main/analysis/matrix';
import { project } from '../../../src-main/analysis/projection';
import { projectInWorker } from '../../../src-main/analysis/projection-runner';
import { normalRandom, seededRandom } from '../../../src-main/core/random';
import { silhouette } from '../../../src-main/analysis/silhouette';
import { TSNE } from '../../../src-main/analysis/tsne';

/** `k` well-separated Gaussian blobs in `d` dimensions, labels i mod k. */
function blobs(n: number, d: number, k: number, seed = 7): { X: Matrix; labels: Int32Array } {
  const rnd = normalRandom(seededRandom(seed));
  const centres = Array.from({ length: k }, () => Array.from({ length: d }, () => rnd() * 3));
  const X = matrix(n, d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % k;
    for (let c = 0; c < d; c++) X.data[i * d + c] = centres[i % k]![c]! + rnd();
  }
  return { X, labels };
}

describe('t-SNE (Barnes–Hut)', () => {
  it('is deterministic with a seed and keeps clusters apart', async () => {
    const { X, labels } = blobs(300, 20, 4);
    const a = await project(X, { method: 'tsne', seed: 3, tsne: { iterations: 300 } });
    const b = await project(X, { method: 'tsne', seed: 3, tsne: { iterations: 300 } });
    expect(Array.from(a.coordinates)).toEqual(Array.from(b.coordinates));
    expect(a.sampled).toBe(false);
    // Planted blobs stay separated on the map: high silhouette of the true labels in 2-D.
    expect(silhouette(matrix(300, 2, a.coordinates), labels, 4).overall).toBeGreaterThan(0.7);
  });

  it('handles wide inputs (PCA to 50 dims first) and the cosine metric', async () => {
    const { X, labels } = blobs(240, 300, 3, 9);
    const r = await project(X, { method: 'tsne', metric: 'cosine', seed: 1, tsne: { iterations: 300, perplexity: 20 } });
    expect(silhouette(matrix(240, 2, r.coordinates), labels, 3).overall).toBeGreaterThan(0.5);
  });

  it('lowers the KL divergence as it optimises', () => {
    const { X } = blobs(200, 10, 3, 2);
    const t = new TSNE({ seed: 1, iterations: 400, perplexity: 20 });
    t.initialize(X);
    for (let i = 0; i < 260; i++) t.step();
    const early = t.klDivergence();
    while (!t.done) t.step();
    expect(t.klDivergence()).toBeLessThan(early);
  });
});

describe('projections', () => {
  it('PCA and UMAP maps are deterministic with a seed', async () => {
    const { X, labels } = blobs(200, 12, 3);
    for (const method of ['pca', 'umap'] as const) {
      const a = await project(X, { method, seed: 5, umap: { nEpochs: 100 } });
      const b = await project(X, { method, seed: 5, umap: { nEpochs: 100 } });
      expect(Array.from(a.coordinates)).toEqual(Array.from(b.coordinates));
      expect(silhouette(matrix(200, 2, a.coordinates), labels, 3).overall).toBeGreaterThan(0.5);
    }
  });

  it('samples visibly above maxPoints, reproducibly', async () => {
    const { X } = blobs(500, 6, 2);
    const r = await project(X, { method: 'pca', maxPoints: 120, seed: 4 });
    expect(r.sampled).toBe(true);
    expect(r.indices.length).toBe(120);
    expect(r.total).toBe(500);
    expect(r.coordinates.length).toBe(240);
    expect(Array.from((await project(X, { method: 'pca', maxPoints: 120, seed: 4 })).indices)).toEqual(Array.from(r.indices));
    expect(mapToCsv(r, { idColumn: 'row', points: 'points' }, rowsOf(r, []), () => '').split('\n')[0]).toBe('# pca map of 120 of 500 points (seeded sample, seed 4)');
  });

  it('groups all rows with seeded K-means alongside a sampled map', async () => {
    const { X, labels } = blobs(300, 6, 3);
    const r = await project(X, { method: 'pca', maxPoints: 50, groups: { k: 3 } });
    expect(r.indices).toHaveLength(50);
    expect(r.assignments).toHaveLength(300);
    const { adjustedRandIndex } = await import('../../../src-main/analysis/ari');
    expect(adjustedRandIndex(r.assignments!, labels)).toBe(1);
  });

  it('exports coordinates with assignments and labels', async () => {
    const { X, labels } = blobs(10, 3, 2);
    const r = await project(X, { method: 'pca' });
    const names = ['camping, outdoor', 'baking'];
    const csv = mapToCsv(r, { idColumn: 'userId', points: 'users' }, rowsOf(r, labels).map((p) => ({ ...p, id: `u${p.id}` })), (prototype) => names[prototype]!);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('# pca map of 10 of 10 users');
    expect(lines[1]).toBe('userId,x,y,prototype,label');
    expect(lines[2]).toBe(`u0,${r.coordinates[0]},${r.coordinates[1]},0,"camping, outdoor"`);
    expect(lines).toHaveLength(12);
  });

  it('runs in a worker thread with progress, and the same result as in-thread', async () => {
    const { X } = blobs(150, 8, 3);
    const progress: number[] = [];
    const r = await projectInWorker(X, { method: 'tsne', seed: 2, tsne: { iterations: 250 } }, { onProgress: (done) => progress.push(done) });
    const local = await project(X, { method: 'tsne', seed: 2, tsne: { iterations: 250 } });
    expect(Array.from(r.coordinates)).toEqual(Array.from(local.coordinates));
    expect(progress.at(-1)).toBe(250);
  });

  it('a worker projection stops on cancel', async () => {
    const { X } = blobs(2000, 16, 4);
    const controller = new AbortController();
    const started = Date.now();
    const run = projectInWorker(X, { method: 'tsne', tsne: { iterations: 100_000 } }, {
      signal: controller.signal,
      onProgress: (done) => {
        if (done > 3) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

/** A projection's points as the map results carry them: id (the original row), x, y, prototype. */
function rowsOf(r: { indices: ArrayLike<number>; coordinates: ArrayLike<number> }, assignments: ArrayLike<number>) {
  return Array.from(r.indices, (row, k) => ({ id: row, x: r.coordinates[2 * k]!, y: r.coordinates[2 * k + 1]!, prototype: assignments[row] ?? 0 }));
}
