/**
 * Row-major float matrices (one representation per row) and the blocked distance kernel every
 * analysis shares. Distances are computed as ‖a‖² + ‖b‖² − 2·a·b over blocks of rows, so the inner
 * loop is a dot product over contiguous Float32Array memory rather than a per-pair difference loop.
 */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export type Metric = 'euclidean' | 'cosine';

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  const out = data ? Float32Array.from(data) : new Float32Array(rows * cols);
  if (out.length !== rows * cols) throw new Error(`Matrix data has ${out.length} values, expected ${rows}×${cols}`);
  return { rows, cols, data: out };
}

export function row(m: Matrix, i: number): Float32Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** The rows at `indices`, in that order, as a new matrix. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = matrix(indices.length, m.cols);
  for (let k = 0; k < indices.length; k++) out.data.set(row(m, indices[k]!), k * m.cols);
  return out;
}

export function squaredNorms(m: Matrix): Float64Array {
  const norms = new Float64Array(m.rows);
  const { cols, data } = m;
  for (let i = 0; i < m.rows; i++) {
    let s = 0;
    for (let c = i * cols, e = c + cols; c < e; c++) s += data[c]! * data[c]!;
    norms[i] = s;
  }
  return norms;
}

/** Rows scaled to unit length (zero rows stay zero): cosine distance is then 1 − dot. */
export function normalizeRows(m: Matrix): Matrix {
  const out = matrix(m.rows, m.cols, m.data);
  const norms = squaredNorms(m);
  for (let i = 0; i < m.rows; i++) {
    const n = Math.sqrt(norms[i]!);
    if (n === 0) continue;
    for (let c = i * m.cols, e = c + m.cols; c < e; c++) out.data[c]! /= n;
  }
  return out;
}

/** `out[a·nb + b] = dot(A[a0 + a], B[b0 + b])` for a block of rows of A against a block of rows of B. */
export function dotBlock(A: Matrix, a0: number, a1: number, B: Matrix, b0: number, b1: number, out: Float64Array): void {
  const d = A.cols;
  const ad = A.data;
  const bd = B.data;
  const nb = b1 - b0;
  for (let a = a0; a < a1; a++) {
    const ao = a * d;
    const oo = (a - a0) * nb;
    for (let b = b0; b < b1; b++) {
      const bo = b * d;
      let s = 0;
      let k = 0;
      // Unrolled by four: V8 keeps the accumulators in registers.
      for (; k + 3 < d; k += 4) {
        s += ad[ao + k]! * bd[bo + k]! + ad[ao + k + 1]! * bd[bo + k + 1]! + ad[ao + k + 2]! * bd[bo + k + 2]! + ad[ao + k + 3]! * bd[bo + k + 3]!;
      }
      for (; k < d; k++) s += ad[ao + k]! * bd[bo + k]!;
      out[oo + b - b0] = s;
    }
  }
}

export const BLOCK_ROWS = 128;

/**
 * Calls `visit(a0, a1, distances)` for consecutive blocks of query rows of A, where
 * `distances[(a − a0)·B.rows + b]` is the distance between A[a] and B[b] (Euclidean, or cosine
 * distance 1 − cos). Callers keep O(block × B.rows) memory, never O(N²).
 */
export function forEachDistanceBlock(
  A: Matrix,
  B: Matrix,
  metric: Metric,
  visit: (a0: number, a1: number, distances: Float64Array) => void,
  blockRows = BLOCK_ROWS,
): void {
  if (A.cols !== B.cols) throw new Error(`Dimension mismatch: ${A.cols} vs ${B.cols}`);
  const a = metric === 'cosine' ? normalizeRows(A) : A;
  const b = metric === 'cosine' ? (A === B ? a : normalizeRows(B)) : B;
  const na = squaredNorms(a);
  const nb = a === b ? na : squaredNorms(b);
  const buf = new Float64Array(blockRows * b.rows);
  for (let a0 = 0; a0 < a.rows; a0 += blockRows) {
    const a1 = Math.min(a.rows, a0 + blockRows);
    dotBlock(a, a0, a1, b, 0, b.rows, buf);
    for (let i = a0; i < a1; i++) {
      const o = (i - a0) * b.rows;
      for (let j = 0; j < b.rows; j++) {
        if (metric === 'cosine') {
          // Zero rows have no direction: treat them as orthogonal to everything.
          buf[o + j] = na[i] === 0 || nb[j] === 0 ? 1 : Math.max(0, 1 - buf[o + j]!);
        } else {
          buf[o + j] = Math.sqrt(Math.max(0, na[i]! + nb[j]! - 2 * buf[o + j]!));
        }
      }
    }
    visit(a0, a1, buf);
  }
}
