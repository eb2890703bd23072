/**
 * The AdamW update of one parameter and the gradients' global norm as single kernels on the wasm
 * backend (loops over the heap, float64 arithmetic); other backends run the composite ops.
 * Why: composite, one step's update issued ~730 kernels for ~50 parameters (~15 per parameter),
 * each with ~17 µs of engine bookkeeping; fused it is one per parameter plus one for the norm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedHere, onHeap, type KernelArgs } from './heap-kernels';

export interface AdamWStep {
  learningRate: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β₁ᵗ and 1 − β₂ᵗ (bias corrections of this step). */
  correction1: number;
  correction2: number;
  /** Gradient scale from clipping (≤ 1). */
  gradientScale: number;
}

/**
 * AdamW on elements [from, to) of flat arrays (float64 arithmetic, float32 storage); the outputs may
 * be the inputs (in place). The wasm kernel below and data-parallel training's sharded update
 * (data-parallel.ts) both run it, so one worker and many update alike.
 */
export function adamwElements(
  a: AdamWStep,
  from: number,
  to: number,
  [ps, ms, vs, gs]: [Float32Array, Float32Array, Float32Array, Float32Array],
  [pOut, mOut, vOut]: [Float32Array, Float32Array, Float32Array],
): void {
  const decay = 1 - a.learningRate * a.weightDecay;
  for (let i = from; i < to; i++) {
    const g = gs[i]! * a.gradientScale;
    const m = (mOut[i] = a.beta1 * ms[i]! + (1 - a.beta1) * g);
    const v = (vOut[i] = a.beta2 * vs[i]! + (1 - a.beta2) * g * g);
    pOut[i] = ps[i]! * decay - a.learningRate * (m / a.correction1 / (Math.sqrt(v / a.correction2) + a.epsilon));
  }
}

function adamwKernel(args: KernelArgs): tf.TensorInfo[] {
  const p = (args.inputs as { p: tf.TensorInfo }).p;
  const a = args.attrs as unknown as AdamWStep;
  return onHeap(args, ['p', 'm', 'v', 'g'], [p.shape, p.shape, p.shape], ([ps, ms, vs, gs], [pOut, mOut, vOut]) => adamwElements(a, 0, pOut!.length, [ps!, ms!, vs!, gs!], [pOut!, mOut!, vOut!]), 0, false);
}

function squaredNormKernel(args: KernelArgs): tf.TensorInfo[] {
  const names = Object.keys(args.inputs);
  return onHeap(args, names, [[]], (gradients, [out]) => {
    let sum = 0;
    for (const g of gradients) for (let i = 0; i < g!.length; i++) sum += g![i]! * g![i]!;
    out![0] = sum;
  });
}

/** One AdamW step (PyTorch semantics): the new parameter, first and second moments. */
export function adamwUpdate(p: tf.Tensor, m: tf.Tensor, v: tf.Tensor, g: tf.Tensor, step: AdamWStep): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (fusedHere('EngineAdamW')) return tf.engine().runKernel('EngineAdamW', { p, m, v, g }, step as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
  return tf.tidy(() => {
    const { learningRate: lr, weightDecay: wd, beta1: b1, beta2: b2 } = step;
    const scaled = step.gradientScale < 1 ? tf.mul(g, step.gradientScale) : g;
    const m1 = tf.add(tf.mul(m, b1), tf.mul(scaled, 1 - b1));
    const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(scaled), 1 - b2));
    const update = tf.div(tf.div(m1, step.correction1), tf.add(tf.sqrt(tf.div(v1, step.correction2)), step.epsilon));
    const decayed = wd > 0 ? tf.mul(p, 1 - lr * wd) : p;
    return [tf.sub(decayed, tf.mul(update, lr)), m1, v1];
  });
}

/** √(Σ over all gradients of g²). */
export function globalNorm(gradients: tf.Tensor[]): number {
  if (fusedHere('EngineSquaredNorm')) {
    const inputs = Object.fromEntries(gradients.map((g, k) => [`g${k}`, g]));
    const [sum] = tf.engine().runKernel('EngineSquaredNorm', inputs) as unknown as tf.Tensor[];
    const value = Math.sqrt(sum!.dataSync()[0]!);
    sum!.dispose();
    return value;
  }
  return tf.tidy(() => tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g))))).dataSync()[0]!);
}

export const optimizerKernelConfigs = (backendName: string): tf.KernelConfig[] => [
  { kernelName: 'EngineAdamW', backendName, kernelFunc: adamwKernel as tf.KernelFunc },
  { kernelName: 'EngineSquaredNorm', backendName, kernelFunc: squaredNormKernel as tf.KernelFunc },
];
