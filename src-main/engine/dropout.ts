/**
 * Dropout with tf.dropout's exact masks (the same seeded Alea stream, the same float32 multiplier),
 * drawn in one loop: tf.dropout spends four kernels (uniform draw, add, floor, divide) on the mask
 * before its multiply, each with the engine's per-kernel bookkeeping. Same values bit for bit
 * (test: dropout.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import seedrandom from 'seedrandom';

const multipliers = new Map<number, number>();

/** 1/(1 − rate) as tf.dropout computes it (a float32 division), cached per rate. */
function multiplier(rate: number): number {
  let m = multipliers.get(rate);
  if (m === undefined) {
    m = tf.tidy(() => tf.div(1, tf.scalar(1 - rate)).dataSync()[0]!);
    multipliers.set(rate, m);
  }
  return m;
}

/** tf.dropout's multiplier tensor for `shape`: 0, or 1/(1 − rate) where floor(u + 1 − rate) = 1. */
export function dropoutKeep(shape: number[], rate: number, seed: number): tf.Tensor {
  const random = seedrandom.alea(seed.toString());
  const keep = Math.fround(1 - rate);
  const scale = multiplier(rate);
  const values = new Float32Array(tf.util.sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = Math.fround(Math.fround(random()) + keep) >= 1 ? scale : 0;
  return tf.tensor(values, shape, 'float32');
}

/** x with tf.dropout(x, rate, undefined, seed)'s mask applied. */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  return tf.tidy(() => tf.mul(x, dropoutKeep(x.shape, rate, seed)));
}
