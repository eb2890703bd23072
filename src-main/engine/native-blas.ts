/**
 * Matrix products on the machine's own BLAS library where one is installed (OpenBLAS or BLIS on
 * Linux and Windows, Accelerate on macOS), called through `koffi` (an optional dependency that ships
 * prebuilt binaries in the npm registry) directly on the wasm backend's heap: no copies, the
 * products' transposes as flags. wasm's XNNPACK is limited to 128-bit SIMD on one thread; a native
 * single-thread sgemm with AVX2/AVX-512 multiplies Beauty's logits and their gradients 2–6× faster
 * (src-main/engine/README.md). Where koffi or a BLAS library is missing, or `LLMDIREC_BLAS=0`, the
 * wasm kernels stay: same function, float32 either way (sums in another order).
 *
 * `LLMDIREC_BLAS=<file>` picks the library. Each library is asked for one thread: the engine's
 * parallelism is its data-parallel workers, one per core.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HeapBackend, KernelArgs } from './heap-kernels';

type Sgemm = (order: number, transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number) => void;

export interface NativeBlas {
  /** The library file that loaded. */
  library: string;
  sgemm: Sgemm;
}

const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

/** Libraries tried in order, per platform (a bare name is found by the system's loader). */
function candidates(): string[] {
  const chosen = process.env.LLMDIREC_BLAS;
  if (chosen) return [chosen];
  if (process.platform === 'darwin') return ['/System/Library/Frameworks/Accelerate.framework/Accelerate', 'libopenblas.dylib'];
  if (process.platform === 'win32') return ['libopenblas.dll', 'openblas.dll'];
  return ['libopenblas.so.0', 'libopenblas.so', 'libblis.so.4', 'libblis.so'];
}

let loaded: Promise<NativeBlas | null> | undefined;

/** The BLAS library of this process (null where there is none, or `LLMDIREC_BLAS=0`). */
export function nativeBlas(): Promise<NativeBlas | null> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<NativeBlas | null> {
  if (process.env.LLMDIREC_BLAS === '0') return null;
  let koffi: typeof import('koffi').default;
  try {
    koffi = (await import('koffi')).default;
  } catch {
    return null; // the optional dependency is not installed here
  }
  for (const library of candidates()) {
    try {
      const lib = koffi.load(library);
      const sgemm = lib.func('void cblas_sgemm(int, int, int, int, int, int, float, float *, int, float *, int, float, _Inout_ float *, int)') as unknown as Sgemm;
      for (const signature of ['void openblas_set_num_threads(int)', 'void bli_thread_set_num_threads(int64_t)']) {
        try {
          (lib.func(signature) as unknown as (threads: number) => void)(1);
        } catch {
          // not this vendor's library
        }
      }
      return { library, sgemm };
    } catch {
      // not installed, or no cblas_sgemm in it: try the next one
    }
  }
  return null;
}

/**
 * wasm `BatchMatMul` on the native sgemm: unbatched products, and batched ones whose batch sizes
 * match or are 1 (broadcast), float32 only; anything else goes to the wasm kernel.
 */
export function blasBatchMatMul(blas: NativeBlas, original: tf.KernelFunc): tf.KernelFunc {
  return (args: KernelArgs) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2 || a.shape.length !== b.shape.length) return original(args);
    const rank = a.shape.length;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) return original(args);
    if (rank > 3 && batchA !== batchB) return original(args); // broadcasting over several batch axes
    const m = transposeA ? a.shape[rank - 1]! : a.shape[rank - 2]!;
    const k = transposeA ? a.shape[rank - 2]! : a.shape[rank - 1]!;
    const n = transposeB ? b.shape[rank - 2]! : b.shape[rank - 1]!;
    if ((transposeB ? b.shape[rank - 1] : b.shape[rank - 2]) !== k) return original(args); // let the wasm kernel word the error
    const batch = Math.max(batchA, batchB);
    const batchShape = batchA >= batchB ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    const backend = args.backend as unknown as HeapBackend;
    const out = backend.makeOutput([...batchShape, m, n], 'float32');
    // Views after the allocation: allocating may grow the heap, which detaches earlier views.
    const c = backend.typedArrayFromHeap(out);
    if (k === 0 || m === 0 || n === 0) {
      c.fill(0);
      return out;
    }
    const av = backend.typedArrayFromHeap(a);
    const bv = backend.typedArrayFromHeap(b);
    const lda = transposeA ? m : k;
    const ldb = transposeB ? k : n;
    for (let i = 0; i < batch; i++) {
      const as = batchA === 1 ? av : av.subarray(i * m * k, (i + 1) * m * k);
      const bs = batchB === 1 ? bv : bv.subarray(i * k * n, (i + 1) * k * n);
      const cs = batch === 1 ? c : c.subarray(i * m * n, (i + 1) * m * n);
      blas.sgemm(ROW_MAJOR, transposeA ? TRANS : NO_TRANS, transposeB ? TRANS : NO_TRANS, m, n, k, 1, as, lda, bs, ldb, 0, cs, n);
    }
    return out;
  };
}
