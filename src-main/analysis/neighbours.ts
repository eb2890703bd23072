import { forEachDistanceBlock, matrix, type Matrix, type Metric } from './matrix';

export interface Neighbour {
  index: number;
  distance: number;
}

/**
 * The `k` nearest rows of `X` to each query row, in the original representation space (not the 2-D
 * map), nearest first, ties by index. `exclude[q]` (e.g. the query's own row) is skipped.
 */
export function nearestNeighbours(X: Matrix, queries: Matrix, k: number, metric: Metric = 'cosine', exclude?: ArrayLike<number>): Neighbour[][] {
  const out: Neighbour[][] = [];
  const take = Math.min(k, X.rows);
  const bestD = new Float64Array(take);
  const bestI = new Int32Array(take);
  forEachDistanceBlock(queries, X, metric, (q0, q1, dist) => {
    for (let q = q0; q < q1; q++) {
      // Sorted insertion into a k-slot buffer: O(N·k) worst case, k is small (≤ 100).
      let filled = 0;
      const skip = exclude ? exclude[q] : -1;
      const off = (q - q0) * X.rows;
      for (let j = 0; j < X.rows; j++) {
        if (j === skip) continue;
        const d = dist[off + j]!;
        if (filled === take && d >= bestD[take - 1]!) continue;
        let p = filled < take ? filled++ : take - 1;
        while (p > 0 && bestD[p - 1]! > d) {
          bestD[p] = bestD[p - 1]!;
          bestI[p] = bestI[p - 1]!;
          p--;
        }
        bestD[p] = d;
        bestI[p] = j;
      }
      out.push(Array.from({ length: filled }, (_, r) => ({ index: bestI[r]!, distance: bestD[r]! })));
    }
  });
  return out;
}

/** Neighbours of one row of X itself (a sequence or an item), excluding that row. */
export function neighboursOfRow(X: Matrix, rowIndex: number, k: number, metric: Metric = 'cosine'): Neighbour[] {
  const q = matrix(1, X.cols, X.data.subarray(rowIndex * X.cols, (rowIndex + 1) * X.cols));
  return nearestNeighbours(X, q, k, metric, [rowIndex])[0]!;
}
