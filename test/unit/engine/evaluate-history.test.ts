/**
 * docs/model.md §10: the reference sets every history item's score to 0 (not −∞), the answer
 * included when it also occurs in the history (Yelp repeats). Known answers worked out by hand on a
 * 4-item table, and a brute-force re-statement of the reference rule for random cases.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import type { EvaluationCase, PaddedBatch } from '../../../src-main/engine/data';
import { answerRanks, type Ranker } from '../../../src-main/engine/evaluate';
import { rankOne } from '../../../src-main/analysis/run-outputs';

/** Scores s_j = h·e_j with h = 1 and a 1-D table: item j scores table[j]. Rows: 0 padding, 1..N items, N+1 mask. */
function fixedRanker(table: number[]): Ranker {
  return {
    represent: (batch: PaddedBatch) => tf.ones([batch.rows, 1]) as tf.Tensor2D,
    itemTable: () => tf.tensor2d(table, [table.length, 1]),
  };
}

/** The reference rule stated directly: history → 0, padding and mask rows left out, count strictly higher. */
function referenceRank(table: number[], c: EvaluationCase): number {
  const history = new Set(c.input);
  const score = (j: number) => (history.has(j) ? 0 : table[j]!);
  let higher = 0;
  for (let j = 1; j < table.length - 1; j++) if (j !== c.answer && score(j) > score(c.answer)) higher++;
  return higher;
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('history items are scored 0 as in the reference (§10)', () => {
  // padding, items 1..4, mask row
  const table = [9, 0.5, 0.3, -0.2, 0.1, 9];

  it('ranks an answer that repeats a history item as if it scored 0', async () => {
    const before = tf.memory().numTensors;
    const cases: EvaluationCase[] = [
      // answer 1 (0.5) is in the history → 0; items 2 (0.3) and 4 (0.1) outrank it: rank 2 (it used to be 0)
      { input: Int32Array.of(1, 3), answer: 1 },
      // answer 3 (−0.2) is not in the history; history item 1 sits at 0 > −0.2, and 2, 4 are higher: rank 3
      { input: Int32Array.of(1), answer: 3 },
      // answer 2 (0.3): history item 3 at 0 is below; only item 1 (0.5) is higher: rank 1
      { input: Int32Array.of(3), answer: 2 },
      // answer 4 (0.1) in a history of 4 and 3 → 0; items 1, 2 higher, 3 (history, 0) ties: rank 2
      { input: Int32Array.of(4, 3), answer: 4 },
    ];
    const ranks = await answerRanks(fixedRanker(table), cases, { maxSeqLength: 5 });
    expect(Array.from(ranks)).toEqual([2, 3, 1, 2]);
    expect(Array.from(ranks)).toEqual(cases.map((c) => referenceRank(table, c)));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('agrees with the reference rule on random tables and histories with repeats', async () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const N = 30;
    const table = [0, ...Array.from({ length: N }, () => next() * 2 - 1), 0];
    const cases: EvaluationCase[] = Array.from({ length: 200 }, () => {
      const input = Int32Array.from({ length: 1 + Math.floor(next() * 8) }, () => 1 + Math.floor(next() * N));
      const answer = next() < 0.3 ? input[Math.floor(next() * input.length)]! : 1 + Math.floor(next() * N);
      return { input, answer };
    });
    expect(cases.some((c) => c.input.includes(c.answer))).toBe(true);
    const ranks = await answerRanks(fixedRanker(table), cases, { maxSeqLength: 10, batchSize: 64 });
    expect(Array.from(ranks)).toEqual(cases.map((c) => referenceRank(table, c)));
    // The analytics' per-user ranking (run-outputs.ts) follows the same rule, and lists a repeated answer at score 0.
    const out = { topItems: new Int32Array(cases.length * 5), topScores: new Float32Array(cases.length * 5), targets: new Int32Array(cases.length), ranks: new Int32Array(cases.length) };
    cases.forEach((c, u) => rankOne(Float32Array.from(table), c.input, c.answer, N, 5, u, out));
    expect(Array.from(out.ranks)).toEqual(Array.from(ranks));
    cases.forEach((c, u) => {
      const at = Array.from(out.topItems.subarray(u * 5, u * 5 + 5)).indexOf(c.answer);
      if (out.ranks[u]! < 5 && c.input.includes(c.answer)) expect(out.topScores[u * 5 + at]).toBe(0);
    });
  });
});
