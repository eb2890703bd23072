/**
 * AdamW (PyTorch semantics: decoupled weight decay, bias-corrected moments) with global-norm
 * gradient clipping (docs/model.md §9: lr 1e-3, weight decay 0, betas 0.9/0.999, clip 1.0).
 * The state (moments, step count) is exported for checkpoints so a resumed run continues exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamwUpdate, globalNorm } from './fused-optimizer';
import type { NamedArray } from './safetensors';

export interface AdamWSettings {
  learningRate: number;
  weightDecay: number;
  adamBeta1: number;
  adamBeta2: number;
  adamEpsilon: number;
  clipNorm: number;
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
    const { learningRate: lr, weightDecay: wd, adamBeta1: b1, adamBeta2: b2, adamEpsilon: eps, clipNorm } = this.settings;
    const norm = globalNorm([...grads.values()]);
    const gradientScale = Math.min(1, clipNorm / (norm + 1e-6));
    this.step++;
    const step = { learningRate: lr, weightDecay: wd, beta1: b1, beta2: b2, epsilon: eps, correction1: 1 - Math.pow(b1, this.step), correction2: 1 - Math.pow(b2, this.step), gradientScale };
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
