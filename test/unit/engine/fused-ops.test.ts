/**
 * The fused layer norm and attention kernels (wasm) against the composite tfjs ops they
 * replace: values and every gradient, in training mode with dropout (same seed, same masks) and in
 * eval mode, with padded rows; no leaks. tfjs's own autodiff of the composite is the independent
 * reference.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { SasrecEncoder, type EncoderSettings } from '../../../src-main/engine/encoder';
import { gelu, layerNorm } from '../../../src-main/engine/fused-ops';
import { fusedAttentionHere } from '../../../src-main/engine/fused-attention';
import { packedOptions } from '../../../src-main/engine/packed-attention';
import { fusedOptions } from '../../../src-main/engine/heap-kernels';
import { padBatch } from '../../../src-main/engine/data';
import { Rng } from '../../../src-main/engine/rng';
import { AdamW } from '../../../src-main/engine/optimizer';
import { readFileSync } from 'node:fs';
// @ts-expect-error: a plain .mjs build script without types
import { assemble } from '../../../scripts/build-wasm.mjs';
import { expectClose } from '../../fixtures/engine/close';

/** Runs `f` with the fused kernels and with the composite ops; returns both results as arrays. */
function bothWays(f: () => tf.Tensor[]): { fused: Float32Array[]; composite: Float32Array[] } {
  const run = (enabled: boolean) => {
    fusedOptions.enabled = enabled;
    return tf.tidy(f).map((t) => {
      const values = t.dataSync() as Float32Array;
      t.dispose();
      return values;
    });
  };
  return { fused: run(true), composite: run(false) };
}

describe('fused encoder kernels (wasm)', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    // The padded kernels are what this file checks (the encoder packs rows where it can: packed-encoder.test.ts).
    packedOptions.enabled = false;
  });
  afterAll(() => {
    packedOptions.enabled = true;
  });
  afterEach(() => {
    fusedOptions.enabled = true;
  });

  it('the committed wasm module is the assembled attention-kernels.wat (npm run build:wasm)', async () => {
    expect(await assemble()).toBe(readFileSync('src-main/engine/attention-kernels.wasm.ts', 'utf8'));
  });

  // Width 24 runs the layer norm's SIMD loops (attention-kernels.wat), width 6 its JS loops; both
  // sizes are whole 4-float vectors, so GELU takes its SIMD pass.
  it.each([24, 6])('layer norm and GELU: values and gradients equal the composite ops (width %i)', (width) => {
    const x = tf.randomNormal([38, width], 0.3, 2, 'float32', 1);
    const gamma = tf.randomNormal([width], 1, 0.2, 'float32', 2);
    const beta = tf.randomNormal([width], 0, 0.2, 'float32', 3);
    const upstream = tf.randomNormal([38, width], 0, 1, 'float32', 4);
    const { fused, composite } = bothWays(() => {
      const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(gelu(layerNorm(a, g, b)), upstream));
      return [gelu(layerNorm(x, gamma, beta)), ...tf.grads(loss)([x, gamma, beta])];
    });
    for (let i = 0; i < fused.length; i++) expectClose(fused[i]!, composite[i]!, 2e-5);
    tf.dispose([x, gamma, beta, upstream]);
  });

  const settings: EncoderSettings = { hiddenSize: 16, layers: 2, heads: 2, maxSeqLength: 7, attentionDropout: 0.3, hiddenDropout: 0.2, initializerRange: 0.3 };
  const sequences = [[3, 1, 4, 1, 5, 9, 2], [6], [5, 3], [5, 8, 9, 7, 9]].map((s) => Int32Array.from(s));

  it.each([
    ['training, dropout on, last query only', true, true],
    ['eval, last query only', false, true],
    ['training, full last layer', true, false],
  ])('the encoder (%s): representations and every gradient equal the composite ops', (_name, training, lastQueryOnly) => {
    expect(fusedAttentionHere(8)).toBe(true);
    const encoder = new SasrecEncoder({ ...settings, lastQueryOnly }, new Rng(7));
    const table = tf.randomNormal([10, 16], 0, 0.5, 'float32', 5) as tf.Tensor2D;
    const upstream = tf.randomNormal([sequences.length, 16], 0, 1, 'float32', 6);
    const names = [...encoder.parameters.vars.keys()];
    const { fused, composite } = bothWays(() => {
      const encode = () => encoder.encode(table, padBatch(sequences, 7), { training, rng: new Rng(11) });
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(encode(), upstream)) as tf.Scalar);
      const tableGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(encoder.encode(t as tf.Tensor2D, padBatch(sequences, 7), { training, rng: new Rng(11) }), upstream)))(table);
      return [encode(), value, tableGrad, ...names.map((n) => grads[encoder.parameters.get(n).name]!)];
    });
    const labels = ['representations', 'loss', 'table', ...names];
    for (let i = 0; i < fused.length; i++) {
      // Scores shift by q·b_key for every key alike, which softmax ignores: that gradient is exactly 0.
      if (labels[i]!.endsWith('attention.key.bias')) expect(Math.max(...fused[i]!.map(Math.abs))).toBeLessThan(1e-5);
      else expectClose(fused[i]!, composite[i]!, 1e-4);
    }
    encoder.parameters.dispose();
    tf.dispose([table, upstream]);
  });

  it('AdamW with clipping: parameters, moments and gradient norms equal the composite ops over 3 steps', () => {
    const run = () => {
      const params = new Map([['a', tf.tidy(() => tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', 1)))], ['b', tf.tidy(() => tf.variable(tf.randomNormal([5], 0, 1, 'float32', 2)))]]);
      const optimizer = new AdamW({ learningRate: 0.01, weightDecay: 0.1, adamBeta1: 0.9, adamBeta2: 0.999, adamEpsilon: 1e-8, clipNorm: 1 }, params);
      const norms = [1, 2, 3].map((k) => {
        const grads = new Map([...params].map(([name, p]) => [name, tf.randomNormal(p.shape, 0, k, 'float32', k * 10 + p.size)]));
        const norm = optimizer.apply(grads); // k ≥ 2: norms above clipNorm, so the clipped path runs
        tf.dispose([...grads.values()]);
        return norm;
      });
      const state = [...optimizer.toArrays().values(), ...[...params.values()].map((p) => ({ data: p.dataSync() as Float32Array }))];
      optimizer.dispose();
      params.forEach((p) => p.dispose());
      return { norms, state };
    };
    const before = tf.memory().numTensors;
    fusedOptions.enabled = true;
    const fused = run();
    fusedOptions.enabled = false;
    const composite = run();
    expect(tf.memory().numTensors).toBe(before);
    fused.norms.forEach((n, k) => expect(n).toBeCloseTo(composite.norms[k]!, 4));
    expect(fused.norms[2]).toBeGreaterThan(1);
    fused.state.forEach((a, k) => expectClose(a.data as Float32Array, composite.state[k]!.data as Float32Array, 1e-5));
  });

  it('leaves no tensor behind, forward and backward', () => {
    const encoder = new SasrecEncoder(settings, new Rng(7));
    const table = tf.randomNormal([10, 16], 0, 0.5, 'float32', 5) as tf.Tensor2D;
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(encoder.encode(table, padBatch(sequences, 7), { training: true, rng: new Rng(3) })) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    expect(tf.memory().numTensors).toBe(before);
    encoder.parameters.dispose();
    table.dispose();
  });
});
