/** K-means: nearest-centroid assignment against brute force, planted clusters recovered, seeded, warm start. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { assignNearest, kmeans } from '../../../src-main/engine/kmeans';
import { Rng } from '../../../src-main/engine/rng';

function blobs(): { x: Float32Array; truth: Int32Array } {
  const rng = new Rng(11);
  const centers = [
    [5, 5, 0],
    [-5, 5, 1],
    [0, -6, -2],
  ];
  const x = new Float32Array(300 * 3);
  const truth = new Int32Array(300);
  for (let i = 0; i < 300; i++) {
    truth[i] = i % 3;
    for (let j = 0; j < 3; j++) x[i * 3 + j] = centers[i % 3]![j]! + (rng.next() - 0.5);
  }
  return { x, truth };
}

describe('kmeans', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('assigns each point to its nearest centroid with its squared distance (brute force)', () => {
    const { x } = blobs();
    const c = Float32Array.of(1, 1, 1, -3, 2, 0, 0, -1, -1, 4, 4, 4);
    const { labels, dist } = assignNearest(x, 300, 3, c, 4, 64);
    for (let i = 0; i < 300; i++) {
      const d = [0, 1, 2, 3].map((k) => [0, 1, 2].reduce((s, j) => s + (x[i * 3 + j]! - c[k * 3 + j]!) ** 2, 0));
      const best = d.indexOf(Math.min(...d));
      expect(labels[i]).toBe(best);
      expect(dist[i]).toBeCloseTo(d[best]!, 3);
    }
  });

  it('recovers planted clusters, is seeded, and a warm start keeps the centroids', () => {
    const { x, truth } = blobs();
    const a = kmeans(x, 300, 3, { k: 3, iterations: 10, redo: 3, seed: 1, maxPointsPerCentroid: 4096 });
    const b = kmeans(x, 300, 3, { k: 3, iterations: 10, redo: 3, seed: 1, maxPointsPerCentroid: 4096 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    // Same partition as the truth (up to relabelling).
    const map = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      if (!map.has(truth[i]!)) map.set(truth[i]!, a.assignments[i]!);
      expect(a.assignments[i]).toBe(map.get(truth[i]!));
    }
    const warm = kmeans(x, 300, 3, { k: 3, iterations: 2, redo: 1, seed: 9, maxPointsPerCentroid: 4096, initial: a.centroids });
    expect(Array.from(warm.assignments)).toEqual(Array.from(a.assignments));
  });
});
