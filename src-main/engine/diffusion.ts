/**
 * Intent-conditioned x0-prediction diffusion over the target item's embedding (docs/model.md §7,
 * DreamRec-style): `exp` (or `linear`) β schedule, sinusoidal time embedding → MLP, a denoiser on
 * [x_t; s; t_emb], classifier-free guidance with a learned `none_embedding`.
 *
 * The denoiser's first Linear on the concatenation is applied as three blocks (x_t·W_x + s·W_s +
 * t_emb·W_t + b — the same product), so the sampler projects the condition once and the time
 * embedding once per step instead of re-concatenating B rows T times.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gelu } from './fused-ops';
import { fusedHere } from './heap-kernels';
import { dense } from './kernels';
import { ParameterSet } from './parameters';
import type { Rng } from './rng';

export interface DiffusionSettings {
  hiddenSize: number;
  timesteps: number;
  betaSchedule: 'exp' | 'linear';
  betaStart: number;
  betaEnd: number;
  guidance: number;
  conditionDropout: number;
  diffuser: 'mlp1' | 'mlp2';
}

export interface Schedule {
  betas: Float64Array;
  alphasCumprod: Float64Array;
  coef1: Float64Array;
  coef2: Float64Array;
  posteriorVariance: Float64Array;
}

/** §7: exp schedule β_i = 1 − exp(−0.1/T − x_i·0.5·(10−0.1)/T²), x = linspace(1, 2T+1, T). */
export function betaSchedule(T: number, kind: 'exp' | 'linear', betaStart = 1e-4, betaEnd = 0.02): Schedule {
  const betas = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    if (kind === 'exp') {
      const x = T === 1 ? 1 : 1 + (i * 2 * T) / (T - 1);
      betas[i] = 1 - Math.exp(-0.1 / T - (x * 0.5 * (10 - 0.1)) / (T * T));
    } else {
      betas[i] = T === 1 ? betaStart : betaStart + ((betaEnd - betaStart) * i) / (T - 1);
    }
  }
  const alphasCumprod = new Float64Array(T);
  const coef1 = new Float64Array(T);
  const coef2 = new Float64Array(T);
  const posteriorVariance = new Float64Array(T);
  let prod = 1;
  for (let i = 0; i < T; i++) {
    const prev = prod;
    prod *= 1 - betas[i]!;
    alphasCumprod[i] = prod;
    coef1[i] = (betas[i]! * Math.sqrt(prev)) / (1 - prod);
    coef2[i] = ((1 - prev) * Math.sqrt(1 - betas[i]!)) / (1 - prod);
    posteriorVariance[i] = (betas[i]! * (1 - prev)) / (1 - prod);
  }
  return { betas, alphasCumprod, coef1, coef2, posteriorVariance };
}

/** Sinusoidal embedding of integer steps (§7; `half = D/2`, freq_k = exp(−k·ln(10000)/(half−1))). */
export function sinusoidalEmbedding(steps: Int32Array, dim: number): tf.Tensor2D {
  const half = dim / 2;
  const out = new Float32Array(steps.length * dim);
  for (let r = 0; r < steps.length; r++) {
    for (let k = 0; k < half; k++) {
      const angle = steps[r]! * Math.exp((-k * Math.log(10000)) / (half - 1));
      out[r * dim + k] = Math.sin(angle);
      out[r * dim + half + k] = Math.cos(angle);
    }
  }
  return tf.tensor2d(out, [steps.length, dim]);
}

/**
 * The random draws of one training-loss evaluation over a batch of B rows: step t, whether the
 * condition is kept, and the seed of the B×D noise. Drawn once per batch (`drawLoss`), so workers
 * that each compute some rows (data-parallel training) use the draws one worker would.
 */
export interface LossDraws {
  steps: Int32Array;
  keep: Float32Array;
  noiseSeed: number;
}

/** The seeds of one guided sampling pass over a batch: x_T's, then the noise of steps T−1 … 1. */
export interface SampleDraws {
  initialSeed: number;
  stepSeeds: number[];
}

/** Rows `rows` of a seeded B×D standard normal matrix (all of it without `rows`). */
function normalRows(seed: number, b: number, d: number, rows?: Int32Array): tf.Tensor2D {
  return tf.tidy(() => {
    const all = tf.randomNormal([b, d], 0, 1, 'float32', seed) as tf.Tensor2D;
    return rows ? (tf.gather(all, tf.tensor1d(rows, 'int32')) as tf.Tensor2D) : all;
  });
}

export class Diffusion {
  readonly parameters = new ParameterSet();
  readonly schedule: Schedule;

