import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, stabilityAcrossEpochs } from '../../../src-main/analysis/ari';
import { exposureStats, gini } from '../../../src-main/analysis/exposure';
import { groupMetrics, rankingMetrics, tailItemFlags, userGroupFlags } from '../../../src-main/analysis/groups';
import { fromRows } from '../../fixtures/matrix';
import { seededRandom } from '../../../src-main/core/random';
import { silhouette } from '../../../src-main/analysis/silhouette';

describe('silhouette', () => {
  it('matches a hand-computed 1-D case', () => {
    // Points 0,1 | 4,5: s(0)=1−1/4.5, s(1)=1−1/3.5, symmetric for the other cluster.
    const r = silhouette(fromRows([[0], [1], [4], [5]]), [0, 0, 1, 1], 2);
    const s0 = 1 - 1 / 4.5;
    const s1 = 1 - 1 / 3.5;
    expect(r.overall).toBeCloseTo((s0 + s1) / 2, 6);
    expect(r.perCluster[0]!.silhouette).toBeCloseTo((s0 + s1) / 2, 6);
    expect(r.sampled).toBe(false);
  });

  it('matches a hand-computed 2-D case with three clusters and a singleton', () => {
    // (0,0),(0,2) | (3,0),(3,4) | (10,0): singleton scores 0 (scikit-learn convention).
    const X = fromRows([[0, 0], [0, 2], [3, 0], [3, 4], [10, 0]]);
    const r = silhouette(X, [0, 0, 1, 1, 2], 3);
    // point (0,0): a=2, b=min(mean(3,5)=4, 10)=4 → 0.5
    // point (0,2): a=2, b=mean(√13, √13)=3.6056 → 1−2/3.6056
    // point (3,0): a=4, b=min(mean(3,√13)=3.3028, 7)=3.3028 → (3.3028−4)/4
    // point (3,4): a=4, b=min(mean(5,√13)=4.3028, √65)=4.3028 → 1−4/4.3028
    const s = [0.5, 1 - 2 / Math.sqrt(13), ((3 + Math.sqrt(13)) / 2 - 4) / 4, 1 - 4 / ((5 + Math.sqrt(13)) / 2), 0];
    expect(r.overall).toBeCloseTo(s.reduce((a, b) => a + b) / 5, 6);
    expect(r.perCluster[2]!.silhouette).toBe(0);
    expect(r.perCluster[1]!.silhouette).toBeCloseTo((s[2]! + s[3]!) / 2, 6);
  });

  it('agrees with a naive per-pair implementation on random data, euclidean and cosine', () => {
    const rnd = seededRandom(3);
    const rows = Array.from({ length: 150 }, () => Array.from({ length: 7 }, () => rnd() - 0.5));
    const labels = rows.map((_, i) => i % 4);
    for (const metric of ['euclidean', 'cosine'] as const) {
      const dist = (a: number[], b: number[]): number => {
        if (metric === 'euclidean') return Math.hypot(...a.map((v, i) => v - b[i]!));
        const dot = a.reduce((s, v, i) => s + v * b[i]!, 0);
        return 1 - dot / (Math.hypot(...a) * Math.hypot(...b));
      };
      let total = 0;
      rows.forEach((p, i) => {
        const sums = [0, 0, 0, 0];
        const n = [0, 0, 0, 0];
        rows.forEach((q, j) => {
          if (i === j) return;
          sums[labels[j]!]! += dist(p, q);
          n[labels[j]!]!++;
        });
        const a = sums[labels[i]!]! / n[labels[i]!]!;
        const b = Math.min(...[0, 1, 2, 3].filter((c) => c !== labels[i]).map((c) => sums[c]! / n[c]!));
        total += (b - a) / Math.max(a, b);
      });
      expect(silhouette(fromRows(rows), labels, 4, { metric }).overall).toBeCloseTo(total / rows.length, 5);
    }
  });

  it('samples above maxExact, with the seed and size reported, reproducibly', () => {
    const rnd = seededRandom(5);
    const rows = Array.from({ length: 400 }, (_, i) => [(i % 2) * 4 + rnd(), rnd()]);
    const labels = rows.map((_, i) => i % 2);
    const a = silhouette(fromRows(rows), labels, 2, { maxExact: 100, seed: 9 });
    const b = silhouette(fromRows(rows), labels, 2, { maxExact: 100, seed: 9 });
    const full = silhouette(fromRows(rows), labels, 2);
    expect(a).toEqual(b);
    expect(a.sampled).toBe(true);
    expect(a.scored).toBe(100);
    expect(a.total).toBe(400);
    expect(Math.abs(a.overall - full.overall)).toBeLessThan(0.05);
  });

  it('refuses a single cluster', () => {
    expect(() => silhouette(fromRows([[0], [1]]), [0, 0], 2)).toThrow(/two non-empty/);
  });
});

