/**
 * Kernels and ops that make training practical on the wasm and cpu backends (tfjs 4.22).
 *
 * 1. `UnsortedSegmentSum` (the gradient of `gather`, i.e. of every embedding lookup) is missing on
 *    wasm and pathologically slow on cpu (a dense one-hot formulation). It is the same computation as
 *    `ScatterNd` with the segment ids as 1-d indices (duplicates add up), which both backends have.
 * 2. The wasm `BatchMatMul` only takes its fast XNNPACK path for untransposed, unbatched inputs, so
 *    `matMul` here transposes explicitly first, in the forward pass and in its gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attentionKernelConfigs } from './fused-attention';
import { normKernelConfigs } from './fused-ops';
import { optimizerKernelConfigs } from './fused-optimizer';
import { blasBatchMatMul, type NativeBlas } from './native-blas';
import { packedAttentionKernelConfigs } from './packed-attention';

type KernelArgs = Parameters<tf.KernelFunc>[0];

function unsortedSegmentSumViaScatter(backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }: KernelArgs) => {
    const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
    const { numSegments } = attrs as unknown as { numSegments: number };
    const reshape = tf.getKernel('Reshape', backendName)!.kernelFunc;
    const scatter = tf.getKernel('ScatterNd', backendName)!.kernelFunc;
    const n = tf.util.sizeFromShape(segmentIds.shape);
    const rest = x.shape.slice(segmentIds.shape.length);
    const indices = reshape({ inputs: { x: segmentIds }, backend, attrs: { shape: [n, 1] } }) as tf.TensorInfo;
    const updates = reshape({ inputs: { x }, backend, attrs: { shape: [n, ...rest] } }) as tf.TensorInfo;
    const out = scatter({ inputs: { indices, updates }, backend, attrs: { shape: [numSegments, ...rest] } }) as tf.TensorInfo;
    const b = backend as unknown as { disposeData(id: object): void };
    b.disposeData(indices.dataId);
    b.disposeData(updates.dataId);
    return out;
  };
}

/**
 * 3. The wasm `Identity` kernel (and `Cast` to the same dtype) copies the whole buffer, and the engine
 *    clones every tensor it saves for the backward pass (and tfjs's gradients clone/cast freely):
 *    ~860 copies per SASRec step. Tensors are immutable (a variable's `assign` swaps its data id), so
 *    sharing the data with a reference count, as the cpu backend's Identity and wasm's own Reshape do,
 *    is the same result without the copy.
 */
function sharedIdentity(backendName: string, kernelName: 'Identity' | 'Cast'): tf.KernelFunc {
  const original = tf.getKernel(kernelName, backendName)!.kernelFunc;
  return (args: KernelArgs) => {
    const x = (args.inputs as { x: tf.TensorInfo }).x;
    const dtype = (args.attrs as { dtype?: tf.DataType } | undefined)?.dtype ?? x.dtype;
    if (dtype !== x.dtype || x.dtype === 'string') return original(args);
    (args.backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/**
 * 4. The wasm `GatherV2` kernel computes a generic multi-index per output element: 16–22 ms for an
 *    embedding lookup of 2,000 rows of 64 (every encoder group does one). Along axis 0 it is a row copy;
 *    this does it with one typed-array copy per index on the wasm heap (same values, bit for bit) and
 *    leaves every other case to the original kernel.
 */
function rowGather(backendName: string): tf.KernelFunc {
  const original = tf.getKernel('GatherV2', backendName)!.kernelFunc;
  type Heap = { typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array; makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo; readSync(id: object): unknown };
  return (args: KernelArgs) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    if ((axis !== 0 && axis !== -x.shape.length) || batchDims || (x.dtype !== 'float32' && x.dtype !== 'int32') || x.shape.length < 1) return original(args);
    const backend = args.backend as unknown as Heap;
    const rows = x.shape[0]!;
    const slice = tf.util.sizeFromShape(x.shape.slice(1));
    const ids = backend.readSync(indices.dataId) as Int32Array;
    for (const i of ids) if (!(i >= 0 && i < rows)) throw new Error(`GatherV2: the index value ${i} is not in [0, ${rows - 1}]`); // before allocating: nothing to leak
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    const from = backend.typedArrayFromHeap(x);
    const to = backend.typedArrayFromHeap(out);
    for (let r = 0; r < ids.length; r++) {
      const i = ids[r]!;
      if (slice === 1) to[r] = from[i]!;
      else to.set(from.subarray(i * slice, i * slice + slice), r * slice);
    }
    return out;
  };
}

const registered = new Set<string>();

/** Registers the replacement kernels for the given backend (idempotent). Native TensorFlow needs none. */
export function registerTrainingKernels(backendName: string): void {
  if (registered.has(backendName) || (backendName !== 'wasm' && backendName !== 'cpu')) return;
  if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName, kernelFunc: unsortedSegmentSumViaScatter(backendName) });
  if (backendName === 'wasm') {
    for (const name of ['Identity', 'Cast', 'GatherV2'] as const) {
      const kernel = tf.getKernel(name, backendName)!;
      const kernelFunc = name === 'GatherV2' ? rowGather(backendName) : sharedIdentity(backendName, name);
      tf.unregisterKernel(name, backendName);
      tf.registerKernel({ ...kernel, kernelFunc });
    }
    // 5. The encoder's layer norm and attention, and the optimiser's update, as single kernels
    //    (fused-ops.ts, fused-attention.ts, fused-optimizer.ts).
    for (const config of [...normKernelConfigs(backendName), ...attentionKernelConfigs(backendName), ...packedAttentionKernelConfigs(backendName), ...optimizerKernelConfigs(backendName)]) tf.registerKernel(config);
  }
  registered.add(backendName);
}

