/**
 * The encoder's layer norm and GELU as single kernels with their own gradients on the wasm backend
 * (128-bit SIMD loops over the wasm heap in attention-kernels.wat; the layer norm falls back to JS
 * loops with float64 accumulation where the width is not a multiple of 4), and one step of the
 * diffusion sampler with a linear denoiser; other backends run the composite tfjs ops. Attention is
 * fused the same way in fused-attention.ts and packed-attention.ts.
 *
 * Why: a Beauty InDiRec step issued ~9,100 tfjs kernels, each with ~17 µs of engine and tape
 * bookkeeping besides its work (~150 ms of a ~620 ms step); a composite layer norm is ~30 kernels
 * forward and backward, a sampling pass of T = 50 steps ~700 (T = 200 on Sports and Toys).
 * Layer norm: 4.7× faster forward + backward than the composite (`npm run bench:kernels`).
 * The function is docs/model.md §3's TF-style layer norm: biased variance, eps 1e-12 inside the root.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedHere, onHeap, simdLoops, type KernelArgs } from './heap-kernels';

// ---- layer norm -------------------------------------------------------------------------------

const LN_EPS = 1e-12;

function layerNormForward(args: KernelArgs): tf.TensorInfo[] {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  const d = x.shape[x.shape.length - 1]!;
  const n = tf.util.sizeFromShape(x.shape) / d;
  const loops = d % 4 === 0 ? simdLoops(args.backend) : null;
  return onHeap(args, ['x', 'gamma', 'beta'], [x.shape, x.shape, [n]], ([xs, gamma, beta], [y, xhat, rstd]) => {
    if (loops) return loops.layerNorm(xs!.byteOffset, gamma!.byteOffset, beta!.byteOffset, y!.byteOffset, xhat!.byteOffset, rstd!.byteOffset, n, d);
    for (let r = 0, o = 0; r < n; r++, o += d) {
      let mean = 0;
      for (let c = 0; c < d; c++) mean += xs![o + c]!;
      mean /= d;
      let variance = 0;
      for (let c = 0; c < d; c++) variance += (xs![o + c]! - mean) ** 2;
      const inv = 1 / Math.sqrt(variance / d + LN_EPS);
      rstd![r] = inv;
      for (let c = 0; c < d; c++) {
        const h = (xs![o + c]! - mean) * inv;
        xhat![o + c] = h;
        y![o + c] = h * gamma![c]! + beta![c]!;
      }
    }
  }, 0, false);
}

function layerNormBackward(args: KernelArgs): tf.TensorInfo[] {
  const dy = (args.inputs as { dy: tf.TensorInfo }).dy;
  const d = dy.shape[dy.shape.length - 1]!;
  const n = tf.util.sizeFromShape(dy.shape) / d;
  const loops = d % 4 === 0 ? simdLoops(args.backend) : null;
  return onHeap(args, ['dy', 'xhat', 'rstd', 'gamma'], [dy.shape, [d], [d]], ([g, xhat, rstd, gamma], [dx, dgamma, dbeta]) => {
    dgamma!.fill(0); // accumulated over the rows; dx is written whole
    dbeta!.fill(0);
    if (loops) return loops.layerNormGrad(g!.byteOffset, xhat!.byteOffset, rstd!.byteOffset, gamma!.byteOffset, dx!.byteOffset, dgamma!.byteOffset, dbeta!.byteOffset, n, d);
    for (let r = 0, o = 0; r < n; r++, o += d) {
      // dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ·x̂)), ĝ = dy·γ: exact for the biased variance with eps.
      let sum = 0;
      let dot = 0;
      for (let c = 0; c < d; c++) {
        const gc = g![o + c]! * gamma![c]!;
        sum += gc;
        dot += gc * xhat![o + c]!;
        dgamma![c] += g![o + c]! * xhat![o + c]!;
        dbeta![c] += g![o + c]!;
      }
      sum /= d;
      dot /= d;
      const inv = rstd![r]!;
      for (let c = 0; c < d; c++) dx![o + c] = inv * (g![o + c]! * gamma![c]! - sum - xhat![o + c]! * dot);
    }
  }, 0, false);
}

const fusedLayerNorm = tf.customGrad(((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
  const [y, xhat, rstd] = tf.engine().runKernel('EngineLayerNorm', { x, gamma, beta }) as tf.Tensor[];
  save([xhat!, rstd!, gamma]);
  return {
    value: y!,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sxhat, srstd, sgamma] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
      const [dx, dgamma, dbeta] = tf.engine().runKernel('EngineLayerNormGrad', { dy, xhat: sxhat, rstd: srstd, gamma: sgamma }) as tf.Tensor[];
      return [dx!, dgamma!, dbeta!];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

/** TF-style layer norm over the last axis (biased variance, eps 1e-12 inside the root). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  if (fusedHere('EngineLayerNorm')) return fusedLayerNorm(x, gamma, beta);
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, LN_EPS))), gamma), beta);
}

// ---- GELU -------------------------------------------------------------------------------------

/**
 * GELU, erf form: x·½·(1 + erf(x/√2)); its gradient ½·(1 + erf(x/√2)) + x·φ(x), φ(x) = e^(−x²/2)/√(2π).
 * The erf and the exp stay wasm's own kernels (~5× faster than any written in JS: a fused JS GELU
 * took 173 ms forward + backward on [5,120, 256] against 32 ms); what surrounds them is one SIMD pass
 * each way instead of four composite kernels forward and nine in the gradient.
 */
