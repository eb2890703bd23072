/** Gradients of the replacement kernels against tfjs's own implementations and finite differences. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { batchMatMul, matMul } from '../../../src-main/engine/kernels';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!), `index ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
}

describe.each(['wasm', 'cpu'] as const)('training kernels on %s', (backend) => {
  beforeAll(async () => {
    expect(await initBackend(backend)).toBe(backend);
  });

  it('embedding-lookup gradient (UnsortedSegmentSum via ScatterNd) sums repeated ids', () => {
    const table = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const ids = tf.tensor1d([3, 1, 3, 0, 3], 'int32');
    const weights = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), weights)))(table);
    // Row r of the gradient = Σ of the weight rows whose id is r (independent hand computation).
    close(g.dataSync(), [7, 8, 3, 4, 0, 0, 1 + 5 + 9, 2 + 6 + 10]);
    tf.dispose([table, ids, weights, g]);
  });

  it.each([
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ])('matMul(transposeA=%s, transposeB=%s) value and gradients match tf.matMul', (ta, tb) => {
    const a = tf.randomNormal(ta ? [5, 3] : [3, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal(tb ? [4, 5] : [5, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 3);
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x as tf.Tensor2D, y as tf.Tensor2D, ta, tb), w)))([a, b]);
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w)))([a, b]);
    close(matMul(a, b, ta, tb).dataSync(), tf.matMul(a, b, ta, tb).dataSync());
    close(ours[0]!.dataSync(), ref[0]!.dataSync());
    close(ours[1]!.dataSync(), ref[1]!.dataSync());
    tf.dispose([a, b, w, ...ours, ...ref]);
  });

  it('batched matMul gradients match tf.matMul', () => {
    const a = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 4);
    const b = tf.randomNormal([2, 3, 5, 6], 0, 1, 'float32', 5);
    const w = tf.randomNormal([2, 3, 4, 6], 0, 1, 'float32', 6);
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(batchMatMul(x, y), w)))([a, b]);
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, b]);
    close(ours[0]!.dataSync(), ref[0]!.dataSync());
    close(ours[1]!.dataSync(), ref[1]!.dataSync());
    tf.dispose([a, b, w, ...ours, ...ref]);
  });
});