  constructor(
    readonly settings: DiffusionSettings,
    rng: Rng,
  ) {
    const d = settings.hiddenSize;
    const p = this.parameters;
    p.add('none_embedding.weight', tf.randomNormal([1, d], 0, 1, 'float32', rng.seed()));
    p.addLinear('step_mlp.1', d, 2 * d, 'pytorch-default', rng);
    p.addLinear('step_mlp.3', 2 * d, d, 'pytorch-default', rng);
    if (settings.diffuser === 'mlp1') p.addLinear('diffuser.0', 3 * d, d, 'pytorch-default', rng);
    else {
      p.addLinear('diffuser.0', 3 * d, 2 * d, 'pytorch-default', rng);
      p.addLinear('diffuser.2', 2 * d, d, 'pytorch-default', rng);
    }
    this.schedule = betaSchedule(settings.timesteps, settings.betaSchedule, settings.betaStart, settings.betaEnd);
  }

  private w(name: string): tf.Tensor {
    return this.parameters.get(name);
  }

  /** step_mlp: sinusoidal → Linear(D,2D) → GELU → Linear(2D,D). */
  timeEmbedding(steps: Int32Array): tf.Tensor2D {
    return tf.tidy(() => {
      const s = sinusoidalEmbedding(steps, this.settings.hiddenSize);
      const h = gelu(dense(s, this.w('step_mlp.1.weight') as tf.Tensor2D, this.w('step_mlp.1.bias') as tf.Tensor1D));
      return dense(h, this.w('step_mlp.3.weight') as tf.Tensor2D, this.w('step_mlp.3.bias') as tf.Tensor1D) as tf.Tensor2D;
    });
  }

  /** Row blocks [x | s | t] of the denoiser's first weight. */
  private block(i: 0 | 1 | 2): tf.Tensor2D {
    const w0 = this.w('diffuser.0.weight');
    const d = this.settings.hiddenSize;
    return tf.slice(w0, [i * d, 0], [d, w0.shape[1]!]) as tf.Tensor2D;
  }

  /** The denoiser f(x_t, s, t) given the projections x_t·W_x, s·W_s and t_emb·W_t (+ bias). */
  private denoise(xProj: tf.Tensor, condProj: tf.Tensor, timeProj: tf.Tensor): tf.Tensor2D {
    let h: tf.Tensor = tf.add(tf.add(xProj, condProj), timeProj);
    if (this.settings.diffuser === 'mlp2') h = dense(gelu(h), this.w('diffuser.2.weight') as tf.Tensor2D, this.w('diffuser.2.bias') as tf.Tensor1D);
    return h as tf.Tensor2D;
  }

  private projectTime(steps: Int32Array): tf.Tensor {
    return tf.add(dense(this.timeEmbedding(steps), this.block(2)), this.w('diffuser.0.bias'));
  }

  /** The draws of `loss` for a batch of `b` rows (in the order the reference draws them). */
  drawLoss(b: number, rng: Rng): LossDraws {
    const steps = new Int32Array(b);
    const keep = new Float32Array(b);
    for (let r = 0; r < b; r++) {
      steps[r] = rng.int(this.settings.timesteps);
      keep[r] = rng.next() >= this.settings.conditionDropout ? 1 : 0;
    }
    return { steps, keep, noiseSeed: rng.seed() };
  }

  /**
   * Training loss (§7): t ~ U{0..T-1}, ε ~ N(0, I), x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε, condition rows replaced
   * by `none_embedding` with probability p, MSE(x0, f(x_t, s, t)) over all elements. `x0` and
   * `condition` hold rows `rows` of the batch the draws were made for (all of it without `rows`).
   */
  loss(x0: tf.Tensor2D, condition: tf.Tensor2D, draws: LossDraws | Rng, rows?: Int32Array): tf.Scalar {
    const [b, d] = x0.shape;
    const all = 'steps' in draws ? draws : this.drawLoss(b, draws);
    const at = (r: number) => (rows ? rows[r]! : r);
    const steps = Int32Array.from({ length: b }, (_, r) => all.steps[at(r)]!);
    const a = Float32Array.from(steps, (t) => Math.sqrt(this.schedule.alphasCumprod[t]!));
    const s = Float32Array.from(steps, (t) => Math.sqrt(1 - this.schedule.alphasCumprod[t]!));
    const keep = Float32Array.from({ length: b }, (_, r) => all.keep[at(r)]!);
    return tf.tidy(() => {
      const noise = normalRows(all.noiseSeed, all.steps.length, d, rows);
      const xt = tf.add(tf.mul(x0, tf.tensor2d(a, [b, 1])), tf.mul(noise, tf.tensor2d(s, [b, 1]))) as tf.Tensor2D;
      const keepCol = tf.tensor2d(keep, [b, 1]);
      const cond = tf.add(tf.mul(condition, keepCol), tf.mul(this.w('none_embedding.weight'), tf.sub(1, keepCol)));
      const predicted = this.denoise(dense(xt, this.block(0)), dense(cond, this.block(1)), this.projectTime(steps));
      return tf.mean(tf.squaredDifference(x0, predicted)) as tf.Scalar;
    });
  }

