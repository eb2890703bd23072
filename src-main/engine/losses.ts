/** Loss functions (INDIREC-SPEC §4, §8). Call inside a gradient scope. */
import * as tf from '@tensorflow/tfjs-core';
import { matMul } from './kernels';

/** Mean cross-entropy of `logits` [B, V] against integer `targets` (full softmax, §4). */
export function crossEntropy(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  const [b, v] = logits.shape;
  const logProbs = tf.logSoftmax(logits);
  const at = Int32Array.from(targets, (t, r) => r * v + t);
  return tf.neg(tf.mean(tf.gather(tf.reshape(logProbs, [b * v]), tf.tensor1d(at, 'int32')))) as tf.Scalar;
}

/** Recommendation loss: CE of h·Eᵀ over all V rows (incl. padding and mask rows, as the reference). */
export function recommendationLoss(h: tf.Tensor2D, table: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  return crossEntropy(matMul(h, table, false, true), targets);
}

/**
 * InfoNCE between the generated view and the sequence representation with same-target
 * false-negative masking (§8): z = [view; h] (2B×D), sim = z·zᵀ/τ; row k's positive is its partner
 * (k ± B); its negatives are every column whose target differs from row k's (same-target columns,
 * the diagonal and the partner itself are masked); CE with the positive as class 0, mean over 2B rows.
 */
export function intentContrastiveLoss(view: tf.Tensor2D, h: tf.Tensor2D, targets: Int32Array, temperature: number, similarity: 'dot' | 'cos'): tf.Scalar {
  const b = h.shape[0];
  const n = 2 * b;
  const mask = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (targets[i % b] === targets[j % b]) mask[i * n + j] = -1e9;
  let z: tf.Tensor2D = tf.concat([view, h], 0);
  if (similarity === 'cos') z = tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-8));
  const partner = tf.concat([tf.slice(z, [b, 0], [b, -1]), tf.slice(z, [0, 0], [b, -1])], 0);
  const positive = tf.div(tf.sum(tf.mul(z, partner), 1, true), temperature); // [2B, 1]
  const sim = tf.add(tf.div(matMul(z, z, false, true), temperature), tf.tensor2d(mask, [n, n]));
  const logits = tf.concat([positive, sim], 1);
  return tf.mean(tf.sub(tf.logSumExp(logits, 1, true), positive)) as tf.Scalar;
}
