/**
 * The speed changes of the training step compute the same values: cross-entropy through the Softmax
 * kernel against a float64 computation done here, the row-copy GatherV2 and the shared-data Identity /
 * Cast against hand-built answers, with no leaked tensors or buffers.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { crossEntropy } from '../../../src-main/engine/losses';

describe.each(['wasm', 'cpu'] as const)('step kernels on %s', (backend) => {
  beforeAll(async () => {
    expect(await initBackend(backend)).toBe(backend);
  });

  it('crossEntropy value and gradient equal the float64 softmax formula, also for logits far apart', () => {
    const b = 6;
    const v = 40;
    const logits = Float32Array.from({ length: b * v }, (_, i) => Math.sin(i * 1.7) * 4 + (i % v === 3 ? 90 : 0)); // column 3 dominates: p of others underflows
    const targets = Int32Array.from([0, 3, 7, 39, 3, 12]);
    let loss = 0;
    const grad = new Float64Array(b * v);
    for (let r = 0; r < b; r++) {
      const row = Array.from(logits.subarray(r * v, r * v + v));
      const m = Math.max(...row);
      const z = row.reduce((a, x) => a + Math.exp(x - m), 0);
      loss += (m + Math.log(z) - row[targets[r]!]!) / b;
      row.forEach((x, j) => (grad[r * v + j] = (Math.exp(x - m) / z - (j === targets[r] ? 1 : 0)) / b));
    }
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(logits, [b, v]);
    const { value, grad: g } = tf.valueAndGrad((t: tf.Tensor) => crossEntropy(t as tf.Tensor2D, targets))(x);
    expect(Math.abs(value.dataSync()[0]! - loss)).toBeLessThan(1e-4 * loss);
    const got = g.dataSync();
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - grad[i]!), `gradient ${i}`).toBeLessThan(1e-6);
    tf.dispose([x, value, g]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gather copies rows (any index shape) and rejects out-of-range ids; clone and same-dtype cast keep values', () => {
    const buffers = () => tf.backend().numDataIds();
    const before = { tensors: tf.memory().numTensors, buffers: buffers() };
    tf.tidy(() => {
      const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const rows = tf.gather(table, tf.tensor2d([2, 0, 1, 1], [2, 2], 'int32'));
      expect(rows.shape).toEqual([2, 2, 2]);
      expect(Array.from(rows.dataSync())).toEqual([5, 6, 1, 2, 3, 4, 3, 4]);
      expect(Array.from(tf.gather(tf.reshape(table, [6]), tf.tensor1d([5, 0], 'int32')).dataSync())).toEqual([6, 1]);
      expect(Array.from(tf.gather(table, tf.tensor1d([1], 'int32'), 1).dataSync())).toEqual([2, 4, 6]);
      expect(() => tf.gather(table, tf.tensor1d([3], 'int32'))).toThrow();
    });
    const table = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const copy = tf.clone(table);
    const cast = tf.cast(table, 'float32');
    table.dispose(); // shared data must outlive its first owner
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(cast.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    const ints = tf.cast(copy, 'int32');
    expect(ints.dtype).toBe('int32');
    expect(Array.from(ints.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose([copy, cast, ints]);
    expect({ tensors: tf.memory().numTensors, buffers: buffers() }).toEqual(before);
  });
});