/**
 * Benchmark switches: `explicitTranspose: false` = tfjs's own matMul with transpose flags (the
 * baseline bench/train.ts compares against). `nativeProducts` says whether BatchMatMul runs on the
 * native BLAS (native-blas.ts), which takes transposes as flags: then no explicit transpose is needed.
 */
export const kernelOptions = { explicitTranspose: true, nativeProducts: false };
let nativeRegistered = false;

/**
 * 6. Matrix products on the machine's BLAS library where one loads (native-blas.ts); idempotent.
 *    Returns whether the products now run there (`kernelOptions.nativeProducts` switches back).
 */
export function registerNativeProducts(backendName: string, blas: NativeBlas): boolean {
  if (backendName !== 'wasm') return false;
  if (!nativeRegistered) {
    const kernel = tf.getKernel('BatchMatMul', backendName)!;
    const native = blasBatchMatMul(blas, kernel.kernelFunc);
    tf.unregisterKernel('BatchMatMul', backendName);
    tf.registerKernel({ ...kernel, kernelFunc: (args) => (kernelOptions.nativeProducts ? native(args) : kernel.kernelFunc(args)) });
    nativeRegistered = true;
  }
  kernelOptions.nativeProducts = true;
  return true;
}

function plainMatMul(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  if (!kernelOptions.explicitTranspose || kernelOptions.nativeProducts) return tf.matMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}

function makeMatMul(transposeA: boolean, transposeB: boolean) {
  return tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, b]);
    return {
      value: plainMatMul(a, b, transposeA, transposeB),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
        // d(op(A)·op(B)) for the four transpose cases, each again as an untransposed product.
        if (!transposeA && !transposeB) return [plainMatMul(dy, sb, false, true), plainMatMul(sa, dy, true, false)];
        if (!transposeA && transposeB) return [plainMatMul(dy, sb, false, false), plainMatMul(dy, sa, true, false)];
        if (transposeA && !transposeB) return [plainMatMul(sb, dy, false, true), plainMatMul(sa, dy, false, false)];
        return [plainMatMul(sb, dy, true, true), plainMatMul(dy, sa, true, true)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
}

const matMuls = [makeMatMul(false, false), makeMatMul(false, true), makeMatMul(true, false), makeMatMul(true, true)];

/** 2-d matrix product `op(a)·op(b)` that keeps wasm on its fast path, forward and backward. */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  if (!kernelOptions.explicitTranspose) return tf.matMul(a, b, transposeA, transposeB);
  return matMuls[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)]!(a, b) as tf.Tensor2D;
}

/** `x·W + b` for x of any rank ≥ 2 (flattened to one unbatched product); W is [in, out]. */
export function dense(x: tf.Tensor, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  const inDim = x.shape[x.shape.length - 1]!;
  const flat = x.rank === 2 ? (x as tf.Tensor2D) : (tf.reshape(x, [-1, inDim]) as tf.Tensor2D);
  let y: tf.Tensor = matMul(flat, weight);
  if (bias) y = tf.add(y, bias);
  return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), weight.shape[1]]);
}

function swapLast(x: tf.Tensor): tf.Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[perm.length - 1] = perm.length - 2;
  perm[perm.length - 2] = perm.length - 1;
  return tf.transpose(x, perm);
}

/**
 * Batched `a·b` over the leading axes (same batch shape), with gradients as explicitly transposed
 * untransposed products. (The wasm backend still runs batched products on its slower generic loop.)
 */
export const batchMatMul = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => (kernelOptions.explicitTranspose ? batchMatMulExplicit(a, b) : tf.matMul(a, b));

const batchMatMulExplicit = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