describe('adjusted Rand index', () => {
  // Known answers from scikit-learn's adjusted_rand_score documentation.
  it('is 1 for identical partitions up to renaming', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 1])).toBe(1);
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
  });
  it('is 0.5714 for a split cluster', () => {
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(0.5714285714285715, 12);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(0.5714285714285715, 12);
  });
  it('is 0 when one partition is one cluster and the other all singletons', () => {
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });
  it('is negative for anti-correlated partitions', () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 12);
  });
  it('pairs consecutive epochs', () => {
    const s = stabilityAcrossEpochs([
      { epoch: 2, labels: [0, 0, 1, 1] },
      { epoch: 1, labels: [1, 1, 0, 0] },
      { epoch: 3, labels: [0, 0, 1, 2] },
    ]);
    expect(s.map((x) => [x.from, x.to])).toEqual([[1, 2], [2, 3]]);
    expect(s[0]!.ari).toBe(1);
    expect(s[1]!.ari).toBeCloseTo(0.5714285714285715, 12);
  });
});

describe('Gini, coverage, tail share, average popularity', () => {
  it('Gini has known values', () => {
    expect(gini([1, 1, 1, 1])).toBe(0);
    expect(gini([0, 0, 0, 1])).toBeCloseTo(0.75, 12);
    expect(gini([1, 2, 3])).toBeCloseTo(4 / 18, 12);
    expect(gini([0, 0])).toBe(0);
  });

  it('exposure statistics over top-K lists', () => {
    // 5 items, popularity 10,8,6,2,1 (index 0 unused); tail = bottom 20 % = item 5.
    const popularity = [0, 10, 8, 6, 2, 1];
    const tail = tailItemFlags(popularity, 0.2);
    expect(Array.from(tail)).toEqual([0, 0, 0, 0, 0, 1]);
    // Two users, lists of length 3; evaluated at k = 2.
    const top = Int32Array.from([1, 2, 5, 1, 5, 3]);
    const s = exposureStats(top, 3, 2, popularity, tail);
    expect(s.coverage).toBeCloseTo(3 / 5, 12); // items 1, 2, 5
    expect(s.tailShare).toBeCloseTo(1 / 4, 12);
    expect(s.averagePopularity).toBeCloseTo((10 + 8 + 10 + 1) / 4, 12);
    expect(s.gini).toBeCloseTo(gini([2, 1, 0, 0, 1]), 12);
    expect(() => exposureStats(top, 3, 4, popularity, tail)).toThrow(/exceeds/);
  });
});

describe('groups of paper Table 3', () => {
  it('tail items are the bottom 20 % by popularity, ties broken by id', () => {
    const popularity = [0, 5, 1, 1, 9, 3, 7, 1, 2, 8, 6];
    expect(Array.from(tailItemFlags(popularity)).map((f, i) => (f ? i : 0)).filter(Boolean)).toEqual([2, 3]);
  });

  it('cold and hot users are the shortest and longest 20 %', () => {
    const g = userGroupFlags([5, 3, 9, 3, 12, 7, 4, 8, 6, 10]);
    expect(Array.from(g.cold)).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(g.hot)).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(g.coldMaxLength).toBe(3);
    expect(g.hotMinLength).toBe(10);
  });

  it('HR and NDCG per group', () => {
    expect(rankingMetrics(Int32Array.from([0, 1, 12, -1]), [10])).toEqual({ users: 4, 'HR@10': 0.5, 'NDCG@10': (1 + 1 / Math.log2(3)) / 4 });
    const popularity = [0, 10, 9, 8, 7, 1]; // tail (20 % of 5) = item 5
    const table = groupMetrics(
      { targets: Int32Array.from([5, 1, 2, 3, 5]), ranks: Int32Array.from([0, 3, 20, 1, -1]), historyLengths: Int32Array.from([2, 9, 4, 6, 20]) },
      popularity,
      [5],
    );
    expect(table.tailItem.users).toBe(2);
    expect(table.tailItem['HR@5']).toBe(0.5);
    expect(table.headItem['HR@5']).toBeCloseTo(2 / 3, 12);
    expect(table.coldUser.users).toBe(1);
    expect(table.coldUser['NDCG@5']).toBe(1);
    expect(table.hotUser['HR@5']).toBe(0);
    expect(table.overall['HR@5']).toBeCloseTo(3 / 5, 12);
    expect(table.definition).toMatchObject({ tailItems: 1, items: 5, coldMaxLength: 2, hotMinLength: 20 });
  });
});

describe('K-means (analysis-side)', () => {
  it('separates obvious blobs and is reproducible with a seed', async () => {
    const { kmeans } = await import('../../../src-main/analysis/kmeans');
    const rnd = seededRandom(4);
    const rows = Array.from({ length: 90 }, (_, i) => [(i % 3) * 10 + rnd(), (i % 3) * -7 + rnd()]);
    const a = kmeans(fromRows(rows), 3, { seed: 2, restarts: 3 });
    expect(adjustedRandIndex(a.assignments, rows.map((_, i) => i % 3))).toBe(1);
    expect(Array.from(kmeans(fromRows(rows), 3, { seed: 2, restarts: 3 }).assignments)).toEqual(Array.from(a.assignments));
  });
});
