/** The engine's dropout draws tf.dropout's masks: the same values bit for bit, for several rates and seeds. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { dropout } from '../../../src-main/engine/dropout';

describe('dropout', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it.each([
    [0.5, 7],
    [0.2, 123456],
    [0.1, 2022],
    [0.3, 0.25],
  ])('rate %s, seed %s: equals tf.dropout exactly, and leaks nothing', (rate, seed) => {
    const x = tf.randomNormal([37, 53], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const ours = dropout(x, rate, seed);
    const theirs = tf.dropout(x, rate, undefined, seed);
    const [a, b] = [ours.dataSync(), theirs.dataSync()];
    expect(Array.from(a)).toEqual(Array.from(b));
    const dropped = a.filter((v) => v === 0).length / a.length;
    expect(Math.abs(dropped - rate)).toBeLessThan(0.05);
    tf.dispose([ours, theirs]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