function geluForward(args: KernelArgs): tf.TensorInfo[] {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  const loops = simdLoops(args.backend)!;
  return onHeap(args, ['x', 'e'], [x.shape], ([xs, e], [y]) => loops.gelu(xs!.byteOffset, e!.byteOffset, y!.byteOffset, y!.length), 0, false);
}

function geluBackward(args: KernelArgs): tf.TensorInfo[] {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  const loops = simdLoops(args.backend)!;
  return onHeap(args, ['dy', 'x', 'e', 'q'], [x.shape], ([dy, xs, e, q], [dx]) => loops.geluGrad(dy!.byteOffset, xs!.byteOffset, e!.byteOffset, q!.byteOffset, dx!.byteOffset, dx!.length), 0, false);
}

const fusedGelu = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const e = tf.erf(tf.mul(x, Math.SQRT1_2));
  const [y] = tf.engine().runKernel('EngineGelu', { x, e }) as tf.Tensor[];
  save([x, e]);
  return {
    value: y!,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, se] = saved as [tf.Tensor, tf.Tensor];
      const q = tf.exp(tf.mul(tf.square(sx), -0.5));
      return tf.engine().runKernel('EngineGeluGrad', { dy, x: sx, e: se, q }) as tf.Tensor;
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

export function gelu(x: tf.Tensor): tf.Tensor {
  // The SIMD passes take whole 4-float vectors.
  if (x.size % 4 === 0 && fusedHere('EngineGelu') && simdLoops(tf.backend()) !== null) return fusedGelu(x);
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
}

// ---- diffusion sampling ---------------------------------------------------------------------

/**
 * One step of diffusion.ts's guided sampler with a linear denoiser: x ← coef1·(x·W_x + t_step + k) +
 * coef2·x + σ·z, z absent at the last step. `times` holds every step's time projection (row = step).
 */
function diffusionStep(args: KernelArgs): tf.TensorInfo[] {
  const x = (args.inputs as { x: tf.TensorInfo }).x;
  const { step, coef1, coef2, sigma } = args.attrs as unknown as { step: number; coef1: number; coef2: number; sigma: number };
  const [rows, d] = x.shape as [number, number];
  return onHeap(args, ['xProj', 'x', 'k', 'times', 'noise'], [x.shape], ([xp, xs, k, times, noise], [out]) => {
    const t = step * d;
    for (let r = 0, o = 0; r < rows; r++) {
      for (let c = 0; c < d; c++, o++) {
        const mean = coef1 * (xp![o]! + times![t + c]! + k![o]!) + coef2 * xs![o]!;
        out![o] = noise ? mean + sigma * noise[o]! : mean;
      }
    }
  }, 0, false);
}

export const normKernelConfigs = (backendName: string): tf.KernelConfig[] => [
  { kernelName: 'EngineDiffusionStep', backendName, kernelFunc: diffusionStep as tf.KernelFunc },
  { kernelName: 'EngineGelu', backendName, kernelFunc: geluForward as tf.KernelFunc },
  { kernelName: 'EngineGeluGrad', backendName, kernelFunc: geluBackward as tf.KernelFunc },
  { kernelName: 'EngineLayerNorm', backendName, kernelFunc: layerNormForward as tf.KernelFunc },
  { kernelName: 'EngineLayerNormGrad', backendName, kernelFunc: layerNormBackward as tf.KernelFunc },
];
