/**
 * Multi-head causal self-attention over *packed* sequences (wasm, one kernel with its own gradient):
 * a batch's sequences are stored back to back as [T, d] token rows, with no padding at all, and
 * `segments` (B + 1 offsets) says where each starts. Query t of a sequence sees the keys from its
 * sequence's start up to t — the encoder's (1 − key_ok·causal)·(−10000) mask without the padded
 * keys, which that mask gives exactly zero weight (exp(−10000 − max) underflows to 0 in float32).
 *
 * Packed rows are what make a step cheap: the padded layout runs every dense layer over
 * rows × width positions in up to eight length groups (each the whole encoder: ~55 kernels and
 * their bookkeeping, ×3 encodings per InDiRec step); packed, one encoding is one pass over the real
 * tokens (Beauty's training prefixes average ≈ 6 items against the padded width's 50).
 *
 * Queries are every token (`lastOnly` false) or only each sequence's last one ([B, d]: the last
 * layer reads that position only). Probabilities are stored query by query, head by head, one entry
 * per visible key; the dropout multiplier `keep` has the same layout.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attendRow, attendRowGrad } from './fused-attention';
import { fusedHere, onHeap, simdLoops, type KernelArgs } from './heap-kernels';

interface PackedAttrs {
  heads: number;
  scale: number;
  layout: QueryLayout;
}

/** Per query: its first key row, its number of keys, and where its probabilities start (head 0). */
export interface QueryLayout {
  keyStart: Int32Array;
  keyCount: Int32Array;
  probStart: Int32Array;
  /** Probability entries in all: heads × Σ keyCount. */
  total: number;
  maxKeys: number;
}

/** Where each query's keys and probabilities are; `segments` = B + 1 token offsets (sequence r is rows segments[r] … segments[r + 1] − 1). */
export function queryLayout(segments: readonly number[], lastOnly: boolean, heads: number): QueryLayout {
  const B = segments.length - 1;
  const queries = lastOnly ? B : segments[B]!;
  const keyStart = new Int32Array(queries);
  const keyCount = new Int32Array(queries);
  let q = 0;
  for (let r = 0; r < B; r++) {
    const start = segments[r]!;
    const end = segments[r + 1]!;
    if (lastOnly) {
      keyStart[q] = start;
      keyCount[q++] = end - start;
    } else {
      for (let t = start; t < end; t++) {
        keyStart[q] = start;
        keyCount[q++] = t - start + 1;
      }
    }
  }
  const probStart = new Int32Array(queries);
  let total = 0;
  let maxKeys = 0;
  for (let i = 0; i < queries; i++) {
    probStart[i] = total;
    total += heads * keyCount[i]!;
    maxKeys = Math.max(maxKeys, keyCount[i]!);
  }
  return { keyStart, keyCount, probStart, total, maxKeys };
}

// Addresses: token row t of head h starts at byte (t·d + h·dh)·4; a sequence's keys are d·4 bytes
// apart. Each (query, head) is fused-attention.ts's attendRow / attendRowGrad, without a mask.
function packedForward(args: KernelArgs): tf.TensorInfo[] {
  const { q } = args.inputs as Record<'q', tf.TensorInfo>;
  const { heads, scale, layout: L } = args.attrs as unknown as PackedAttrs;
  const [queries, d] = q.shape as [number, number];
  const dh = d / heads;
  const loops = simdLoops(args.backend)!;
  return onHeap(args, ['q', 'k', 'v', 'keep'], [[queries, d], [L.total]], ([qs, ks, vs, keep], [context, probs], weights) => {
    const views = { q: qs!, k: ks!, v: vs!, probs: probs!, keep };
    for (let i = 0; i < queries; i++) {
      const n = L.keyCount[i]!;
      for (let h = 0; h < heads; h++) attendRow(loops, views, context!, weights, d * 4, dh, scale, (i * d + h * dh) * 4, (L.keyStart[i]! * d + h * dh) * 4, L.probStart[i]! + h * n, n);
    }
  }, L.maxKeys);
}

