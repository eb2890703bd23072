/**
 * Full-ranking leave-one-out evaluation (INDIREC-SPEC §10): every user, scores h·Eᵀ over the item
 * table as one matrix product per batch, history items excluded, HR@k and NDCG@k for k = 5, 10, 20.
 *
 * No top-k sort is needed: the 0-based rank of the answer is the number of eligible items scored
 * strictly higher, counted on the whole [users × items] matrix at once. Excluded from the ranking:
 * the user's history items, padding row 0 and the reference's unused mask row V-1 (§15 shows the
 * golden numbers do not change). The answer keeps its own score even when it also occurs in the
 * history (Yelp has repeats; the reference would score it 0).
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
  const tableT = tf.tidy(() => tf.transpose(ranker.itemTable())) as tf.Tensor2D; // (the owned table is disposed by tidy) // [D, V], untransposed product below
  const rows = tableT.shape[1];
  try {
    for (let start = 0; start < order.length; start += batchSize) {
      if (options.signal?.aborted) throw Object.assign(new Error('Cancelled'), { name: 'AbortError' });
      const idx = order.slice(start, start + batchSize);
      const batch = padBatch(idx.map((i) => cases[i]!.input), L);
      // Flat indices into the [b, V] score matrix: each row's answer, and its excluded items (deduplicated).
      const answerAt = Int32Array.from(idx, (i, r) => r * rows + cases[i]!.answer);
      const excludedAt: number[] = [];
      const excludedRow: number[] = [];
      idx.forEach((i, r) => {
        const answer = cases[i]!.answer;
        for (const item of new Set([0, rows - 1, ...cases[i]!.input])) {
          if (item === answer) continue;
          excludedAt.push(r * rows + item);
          excludedRow.push(r);
        }
      });
      const [higherTensor, answerTensor, excludedTensor] = tf.tidy(() => {
        const scores = tf.reshape(matMul(ranker.represent(batch), tableT), [-1]); // [b·V]
        const answerScore = tf.gather(scores, tf.tensor1d(answerAt, 'int32'));
        // step(score − answer) is 1 exactly where an item scores strictly higher. (A broadcast
        // `greater` is ~10× slower on wasm than a subtraction followed by a unary kernel.)
        const higher = tf.sum(tf.step(tf.sub(tf.reshape(scores, [idx.length, rows]), tf.reshape(answerScore, [-1, 1]))), 1);
        return [higher, answerScore, tf.gather(scores, tf.tensor1d(excludedAt, 'int32'))];
      });
      const values = Int32Array.from((await higherTensor.data()) as Float32Array);
      const answerScores = (await answerTensor.data()) as Float32Array;
      const excludedScores = (await excludedTensor.data()) as Float32Array;
      tf.dispose([higherTensor, answerTensor, excludedTensor]);
      // Excluded items that outscored the answer do not count toward its rank.
      for (let e = 0; e < excludedAt.length; e++) if (excludedScores[e]! > answerScores[excludedRow[e]!]!) values[excludedRow[e]!]!--;
      idx.forEach((i, r) => (ranks[i] = values[r]!));
      options.onProgress?.(Math.min(start + batchSize, order.length), order.length);
    }
  } finally {
    tableT.dispose();
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
