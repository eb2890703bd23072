/**
 * Compute backend selection. Preference order: native TensorFlow (`@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`, optional dependencies loaded only if present), the portable WebAssembly
 * backend with SIMD, and the pure-JS cpu backend last. The chosen backend's name is reported in every
 * run record and in CLI output (`activeBackend()`).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { registerGradients } from './gradients';
import { registerTrainingKernels } from './kernels';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

let ready: Promise<BackendName> | undefined;
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

async function tryWasm(): Promise<boolean> {
  try {
    setWasmPaths(wasmDir());
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

export function activeBackend(): string {
  return tf.getBackend();
}