  /** The seeds of one `sample` pass. */
  drawSample(rng: Rng): SampleDraws {
    const initialSeed = rng.seed();
    const stepSeeds: number[] = [];
    for (let n = this.settings.timesteps - 1; n > 0; n--) stepSeeds.push(rng.seed());
    return { initialSeed, stepSeeds };
  }

  /**
   * Guided ancestral sampling (§7): x_T ~ N(0, I); for n = T−1…0, x̂0 = (1+w)·f(x, ŝ, n) − w·f(x, ∅, n),
   * μ = coef1·x̂0 + coef2·x, x ← μ + √σ²_n·z (no noise at n = 0). Not differentiated (the view is a constant).
   * `condition` holds rows `rows` of a batch of `batchRows` that the seeds were drawn for (all of it without `rows`).
   */
  sample(condition: tf.Tensor2D, draws: SampleDraws | Rng, rows?: Int32Array, batchRows = condition.shape[0]): tf.Tensor2D {
    const d = condition.shape[1];
    const seeds = 'initialSeed' in draws ? draws : this.drawSample(draws);
    const w = this.settings.guidance;
    const { coef1, coef2, posteriorVariance } = this.schedule;
    const T = this.settings.timesteps;
    // Everything that does not depend on x, once per pass: the denoiser's x block, both condition
    // projections and the time projections of all T steps (row n = step n).
    const fixed = tf.tidy(() => ({
      xBlock: this.block(0),
      cond: dense(condition, this.block(1)),
      none: dense(this.w('none_embedding.weight'), this.block(1)),
      times: this.projectTime(Int32Array.from({ length: T }, (_, n) => n)),
    }));
    let x = normalRows(seeds.initialSeed, batchRows, d, rows);
    if (this.settings.diffuser === 'mlp1' && fusedHere('EngineDiffusionStep')) {
      // A linear denoiser makes the guided prediction x·W_x + t_n + k with k = (1+w)·ŝ·W_s − w·∅·W_s
      // (its bias is in t_n): per step one product and one fused update instead of ~14 kernels.
      const k = tf.tidy(() => tf.sub(tf.mul(fixed.cond, 1 + w), tf.mul(fixed.none, w)));
      for (let n = T - 1; n >= 0; n--) {
        const noiseSeed = n > 0 ? seeds.stepSeeds[T - 1 - n]! : 0;
        const next = tf.tidy(() => {
          const attrs = { step: n, coef1: coef1[n]!, coef2: coef2[n]!, sigma: Math.sqrt(posteriorVariance[n]!) } as unknown as tf.NamedAttrMap;
          const inputs = { xProj: dense(x, fixed.xBlock), x, k, times: fixed.times, ...(n > 0 ? { noise: normalRows(noiseSeed, batchRows, d, rows) } : {}) };
          const [stepped] = tf.engine().runKernel('EngineDiffusionStep', inputs, attrs) as tf.Tensor2D[];
          return stepped!;
        });
        x.dispose();
        x = next;
      }
      tf.dispose([k, ...Object.values(fixed)]);
      return x;
    }
    for (let n = T - 1; n >= 0; n--) {
      const noiseSeed = n > 0 ? seeds.stepSeeds[T - 1 - n]! : 0;
      const next = tf.tidy(() => {
        const time = tf.slice(fixed.times, [n, 0], [1, -1]);
        const xProj = dense(x, fixed.xBlock); // shared by the guided and the unconditional denoiser
        const guided = tf.sub(tf.mul(this.denoise(xProj, fixed.cond, time), 1 + w), tf.mul(this.denoise(xProj, fixed.none, time), w));
        const mean = tf.add(tf.mul(guided, coef1[n]!), tf.mul(x, coef2[n]!));
        return (n > 0 ? tf.add(mean, tf.mul(normalRows(noiseSeed, batchRows, d, rows), Math.sqrt(posteriorVariance[n]!))) : mean) as tf.Tensor2D;
      });
      x.dispose();
      x = next;
    }
    tf.dispose(Object.values(fixed));
    return x;
  }
}

