/**
 * Full-ranking leave-one-out evaluation (docs/model.md §10): every user, scores h·Eᵀ over the item
 * table as one matrix product per batch, history items excluded, HR@k and NDCG@k for k = 5, 10, 20.
 *
 * No top-k sort is needed: the 0-based rank of the answer is the number of eligible items scored
 * strictly higher, counted on the whole [users × items] matrix at once. Excluded from the ranking:
 * padding row 0 and the reference's unused mask row V-1 (§15 shows the golden numbers do not change).
 * History items follow the reference (§10): their score is set to 0, not −∞ — the answer included
 * when it also occurs in the history (Yelp has repeats), and a history item at 0 outranks an answer
 * with a negative score. History items are never counted above an answer scored 0 (ties are not
 * "strictly higher").
 *
 * Non-finite scores rank worst (issue #12: a diverged model must not score HR@10 = 1): a NaN or
 * infinite answer ranks last, a non-finite item never outranks a finite answer. The fast count
 * only holds where every margin is finite, which a cheap bound per row guarantees (|h·e| ≤
 * ‖h‖₁·max|E|); the rows it does not cover (diverged models only) are recounted exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { padBatch, type EvaluationCase, type PaddedBatch } from './data';
import { matMul } from './kernels';

export const CUTOFFS = [5, 10, 20] as const;

/** Scores bounded by this keep every margin (score − answer score) finite in float32 (max ≈ 3.4e38). */
const FINITE_MARGINS = 1e38;

export interface RankingMetrics {
  'HR@5': number;
  'HR@10': number;
  'HR@20': number;
  'NDCG@5': number;
  'NDCG@10': number;
  'NDCG@20': number;
  users: number;
}

export interface Ranker {
  /** Sequence representations [rows, D] of a padded batch (eval mode). */
  represent(batch: PaddedBatch): tf.Tensor2D;
  /** The V×D item table used for scoring; the caller disposes it. */
  itemTable(): tf.Tensor2D;
}

