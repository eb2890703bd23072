/**
 * The guided ancestral sampler (docs/model.md §7) against the formula written out directly: the
 * denoiser as one product of the concatenation [x_t | s | t_emb] (the reference's form; the engine
 * splits that weight into blocks and hoists what does not depend on x; with a linear denoiser one
 * fused update per step), T steps from x_T ~ N(0, I).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { Diffusion, type DiffusionSettings } from '../../../src-main/engine/diffusion';
import { gelu } from '../../../src-main/engine/fused-ops';
import { Rng } from '../../../src-main/engine/rng';

function referenceSample(diffusion: Diffusion, condition: tf.Tensor2D, seeds: { initialSeed: number; stepSeeds: number[] }): Float32Array {
  const { timesteps: T, guidance: w, hiddenSize: d } = diffusion.settings;
  const p = (name: string) => diffusion.parameters.get(name);
  const b = condition.shape[0];
  const f = (x: tf.Tensor, s: tf.Tensor, n: number) => {
    const time = tf.tile(diffusion.timeEmbedding(Int32Array.of(n)), [b, 1]);
    const h = tf.add(tf.matMul(tf.concat([x, s, time], 1), p('diffuser.0.weight')), p('diffuser.0.bias'));
    return diffusion.settings.diffuser === 'mlp1' ? h : tf.add(tf.matMul(gelu(h), p('diffuser.2.weight')), p('diffuser.2.bias'));
  };
  return tf.tidy(() => {
    const none = tf.tile(p('none_embedding.weight'), [b, 1]);
    const { coef1, coef2, posteriorVariance } = diffusion.schedule;
    let x: tf.Tensor = tf.randomNormal([b, d], 0, 1, 'float32', seeds.initialSeed);
    for (let n = T - 1; n >= 0; n--) {
      const x0 = tf.sub(tf.mul(f(x, condition, n), 1 + w), tf.mul(f(x, none, n), w));
      const mean = tf.add(tf.mul(x0, coef1[n]!), tf.mul(x, coef2[n]!));
      x = n > 0 ? tf.add(mean, tf.mul(tf.randomNormal([b, d], 0, 1, 'float32', seeds.stepSeeds[T - 1 - n]!), Math.sqrt(posteriorVariance[n]!))) : mean;
    }
    return x.dataSync() as Float32Array;
  });
}

describe('diffusion sampling', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  // mlp1 (a linear denoiser, the default) takes the fused sampling step on wasm; mlp2 the composite ops.
  it.each(['mlp1', 'mlp2'] as const)('equals the §7 formula with the concatenated denoiser (%s), and leaks nothing', (diffuser) => {
    const settings: DiffusionSettings = { hiddenSize: 8, timesteps: 6, betaSchedule: 'exp', betaStart: 1e-4, betaEnd: 0.02, guidance: 2, conditionDropout: 0.1, diffuser };
    const diffusion = new Diffusion(settings, new Rng(3));
    const condition = tf.randomNormal([5, 8], 0, 1, 'float32', 4) as tf.Tensor2D;
    const seeds = diffusion.drawSample(new Rng(9));
    const expected = referenceSample(diffusion, condition, seeds);
    const before = tf.memory().numTensors;
    const sampled = diffusion.sample(condition, seeds);
    const values = sampled.dataSync();
    sampled.dispose();
    expect(tf.memory().numTensors).toBe(before);
    let worst = 0;
    for (let i = 0; i < values.length; i++) worst = Math.max(worst, Math.abs(values[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
    expect(worst).toBeLessThan(1e-5);
    diffusion.parameters.dispose();
    condition.dispose();
  });
});
