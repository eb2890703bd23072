/**
 * Issue #12: a diverged model (NaN or infinite scores) must not get perfect metrics. Non-finite
 * scores rank worst: a non-finite answer ranks last, non-finite other items never beat a finite
 * answer. Known answers on a hand-made table, in the evaluator and in the analytics' per-user
 * ranking (run-outputs.ts), which must agree.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import type { EvaluationCase, PaddedBatch } from '../../../src-main/engine/data';
import { answerRanks, evaluateRanking, type Ranker } from '../../../src-main/engine/evaluate';
import { rankOne } from '../../../src-main/analysis/run-outputs';

const N = 30;

/** Item j scores table[j] (h = `h`, a 1-D table). Rows: 0 padding, 1..N items, N+1 mask. */
function fixedRanker(table: number[], h = 1): Ranker {
  return {
    represent: (batch: PaddedBatch) => tf.fill([batch.rows, 1], h) as tf.Tensor2D,
    itemTable: () => tf.tensor2d(table, [table.length, 1]),
  };
}

/** Items 1..N score 1 − j/100 (item 1 best); the listed items get the given scores. */
function tableWith(overrides: Record<number, number>): number[] {
  const table = [0, ...Array.from({ length: N }, (_, k) => 1 - (k + 1) / 100), 0];
  for (const [j, s] of Object.entries(overrides)) table[Number(j)] = s;
  return table;
}

function rankOneAll(table: number[], cases: EvaluationCase[]): number[] {
  const out = { topItems: new Int32Array(cases.length * 5), topScores: new Float32Array(cases.length * 5), targets: new Int32Array(cases.length), ranks: new Int32Array(cases.length) };
  cases.forEach((c, u) => rankOne(Float32Array.from(table), c.input, c.answer, N, 5, u, out));
  return Array.from(out.ranks);
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('non-finite scores rank worst (issue #12)', () => {
  it('ranks a NaN or infinite answer last', async () => {
    const table = tableWith({ 3: NaN, 4: Infinity, 5: -Infinity });
    const cases: EvaluationCase[] = [3, 4, 5].map((answer) => ({ input: Int32Array.of(10), answer }));
    const last = N - 1;
    expect(Array.from(await answerRanks(fixedRanker(table), cases, { maxSeqLength: 4 }))).toEqual([last, last, last]);
    expect(rankOneAll(table, cases)).toEqual([last, last, last]);
  });

  it('never lets a NaN or infinite item beat a finite answer', async () => {
    // Items 1 and 2 would be best; as NaN and +Inf they rank below everything finite.
    const table = tableWith({ 1: NaN, 2: Infinity, 7: -0.5 });
    const cases: EvaluationCase[] = [
      { input: Int32Array.of(20), answer: 3 }, // best finite item: rank 0
      { input: Int32Array.of(20), answer: 6 }, // items 3, 4, 5 above it: rank 3
      // answer 7 scores −0.5: 26 finite items and the history item 20 (at 0) above it, not 1 and 2
      { input: Int32Array.of(20), answer: 7 },
    ];
    const expected = [0, 3, 27];
    expect(Array.from(await answerRanks(fixedRanker(table), cases, { maxSeqLength: 4 }))).toEqual(expected);
    expect(rankOneAll(table, cases)).toEqual(expected);
  });

  it('gives a model whose representations are NaN zero hit rate, not 1', async () => {
    const before = tf.memory().numTensors;
    const cases: EvaluationCase[] = Array.from({ length: 40 }, (_, u) => ({ input: Int32Array.of(1 + (u % N)), answer: 1 + ((u + 1) % N) }));
    const m = await evaluateRanking(fixedRanker(tableWith({}), NaN), cases, { maxSeqLength: 4, batchSize: 16 });
    expect(m['HR@10']).toBe(0);
    expect(m['NDCG@20']).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('lists non-finite items after every finite one in the top list', () => {
    const table = tableWith({ 1: NaN, 2: Infinity });
    const out = { topItems: new Int32Array(N), topScores: new Float32Array(N), targets: new Int32Array(1), ranks: new Int32Array(1) };
    rankOne(Float32Array.from(table), [], 5, N, N, 0, out);
    expect(Array.from(out.topItems.subarray(0, 3))).toEqual([3, 4, 5]);
    expect(Array.from(out.topItems.subarray(N - 2)).sort()).toEqual([1, 2]);
  });
});
