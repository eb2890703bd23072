/**
 * Compute backend selection. Preference order: native TensorFlow (`@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`, optional dependencies loaded only if present), the portable WebAssembly
 * backend with SIMD, and the pure-JS cpu backend last. The chosen backend's name is reported in every
 * run record and in CLI output (`backendDescription()`).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { registerGradients } from './gradients';
import { registerNativeProducts, registerTrainingKernels } from './kernels';
import { nativeBlas } from './native-blas';
import { withNodeWasmThreads } from './wasm-threads';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

let ready: Promise<BackendName> | undefined;
/** The BLAS library the wasm backend's matrix products run on, if one loaded (native-blas.ts). */
let productsLibrary: string | undefined;
let readyFor: BackendPreference | undefined;

/** Where the `.wasm` binaries are: Node loads them from the package's dist folder as files. */
function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

async function tryNative(): Promise<boolean> {
  // Native bindings register the 'tensorflow' backend on import. They are optional: absent here.
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(/* @vite-ignore */ pkg);
      if (await tf.setBackend('tensorflow')) return true;
    } catch {
      // not installed or not loadable on this machine: fall through to the next choice
    }
  }
  return false;
}

/**
 * Threads the wasm backend is asked for: `LLMDIREC_WASM_THREADS` (tfjs caps it at 8 and at the cores),
 * else one. Opt-in because on this 2-core machine a second thread took an InDiRec step from
 * 930–1,112 to 959–1,105 ms (its many small products gain little; +45 % CPU) and a Beauty evaluation
 * from 8.0–8.2 to 6.5–7.7 s (src-main/engine/README.md); more cores should gain more there.
 */
function wasmThreadsWanted(): number {
  const fromEnv = Number(process.env.LLMDIREC_WASM_THREADS);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? Math.min(fromEnv, availableParallelism()) : 1;
}

async function tryWasm(): Promise<boolean> {
  try {
    setWasmPaths(wasmDir());
    const threads = wasmThreadsWanted();
    if (threads > 1) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
      setThreadsCount(threads);
      // Where the threaded build does not load, the single-threaded one does the same work.
      if (await withNodeWasmThreads(() => tf.setBackend('wasm')).catch(() => false)) {
        // The pool's threads are Node workers that emscripten keeps referenced for good: released,
        // they no longer keep a process (a CLI command) or a worker thread alive after its work.
        const { PThread } = (tf.backend() as unknown as { wasm: { PThread: Record<'runningWorkers' | 'unusedWorkers', { unref(): void }[]> } }).wasm;
        for (const worker of [...PThread.runningWorkers, ...PThread.unusedWorkers]) worker.unref();
        return true;
      }
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    }
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function select(preference: BackendPreference): Promise<BackendName> {
  await registerGradients();
  const order: BackendName[] = preference === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preference];
  for (const name of order) {
    const ok = name === 'tensorflow' ? await tryNative() : name === 'wasm' ? await tryWasm() : await tf.setBackend('cpu');
    if (ok) {
      await tf.ready();
      registerTrainingKernels(tf.getBackend());
      const blas = name === 'wasm' ? await nativeBlas() : null;
      if (blas && registerNativeProducts(name, blas)) productsLibrary = blas.library;
      return tf.getBackend() as BackendName;
    }
  }
  throw new Error(`Compute backend "${preference}" is not available on this machine.`);
}

/**
 * Initialises the compute backend once per process (thread). `LLMDIREC_BACKEND` (auto|tensorflow|wasm|cpu)
 * overrides the preference. Returns the active backend's name.
 */
export function initBackend(preference?: BackendPreference): Promise<BackendName> {
  const wanted = preference ?? ((process.env.LLMDIREC_BACKEND as BackendPreference | undefined) || 'auto');
  if (!ready || readyFor !== wanted) {
    readyFor = wanted;
    ready = select(wanted);
  }
  return ready;
}

/** The backend with its thread count and products library where it has them, for logs: "wasm (2 threads) + libopenblas.so.0". */
export function backendDescription(): string {
  const name = tf.getBackend();
  if (name !== 'wasm') return name;
  const threads = getThreadsCount();
  const products = productsLibrary ? ` + ${basename(productsLibrary)}` : '';
  return (threads > 1 ? `wasm (${threads} threads)` : 'wasm') + products;
}
