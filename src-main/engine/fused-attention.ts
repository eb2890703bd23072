/**
 * Multi-head self-attention of the encoder (docs/model.md §3 steps 2–4) as one kernel with its own
 * gradient on the wasm backend: no head split/merge transposes, no [b, h, w, w] mask, score,
 * softmax or dropout tensors of their own. Rows stay in the dense layers' [b, w, d] layout; head h
 * is columns h·dh … (h+1)·dh − 1.
 *
 * Queries may be all w positions or only the last one (the last layer reads position w − 1 only);
 * query i sits at position i + w − queries and sees key j when key j is an item (id > 0) and
 * j ≤ that position — the additive (1 − key_ok·causal)·(−10000) mask, added as the composite does,
 * so a query that sees no key (a padding position) gets the same uniform weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedHere, onHeap, simdLoops, type KernelArgs, type SimdLoops } from './heap-kernels';

interface AttentionAttrs {
  heads: number;
  scale: number;
}

function sizes(q: tf.TensorInfo, k: tf.TensorInfo) {
  const [b, queries, d] = q.shape as [number, number, number];
  return { b, queries, w: k.shape[1]!, d };
}

// Addresses: a [b, w, d] tensor's row (r, j) of head h starts at byte ((r·w + j)·d + h·dh)·4; rows
// of one sequence and head are d·4 bytes apart. Products run in wasm (float32, 4 lanes); the softmax
// and the masks in JS (attendRow, shared with packed-attention.ts).
/** The tensors one attention kernel reads and writes, as heap views (their byteOffsets are wasm addresses). */
export interface AttentionViews {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  probs: Float32Array;
  keep?: Float32Array;
}

/**
 * One query and head, forward: probs[po …] = softmax(q·kⱼ·scale + mask_j) over its n keys, then
 * context += (probs·keep)·v. Byte offsets: `qo` of the query (and context) row, `keyRows` of the first
 * key row; `po` indexes its first probability. The padded layout's additive mask comes from `keyOk`
 * (key j visible when keyOk[keyOkAt + j] > 0 and j ≤ position); packed rows see every key given.
 */
export function attendRow(loops: SimdLoops, a: AttentionViews, context: Float32Array, weights: Float32Array, stride: number, dh: number, scale: number, qo: number, keyRows: number, po: number, n: number, keyOk?: Float32Array, keyOkAt = 0, position = 0): void {
  const probs = a.probs;
  loops.dots(a.q.byteOffset + qo, a.k.byteOffset + keyRows, stride, n, dh, probs.byteOffset + po * 4);
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const mask = keyOk && !(keyOk[keyOkAt + j]! > 0 && j <= position) ? -10000 : 0;
    const s = (probs[po + j] = probs[po + j]! * scale + mask);
    if (s > max) max = s;
  }
  let sum = 0;
  for (let j = 0; j < n; j++) sum += probs[po + j] = Math.exp(probs[po + j]! - max);
  for (let j = 0; j < n; j++) {
    probs[po + j] = probs[po + j]! / sum;
    if (a.keep) weights[j] = probs[po + j]! * a.keep[po + j]!;
  }
  loops.weightedSum(a.keep ? weights.byteOffset : probs.byteOffset + po * 4, a.v.byteOffset + keyRows, stride, n, dh, context.byteOffset + qo);
}

/**
 * Its gradient, accumulated into dq, dk, dv: dP_j = keep_j · dC·v_j; dv_j += P_j·keep_j · dC; the
 * softmax: dS_j = P_j (dP_j − Σ P·dP). `grad` and `kept` are scratch of at least n floats.
 */
export function attendRowGrad(loops: SimdLoops, a: AttentionViews, dc: Float32Array, [dq, dk, dv]: Float32Array[], grad: Float32Array, kept: Float32Array, stride: number, dh: number, scale: number, qo: number, keyRows: number, po: number, n: number): void {
  const { probs, keep } = a;
  loops.dots(dc.byteOffset + qo, a.v.byteOffset + keyRows, stride, n, dh, grad.byteOffset);
  let dot = 0;
  for (let j = 0; j < n; j++) {
    if (keep) {
      grad[j] = grad[j]! * keep[po + j]!;
      kept[j] = probs[po + j]! * keep[po + j]!;
    }
    dot += grad[j]! * probs[po + j]!;
  }
  for (let j = 0; j < n; j++) grad[j] = probs[po + j]! * (grad[j]! - dot) * scale;
  loops.addOuter(keep ? kept.byteOffset : probs.byteOffset + po * 4, dc.byteOffset + qo, dv!.byteOffset + keyRows, stride, n, dh);
  loops.weightedSum(grad.byteOffset, a.k.byteOffset + keyRows, stride, n, dh, dq!.byteOffset + qo);
  loops.addOuter(grad.byteOffset, a.q.byteOffset + qo, dk!.byteOffset + keyRows, stride, n, dh);
}