export interface EvaluateOptions {
  maxSeqLength: number;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Data-parallel evaluation: only every `workers`-th case of the length order, from `rank` (the others' ranks are −1). */
  part?: { rank: number; workers: number };
}

/** 0-based ranks of each case's answer (ranks ≥ 20 are exact too, not clipped). */
export async function answerRanks(ranker: Ranker, cases: readonly EvaluationCase[], options: EvaluateOptions): Promise<Int32Array> {
  const batchSize = options.batchSize ?? 512;
  const L = options.maxSeqLength;
  // Users of similar length share a batch so trimming keeps few columns; results are per user, so exact.
  let order = Array.from(cases.keys()).sort((a, b) => Math.min(cases[a]!.input.length, L) - Math.min(cases[b]!.input.length, L));
  const ranks = new Int32Array(cases.length);
  if (options.part) {
    const { rank, workers } = options.part;
    order = order.filter((_, k) => k % workers === rank); // dealt by length, so every part costs alike
    ranks.fill(-1);
  }
  const table = ranker.itemTable(); // [V, D], owned here
  const tableAug = tf.tidy(() => tf.concat([tf.transpose(table), tf.ones([1, table.shape[0]])], 0)) as tf.Tensor2D; // [D+1, V]
  const rows = table.shape[0];
  // max|E| over the table; a table with a non-finite entry bounds nothing (every row is recounted).
  const [tableMax, tableSum] = tf.tidy(() => [tf.max(tf.abs(table)), tf.sum(tf.abs(table))]);
  const tableBound = Number.isFinite(((await tableSum!.data()) as Float32Array)[0]) ? ((await tableMax!.data()) as Float32Array)[0]! : Infinity;
  tf.dispose([tableMax!, tableSum!]);
  try {
    for (let start = 0; start < order.length; start += batchSize) {
      if (options.signal?.aborted) throw Object.assign(new Error('Cancelled'), { name: 'AbortError' });
      const idx = order.slice(start, start + batchSize);
      const batch = padBatch(idx.map((i) => cases[i]!.input), L);
      const answers = Int32Array.from(idx, (i) => cases[i]!.answer);
      // Excluded entries (history, padding and mask rows) and the answer itself are corrected for afterwards.
      const excludedAt: number[] = [];
      const excludedRow: number[] = [];
      idx.forEach((i, r) => {
        for (const item of new Set([0, rows - 1, cases[i]!.answer, ...cases[i]!.input])) {
          excludedAt.push(r * rows + item);
          excludedRow.push(r);
        }
      });
      // §10: an answer that is also a history item is scored 0 like every history item.
      const historyOf = idx.map((i) => new Set(cases[i]!.input));
      const answerKept = Float32Array.from(idx, (i, r) => (historyOf[r]!.has(cases[i]!.answer) ? 0 : 1));
      const [higherTensor, excludedTensor, answerTensor, boundTensor, hTensor] = tf.tidy(() => {
        const h = ranker.represent(batch);
        const raw = tf.sum(tf.mul(h, tf.gather(table, tf.tensor1d(answers, 'int32'))), 1, true); // [b, 1]
        const answerScore = tf.mul(raw, tf.tensor2d(answerKept, [idx.length, 1]));
        // [h, −s_a]·[Eᵀ; 1] = score − answer score in one product: no broadcast subtraction (slow on
        // wasm); step(·) is 1 exactly where an item scores strictly higher.
        const margin = matMul(tf.concat([h, tf.neg(answerScore)], 1) as tf.Tensor2D, tableAug); // [b, V]
        const higher = tf.sum(tf.step(margin), 1);
        return [higher, tf.gather(tf.reshape(margin, [-1]), tf.tensor1d(excludedAt, 'int32')), answerScore, tf.sum(tf.abs(h), 1), h];
      });
      const values = Int32Array.from((await higherTensor.data()) as Float32Array);
      const excludedMargins = (await excludedTensor.data()) as Float32Array;
      const answerScores = (await answerTensor.data()) as Float32Array;
      const bounds = (await boundTensor.data()) as Float32Array;
      tf.dispose([higherTensor, excludedTensor, answerTensor, boundTensor]);
      // `!(x <= c)` is also true for NaN: rows whose margins may not all be finite.
      const unbounded = idx.flatMap((_, r) => (!(bounds[r]! * tableBound <= FINITE_MARGINS) ? [r] : []));
      let recounted: Float32Array | undefined;
      try {
        if (unbounded.length) recounted = await rawScores(hTensor, unbounded, tableAug);
      } finally {
        hTensor.dispose();
      }
      // Excluded entries that outscored the answer are taken back out of the count (the answer's own
      // margin is rounding noise around 0, or its real score against the 0 it gets as a history item).
      for (let e = 0; e < excludedAt.length; e++) if (excludedMargins[e]! > 0) values[excludedRow[e]!]!--;
      // History items sit at 0: above an answer that scores below 0 (§10).
      idx.forEach((i, r) => {
        if (answerScores[r]! < 0) for (const item of historyOf[r]!) if (item > 0 && item < rows - 1 && item !== cases[i]!.answer) values[r]!++;
      });
      idx.forEach((i, r) => (ranks[i] = values[r]!));
      unbounded.forEach((r, k) => (ranks[idx[r]!] = rankWithNonFinite(recounted!.subarray(k * rows, (k + 1) * rows), historyOf[r]!, answers[r]!)));
      options.onProgress?.(Math.min(start + batchSize, order.length), order.length);
    }
  } finally {
    tf.dispose([table, tableAug]);
  }
  return ranks;
}

/** Raw scores h·Eᵀ of some rows of `h`, rows × V (through the [Eᵀ; 1] table, with a 0 for its last row). */
async function rawScores(h: tf.Tensor2D, rowsOf: number[], tableAug: tf.Tensor2D): Promise<Float32Array> {
  const scores = tf.tidy(() => {
    const picked = tf.gather(h, tf.tensor1d(rowsOf, 'int32'));
    return matMul(tf.concat([picked, tf.zeros([rowsOf.length, 1])], 1) as tf.Tensor2D, tableAug);
  });
  try {
    return (await scores.data()) as Float32Array;
  } finally {
    scores.dispose();
  }
}

/**
 * One row's rank by the §10 rule (history items at 0; padding row 0 and mask row V−1 left out)
 * with non-finite scores worst: a non-finite answer is last, a non-finite item never counts above.
 */
export function rankWithNonFinite(scores: Float32Array, history: ReadonlySet<number>, answer: number): number {
  const rows = scores.length;
  const answerScore = history.has(answer) ? 0 : scores[answer]!;
  if (!Number.isFinite(answerScore)) return rows - 3;
  let higher = 0;
  for (let j = 1; j < rows - 1; j++) {
    const s = history.has(j) ? 0 : scores[j]!;
    if (j !== answer && s > answerScore && s !== Infinity) higher++; // NaN > x is false
  }
  return higher;
}

export function metricsFromRanks(ranks: Int32Array): RankingMetrics {
  const sums = { hr: [0, 0, 0], ndcg: [0, 0, 0] };
  for (const rank of ranks) {
    CUTOFFS.forEach((k, j) => {
      if (rank < k) {
        sums.hr[j]! += 1;
        sums.ndcg[j]! += 1 / Math.log2(rank + 2);
      }
    });
  }
  const n = Math.max(ranks.length, 1);
  return {
    'HR@5': sums.hr[0]! / n,
    'HR@10': sums.hr[1]! / n,
    'HR@20': sums.hr[2]! / n,
    'NDCG@5': sums.ndcg[0]! / n,
    'NDCG@10': sums.ndcg[1]! / n,
    'NDCG@20': sums.ndcg[2]! / n,
    users: ranks.length,
  };
}

export async function evaluateRanking(ranker: Ranker, cases: readonly EvaluationCase[], options: EvaluateOptions): Promise<RankingMetrics> {
  return metricsFromRanks(await answerRanks(ranker, cases, options));
}
