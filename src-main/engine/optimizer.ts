/**
 * AdamW (PyTorch semantics: decoupled weight decay, bias-corrected moments) with global-norm
 * gradient clipping (docs/model.md §9: lr 1e-3, weight decay 0, betas 0.9/0.999, clip 1.0).
 * The state (moments, step count) is exported for checkpoints so a resumed run continues exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamwUpdate, globalNorm, type AdamWStep } from './fused-optimizer';
import type { NamedArray } from './safetensors';

export interface AdamWSettings {
  learningRate: number;
  weightDecay: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
  clipNorm: number;
}

/** The update's constants for optimiser step `step` (1-based) and the gradients' global norm before clipping. */
export function adamwStep(settings: AdamWSettings, step: number, norm: number): AdamWStep {
  const { learningRate, weightDecay, adamBeta1: beta1, adamBeta2: beta2, adamEpsilon: epsilon, clipNorm } = settings;
  const gradientScale = Math.min(1, clipNorm / (norm + 1e-6));
  return { learningRate, weightDecay, beta1, beta2, epsilon, correction1: 1 - Math.pow(beta1, step), correction2: 1 - Math.pow(beta2, step), gradientScale };
}

export class AdamW {
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    readonly settings: AdamWSettings,
    private readonly params: Map<string, tf.Variable>,
  ) {
    for (const [name, p] of params) {
      // tidy disposes the zeros handles; the variables (never tracked by tidy) keep the data.
      this.m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
    }
  }

  /**
   * Clips the gradients (keyed by parameter name) to global norm `clipNorm` (as torch's
   * clip_grad_norm_: coefficient clip/(norm+1e-6), capped at 1), then applies one AdamW update.
   * Returns the norm before clipping.
   */
  apply(grads: Map<string, tf.Tensor>): number {
    const norm = globalNorm([...grads.values()]);
    this.step++;
    const step = adamwStep(this.settings, this.step, norm);
    for (const [name, g] of grads) {
      const p = this.params.get(name);
      if (!p) continue;
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      const [p1, m1, v1] = adamwUpdate(p, m, v, g, step);
      p.assign(p1);
      m.assign(m1);
      v.assign(v1);
      tf.dispose([p1, m1, v1]);
    }
    return norm;
  }

  /** The moments as flat arrays in `names` order (data-parallel training keeps them in shared memory meanwhile). */
  writeMoments(names: readonly string[], offsets: readonly number[], m: Float32Array, v: Float32Array): void {
    names.forEach((name, j) => {
      m.set(this.m.get(name)!.dataSync() as Float32Array, offsets[j]!);
      v.set(this.v.get(name)!.dataSync() as Float32Array, offsets[j]!);
    });
  }

  /** Takes the moments back from flat arrays (before a checkpoint is written). */
  readMoments(names: readonly string[], offsets: readonly number[], m: Float32Array, v: Float32Array): void {
    names.forEach((name, j) => {
      for (const [flat, map] of [[m, this.m], [v, this.v]] as const) {
        const t = map.get(name)!;
        tf.tidy(() => t.assign(tf.tensor(flat.subarray(offsets[j]!, offsets[j]! + t.size), t.shape, 'float32')));
      }
    });
  }

  toArrays(): Map<string, NamedArray> {
    const out = new Map<string, NamedArray>();
    for (const [kind, map] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, t] of map) out.set(`optimizer.${kind}.${name}`, { shape: t.shape.slice(), data: t.dataSync() as Float32Array });
    }
    out.set('optimizer.step', { shape: [1], data: Int32Array.of(this.step) });
    return out;
  }

  loadArrays(arrays: Map<string, NamedArray>): void {
    for (const [kind, map] of [['m', this.m], ['v', this.v]] as const) {
      for (const [name, t] of map) {
        const a = arrays.get(`optimizer.${kind}.${name}`);
        if (!a) throw new Error(`checkpoint: optimizer state for ${name} is missing`);
        tf.tidy(() => t.assign(tf.tensor(a.data, a.shape, 'float32')));
      }
    }
    this.step = arrays.get('optimizer.step')?.data[0] ?? 0;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