function attentionForward(args: KernelArgs): tf.TensorInfo[] {
  const { q, k } = args.inputs as Record<'q' | 'k', tf.TensorInfo>;
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  const { b, queries, w, d } = sizes(q, k);
  const dh = d / heads;
  const loops = simdLoops(args.backend)!;
  return onHeap(args, ['q', 'k', 'v', 'keyOk', 'keep'], [[b, queries, d], [b, heads, queries, w]], ([qs, ks, vs, keyOk, keep], [context, probs], weights) => {
    const views = { q: qs!, k: ks!, v: vs!, probs: probs!, keep };
    for (let r = 0; r < b; r++) {
      for (let h = 0; h < heads; h++) {
        const keyRows = ((r * w) * d + h * dh) * 4;
        for (let i = 0; i < queries; i++) {
          const qo = ((r * queries + i) * d + h * dh) * 4;
          const po = ((r * heads + h) * queries + i) * w;
          attendRow(loops, views, context!, weights, d * 4, dh, scale, qo, keyRows, po, w, keyOk!, r * w, i + w - queries);
        }
      }
    }
  }, w);
}

function attentionBackward(args: KernelArgs): tf.TensorInfo[] {
  const { q, k } = args.inputs as Record<'q' | 'k', tf.TensorInfo>;
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  const { b, queries, w, d } = sizes(q, k);
  const dh = d / heads;
  const loops = simdLoops(args.backend)!;
  return onHeap(args, ['dContext', 'q', 'k', 'v', 'probs', 'keep'], [[b, queries, d], [b, w, d], [b, w, d]], ([dc, qs, ks, vs, probs, keep], grads, scratch) => {
    const views = { q: qs!, k: ks!, v: vs!, probs: probs!, keep };
    const grad = scratch.subarray(0, w);
    const kept = scratch.subarray(w);
    for (let r = 0; r < b; r++) {
      for (let h = 0; h < heads; h++) {
        const keyRows = ((r * w) * d + h * dh) * 4;
        for (let i = 0; i < queries; i++) {
          const qo = ((r * queries + i) * d + h * dh) * 4;
          const po = ((r * heads + h) * queries + i) * w;
          attendRowGrad(loops, views, dc!, grads, grad, kept, d * 4, dh, scale, qo, keyRows, po, w);
        }
      }
    }
  }, 2 * w);
}

const fusedAttention = (heads: number, scale: number, keyOk: tf.Tensor, keep: tf.Tensor | undefined) =>
  tf.customGrad(((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, save: tf.GradSaveFunc) => {
    const attrs = { heads, scale } as unknown as tf.NamedAttrMap;
    const [context, probs] = tf.engine().runKernel('EngineAttention', { q, k, v, keyOk, ...(keep ? { keep } : {}) }, attrs) as tf.Tensor[];
    // The dropout multiplier is saved too: the caller's scope disposes it before the backward pass.
    save(keep ? [q, k, v, probs!, keep] : [q, k, v, probs!]);
    return {
      value: context!,
      gradFunc: (dContext: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sprobs, skeep] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        return tf.engine().runKernel('EngineAttentionGrad', { dContext, q: sq, k: sk, v: sv, probs: sprobs, ...(skeep ? { keep: skeep } : {}) }, attrs) as tf.Tensor[];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor;

export interface AttentionInput {
  /** [b, queries, d]: all w positions, or only the last (queries = 1). */
  q: tf.Tensor3D;
  /** [b, w, d] */
  k: tf.Tensor3D;
  v: tf.Tensor3D;
  /** [b, w] float32, 1 where the position holds an item. */
  keyOk: tf.Tensor2D;
  heads: number;
  /** Dropout multiplier of the probabilities ([b, heads, queries, w]: 0 or 1/keep), if training. */
  keep?: tf.Tensor;
}

/** Whether this backend runs the fused kernel for heads of this size (else the encoder runs its composite ops). */
export const fusedAttentionHere = (headSize: number) => headSize % 4 === 0 && fusedHere('EngineAttention') && simdLoops(tf.backend()) !== null;

/** Context vectors [b, queries, d] of multi-head attention with the encoder's mask (fused kernel only). */
export function attention({ q, k, v, keyOk, heads, keep }: AttentionInput): tf.Tensor3D {
  const scale = 1 / Math.sqrt(q.shape[2] / heads);
  return fusedAttention(heads, scale, keyOk, keep)(q, k, v) as tf.Tensor3D;
}

export const attentionKernelConfigs = (backendName: string): tf.KernelConfig[] => [
  { kernelName: 'EngineAttention', backendName, kernelFunc: attentionForward as tf.KernelFunc },
  { kernelName: 'EngineAttentionGrad', backendName, kernelFunc: attentionBackward as tf.KernelFunc },
];