function packedBackward(args: KernelArgs): tf.TensorInfo[] {
  const { q, k } = args.inputs as Record<'q' | 'k', tf.TensorInfo>;
  const { heads, scale, layout: L } = args.attrs as unknown as PackedAttrs;
  const [queries, d] = q.shape as [number, number];
  const dh = d / heads;
  const loops = simdLoops(args.backend)!;
  return onHeap(args, ['dContext', 'q', 'k', 'v', 'probs', 'keep'], [[queries, d], k.shape, k.shape], ([dc, qs, ks, vs, probs, keep], grads, scratch) => {
    const views = { q: qs!, k: ks!, v: vs!, probs: probs!, keep };
    const grad = scratch.subarray(0, L.maxKeys);
    const kept = scratch.subarray(L.maxKeys);
    for (let i = 0; i < queries; i++) {
      const n = L.keyCount[i]!;
      for (let h = 0; h < heads; h++) attendRowGrad(loops, views, dc!, grads, grad, kept, d * 4, dh, scale, (i * d + h * dh) * 4, (L.keyStart[i]! * d + h * dh) * 4, L.probStart[i]! + h * n, n);
    }
  }, 2 * L.maxKeys);
}

const packedAttentionOp = (attrs: PackedAttrs, keep: tf.Tensor | undefined) =>
  tf.customGrad(((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, save: tf.GradSaveFunc) => {
    const kernelAttrs = attrs as unknown as tf.NamedAttrMap;
    const [context, probs] = tf.engine().runKernel('EnginePackedAttention', { q, k, v, ...(keep ? { keep } : {}) }, kernelAttrs) as tf.Tensor[];
    // The dropout multiplier is saved too: the caller's scope disposes it before the backward pass.
    save(keep ? [q, k, v, probs!, keep] : [q, k, v, probs!]);
    return {
      value: context!,
      gradFunc: (dContext: tf.Tensor, saved: tf.Tensor[]) => {
        const [sq, sk, sv, sprobs, skeep] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
        return tf.engine().runKernel('EnginePackedAttentionGrad', { dContext, q: sq, k: sk, v: sv, probs: sprobs, ...(skeep ? { keep: skeep } : {}) }, kernelAttrs) as tf.Tensor[];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.Tensor;

export interface PackedAttentionInput {
  /** [T, d] (every token) or [B, d] (each sequence's last token, `layout` made with lastOnly). */
  q: tf.Tensor2D;
  /** [T, d] */
  k: tf.Tensor2D;
  v: tf.Tensor2D;
  layout: QueryLayout;
  heads: number;
  /** Dropout multiplier of the probabilities ([layout.total]: 0 or 1/keep), if training. */
  keep?: tf.Tensor;
}

/**
 * Benchmark switch: `false` encodes padded length groups with the fused padded kernels instead;
 * `LLMDIREC_PACKED=0` starts a process or worker thread (which inherit the environment) with it off.
 */
export const packedOptions = { enabled: process.env.LLMDIREC_PACKED !== '0' };

/** Whether this backend runs packed attention for heads of this size (else the encoder pads). */
export const packedAttentionHere = (headSize: number) => packedOptions.enabled && headSize % 4 === 0 && fusedHere('EnginePackedAttention') && simdLoops(tf.backend()) !== null;

/** Context vectors of the queries ([T, d] or [B, d]). */
export function packedAttention({ q, k, v, layout, heads, keep }: PackedAttentionInput): tf.Tensor2D {
  const scale = 1 / Math.sqrt(q.shape[1] / heads);
  return packedAttentionOp({ heads, scale, layout }, keep)(q, k, v) as tf.Tensor2D;
}

export const packedAttentionKernelConfigs = (backendName: string): tf.KernelConfig[] => [
  { kernelName: 'EnginePackedAttention', backendName, kernelFunc: packedForward as tf.KernelFunc },
  { kernelName: 'EnginePackedAttentionGrad', backendName, kernelFunc: packedBackward as tf.KernelFunc },
];
