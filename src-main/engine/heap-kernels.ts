/**
 * What the engine's own wasm kernels share (fused-ops.ts, fused-attention.ts): direct access to the
 * wasm heap, and the switch that turns them off.
 */
import * as tf from '@tensorflow/tfjs-core';

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
 * detaches earlier views), then hands views of the inputs, the zeroed outputs and the scratch to
 * `compute` (a view's byteOffset is its address for wasm code over the same memory).
 */
export function onHeap(
  args: KernelArgs,
  inputNames: string[],
  outputShapes: number[][],
  compute: (inputs: (Float32Array | undefined)[], outputs: Float32Array[], scratch: Float32Array) => void,
  scratchFloats = 0,
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
    for (const v of views) v.fill(0);
    compute(inputs, views, new Float32Array(backend.wasm.HEAPF32.buffer, scratchAt, scratchFloats));
  } finally {
    if (scratchAt) backend.wasm._free(scratchAt);
  }
  return outputs;
}
