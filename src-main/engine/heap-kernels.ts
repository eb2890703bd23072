/**
 * What the engine's own wasm kernels share (fused-ops.ts, fused-attention.ts, packed-attention.ts):
 * direct access to the wasm heap, its SIMD loops, and the switch that turns them off.
 */
import * as tf from '@tensorflow/tfjs-core';
import { attentionKernelsSharedWasm, attentionKernelsWasm } from './attention-kernels.wasm';

export type KernelArgs = Parameters<tf.KernelFunc>[0];
export interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory; _malloc(bytes: number): number; _free(pointer: number): void; HEAPF32: Float32Array };
}

/**
 * Benchmark and test switch: `false` runs the composite tfjs ops everywhere. `LLMDIREC_FUSED=0`
 * starts a process or worker thread (which inherit the environment) with it off.
 */
export const fusedOptions = { enabled: process.env.LLMDIREC_FUSED !== '0' };

export const fusedHere = (name: string) => fusedOptions.enabled && tf.getKernel(name, tf.getBackend()) !== undefined;

/**
 * Allocates the outputs and `scratchFloats` of scratch first (an allocation may grow the heap, which
 * detaches earlier views), then hands views of the inputs, the outputs (zeroed unless `zeroed` is
 * false: a kernel that writes every element saves the pass) and the scratch to `compute` (a view's
 * byteOffset is its address for wasm code over the same memory).
 */
export function onHeap(
  args: KernelArgs,
  inputNames: string[],
  outputShapes: number[][],
  compute: (inputs: (Float32Array | undefined)[], outputs: Float32Array[], scratch: Float32Array) => void,
  scratchFloats = 0,
  zeroed = true,
): tf.TensorInfo[] {
  const backend = args.backend as unknown as HeapBackend;
  const outputs = outputShapes.map((shape) => backend.makeOutput(shape, 'float32'));
  const scratchAt = scratchFloats > 0 ? backend.wasm._malloc(scratchFloats * 4) : 0;
  try {
    const inputs = inputNames.map((name) => {
      const info = (args.inputs as Record<string, tf.TensorInfo | undefined>)[name];
      return info ? (backend.typedArrayFromHeap(info) as Float32Array) : undefined;
    });
    const views = outputs.map((o) => backend.typedArrayFromHeap(o) as Float32Array);
    if (zeroed) for (const v of views) v.fill(0);
    compute(inputs, views, new Float32Array(backend.wasm.HEAPF32.buffer, scratchAt, scratchFloats));
  } finally {
    if (scratchAt) backend.wasm._free(scratchAt);
  }
  return outputs;
}

/** The SIMD loops of attention-kernels.wat (attention, layer norm, GELU), instantiated once over a wasm backend's memory. */
export interface SimdLoops {
  dots(a: number, rows: number, stride: number, count: number, n: number, out: number): void;
  weightedSum(weights: number, rows: number, stride: number, count: number, n: number, out: number): void;
  addOuter(weights: number, x: number, rows: number, stride: number, count: number, n: number): void;
  layerNorm(x: number, gamma: number, beta: number, y: number, xhat: number, rstd: number, rows: number, n: number): void;
  layerNormGrad(dy: number, xhat: number, rstd: number, gamma: number, dx: number, dgamma: number, dbeta: number, rows: number, n: number): void;
  gelu(x: number, e: number, y: number, count: number): void;
  geluGrad(dy: number, x: number, e: number, q: number, dx: number, count: number): void;
}

const loopsByMemory = new WeakMap<WebAssembly.Memory, SimdLoops | null>();

/** The loops for this backend, or null where it has no wasm memory or this runtime no SIMD. */
export function simdLoops(backend: unknown): SimdLoops | null {
  // The single-threaded build exports its memory; the threaded one imports it (Module.wasmMemory).
  const wasm = (backend as Partial<HeapBackend>).wasm;
  const memory = wasm?.asm?.memory ?? wasm?.wasmMemory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  if (!loopsByMemory.has(memory)) {
    try {
      // The threaded backend's memory is shared, and a module must declare a shared import to take it.
      const bytes = memory.buffer instanceof SharedArrayBuffer ? attentionKernelsSharedWasm : attentionKernelsWasm;
      const module = new WebAssembly.Module(Buffer.from(bytes, 'base64'));
      loopsByMemory.set(memory, new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as SimdLoops);
    } catch {
      loopsByMemory.set(memory, null);
    }
  }
  return loopsByMemory.get(memory)!;
}
