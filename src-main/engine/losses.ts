/** Loss functions (docs/model.md §4, §8). Call inside a gradient scope. */
import * as tf from '@tensorflow/tfjs-core';
import { matMul } from './kernels';

/**
 * Mean cross-entropy of `logits` [B, V] against integer `targets` (full softmax, §4).
 *
 * Same function and gradient as −mean(logSoftmax(logits)[r, t_r]), computed with the backend's
 * Softmax kernel (one vectorised pass on wasm/XNNPACK; tfjs's logSoftmax runs a scalar Exp over
 * all B·V logits in the forward pass and again in its gradient, the step's largest cost):
 *   p = softmax(l);  log Σ_j e^{l_j} = max_j l_j − log max_j p_j  (the largest p is 1/Σ_j e^{l_j − max},
 *   never below 1/V, so no underflow);  loss = mean_r(lse_r − l_{r,t_r});  ∂loss/∂l = (p − onehot(t))/B.
 */
export function crossEntropy(logits: tf.Tensor2D, targets: Int32Array): tf.Scalar {
  const [b, v] = logits.shape;
  const op = tf.customGrad(((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const p = tf.softmax(x);
    save([p]);
    const at = tf.tensor1d(Int32Array.from(targets, (t, r) => r * v + t), 'int32');
    const lse = tf.sub(tf.max(x, 1), tf.log(tf.max(p, 1)));
    const value = tf.mean(tf.sub(lse, tf.gather(tf.reshape(x, [b * v]), at)));
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        // (the wasm OneHot kernel writes int32 whatever the dtype, so the one-hot matrix is a scatter)
        const rc = Int32Array.from({ length: 2 * b }, (_, k) => (k % 2 ? targets[k >> 1]! : k >> 1));
        const onehot = tf.scatterND(tf.tensor2d(rc, [b, 2], 'int32'), tf.ones([b]), [b, v]);
        return tf.mul(tf.sub(saved[0]!, onehot), tf.div(dy, b));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D) => tf.Scalar;
  return op(logits);
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
  const logits = tf.concat([positive, sim], 1) as tf.Tensor2D;
  // mean(logSumExp(logits) − positive) is the cross-entropy with class 0 (the positive's column);
  // crossEntropy takes the Softmax-kernel path (tfjs's logSumExp gradient runs a broadcast Equal).
  return crossEntropy(logits, new Int32Array(n));
}
