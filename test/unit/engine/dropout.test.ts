/**
 * The engine's dropout masks: each value dropped with probability `rate` (binomial bounds), kept
 * ones scaled by tf.dropout's 1/(1 − rate), the same mask for the same seed and another for another
 * seed, no correlation between neighbours, and no leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { dropout, dropoutKeep } from '../../../src-main/engine/dropout';

describe('dropout', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each([
    [0.5, 7],
    [0.2, 123456],
    [0.1, 2022],
    [0.3, 0.25],
  ])('rate %s, seed %s: drops that share, scales the rest as tf.dropout, reproducibly, and leaks nothing', (rate, seed) => {
    const x = tf.ones([200, 250]);
    const before = tf.memory().numTensors;
    const ours = dropout(x, rate, seed);
    const values = ours.dataSync();
    const n = values.length;
    const dropped = values.filter((v) => v === 0).length;
    // Within 5 standard deviations of the binomial mean: fails for a biased generator or a wrong threshold.
    expect(Math.abs(dropped - rate * n)).toBeLessThan(5 * Math.sqrt(n * rate * (1 - rate)));
    const kept = tf.tidy(() => tf.max(tf.dropout(tf.ones([1000]), rate, undefined, 1)).dataSync()[0]!);
    expect(new Set(values.filter((v) => v !== 0))).toEqual(new Set([kept]));
    // Neighbours independent: P(both dropped) ≈ rate².
    let both = 0;
    for (let i = 1; i < n; i++) if (values[i] === 0 && values[i - 1] === 0) both++;
    expect(Math.abs(both / (n - 1) - rate * rate)).toBeLessThan(0.01);
    const again = dropout(x, rate, seed);
    expect(Array.from(again.dataSync())).toEqual(Array.from(values));
    const other = dropout(x, rate, seed + 1);
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(values));
    tf.dispose([ours, again, other]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('the multiplier tensor has the asked shape', () => {
    const keep = dropoutKeep([3, 4, 5], 0.4, 9);
    expect(keep.shape).toEqual([3, 4, 5]);
    keep.dispose();
  });
});
