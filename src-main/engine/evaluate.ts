/**
 * Full-ranking leave-one-out evaluation (INDIREC-SPEC §10): every user, scores h·Eᵀ over the item
 * table as one matrix product per batch, history items excluded, HR@k and NDCG@k for k = 5, 10, 20.
 *
 * No top-k sort is needed: the 0-based rank of the answer is the number of eligible items scored
 * strictly higher, counted on the whole [users × items] matrix at once. Excluded from the ranking:
 * padding row 0 and the reference's unused mask row V-1 (§15 shows the golden numbers do not change).
 * History items follow the reference (§10): their score is set to 0, not −∞ — the answer included
 * when it also occurs in the history (Yelp has repeats), and a history item at 0 outranks an answer
 * with a negative score. History items are never counted above an answer scored 0 (ties are not
 * "strictly higher").
 */
import * as tf from '@tensorflow/tfjs-core';
import { padBatch, type EvaluationCase, type PaddedBatch } from './data';
import { matMul } from './kernels';

export const CUTOFFS = [5, 10, 20] as const;

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
}

/** 0-based ranks of each case's answer (ranks ≥ 20 are exact too, not clipped). */
export async function answerRanks(ranker: Ranker, cases: readonly EvaluationCase[], options: EvaluateOptions): Promise<Int32Array> {
  const batchSize = options.batchSize ?? 512;
  const L = options.maxSeqLength;
  // Users of similar length share a batch so trimming keeps few columns; results are per user, so exact.
  const order = Array.from(cases.keys()).sort((a, b) => Math.min(cases[a]!.input.length, L) - Math.min(cases[b]!.input.length, L));
  const ranks = new Int32Array(cases.length);
  const table = ranker.itemTable(); // [V, D], owned here
  const tableAug = tf.tidy(() => tf.concat([tf.transpose(table), tf.ones([1, table.shape[0]])], 0)) as tf.Tensor2D; // [D+1, V]
  const rows = table.shape[0];
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
      const [higherTensor, excludedTensor, answerTensor] = tf.tidy(() => {
        const h = ranker.represent(batch);
        const raw = tf.sum(tf.mul(h, tf.gather(table, tf.tensor1d(answers, 'int32'))), 1, true); // [b, 1]
        const answerScore = tf.mul(raw, tf.tensor2d(answerKept, [idx.length, 1]));
        // [h, −s_a]·[Eᵀ; 1] = score − answer score in one product: no broadcast subtraction (slow on
        // wasm); step(·) is 1 exactly where an item scores strictly higher.
        const margin = matMul(tf.concat([h, tf.neg(answerScore)], 1) as tf.Tensor2D, tableAug); // [b, V]
        const higher = tf.sum(tf.step(margin), 1);
        return [higher, tf.gather(tf.reshape(margin, [-1]), tf.tensor1d(excludedAt, 'int32')), answerScore];
      });
      const values = Int32Array.from((await higherTensor.data()) as Float32Array);
      const excludedMargins = (await excludedTensor.data()) as Float32Array;
      const answerScores = (await answerTensor.data()) as Float32Array;
      tf.dispose([higherTensor, excludedTensor, answerTensor]);
      // Excluded entries that outscored the answer are taken back out of the count (the answer's own
      // margin is rounding noise around 0, or its real score against the 0 it gets as a history item).
      for (let e = 0; e < excludedAt.length; e++) if (excludedMargins[e]! > 0) values[excludedRow[e]!]!--;
      // History items sit at 0: above an answer that scores below 0 (§10).
      idx.forEach((i, r) => {
        if (answerScores[r]! < 0) for (const item of historyOf[r]!) if (item > 0 && item < rows - 1 && item !== cases[i]!.answer) values[r]!++;
      });
      idx.forEach((i, r) => (ranks[i] = values[r]!));
      options.onProgress?.(Math.min(start + batchSize, order.length), order.length);
    }
  } finally {
    tf.dispose([table, tableAug]);
  }
  return ranks;
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
