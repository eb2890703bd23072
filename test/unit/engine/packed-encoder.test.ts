/**
 * The packed encoder (sequences back to back, no padding; packed-attention.ts) against the padded
 * encoder with the composite tfjs ops: representations and every gradient (encoder parameters and
 * item table) with dropout off, for all-query and last-query layers, sequences longer than the
 * window included; dropout on draws from the run's stream; no leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { padBatch } from '../../../src-main/engine/data';
import { SasrecEncoder, type EncoderSettings } from '../../../src-main/engine/encoder';
import { fusedOptions } from '../../../src-main/engine/heap-kernels';
import { packedAttentionHere, queryLayout } from '../../../src-main/engine/packed-attention';
import { Rng } from '../../../src-main/engine/rng';
import { expectClose } from '../../fixtures/engine/close';

const settings: EncoderSettings = { hiddenSize: 16, layers: 2, heads: 2, maxSeqLength: 6, attentionDropout: 0, hiddenDropout: 0, initializerRange: 0.3 };
// Lengths 1 … 9: the 7- and 9-item sequences are cut to the window's last 6, as the padded batch does.
const sequences = [[3, 1, 4, 1, 5, 9, 2], [6], [5, 3], [5, 8, 9, 7, 9], [2, 7, 1, 8, 2, 8, 1, 8, 2], [4, 4, 4]].map((s) => Int32Array.from(s));

describe('packed encoder (wasm)', () => {
  beforeAll(async () => {
    expect(await initBackend('wasm')).toBe('wasm');
  });
  afterEach(() => {
    fusedOptions.enabled = true;
  });

  it('lays out one query per token (or per sequence) with its causal keys', () => {
    const all = queryLayout([0, 1, 3], false, 2);
    expect(Array.from(all.keyStart)).toEqual([0, 1, 1]);
    expect(Array.from(all.keyCount)).toEqual([1, 1, 2]);
    expect(Array.from(all.probStart)).toEqual([0, 2, 4]);
    expect(all.total).toBe(8);
    const last = queryLayout([0, 1, 3], true, 2);
    expect(Array.from(last.keyCount)).toEqual([1, 2]);
    expect(last.total).toBe(6);
  });

  it.each([
    ['last query only', true],
    ['full last layer', false],
  ])('equals the padded composite encoder in value and every gradient (%s)', (_name, lastQueryOnly) => {
    expect(packedAttentionHere(8)).toBe(true);
    const encoder = new SasrecEncoder({ ...settings, lastQueryOnly }, new Rng(7));
    const table = tf.randomNormal([10, 16], 0, 0.5, 'float32', 5) as tf.Tensor2D;
    const upstream = tf.randomNormal([sequences.length, 16], 0, 1, 'float32', 6);
    const names = [...encoder.parameters.vars.keys()];
    const run = (packed: boolean) => {
      fusedOptions.enabled = packed; // off: the padded encoder with tfjs's own ops
      const encode = (t: tf.Tensor2D) => (packed ? encoder.encodePacked(t, sequences, { training: false }) : encoder.encode(t, padBatch(sequences, 6), { training: false }));
      return tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(encode(table), upstream)) as tf.Scalar);
        const tableGrad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(encode(t as tf.Tensor2D), upstream)))(table);
        return [encode(table), value, tableGrad, ...names.map((n) => grads[encoder.parameters.get(n).name]!)];
      }).map((t) => {
        const v = t.dataSync() as Float32Array;
        t.dispose();
        return v;
      });
    };
    const packed = run(true);
    const padded = run(false);
    const labels = ['representations', 'loss', 'table', ...names];
    for (let i = 0; i < packed.length; i++) {
      // Scores shift by q·b_key for every key alike, which softmax ignores: that gradient is exactly 0.
      if (labels[i]!.endsWith('attention.key.bias')) expect(Math.max(...packed[i]!.map(Math.abs))).toBeLessThan(1e-5);
      else expectClose(packed[i]!, padded[i]!, 1e-4);
    }
    encoder.parameters.dispose();
    tf.dispose([table, upstream]);
  });

  it('the padded entry points take the packed path on wasm (same values as packed)', () => {
    const encoder = new SasrecEncoder(settings, new Rng(7));
    const table = tf.randomNormal([10, 16], 0, 0.5, 'float32', 5) as tf.Tensor2D;
    const [viaPadded, viaGroups, packed] = [
      encoder.encode(table, padBatch(sequences, 6), { training: false }),
      encoder.encodeSequences(table, sequences, { training: false }),
      encoder.encodePacked(table, sequences, { training: false }),
    ].map((t) => {
      const v = t.dataSync();
      t.dispose();
      return v;
    });
    expect(Array.from(viaPadded!)).toEqual(Array.from(packed!));
    expect(Array.from(viaGroups!)).toEqual(Array.from(packed!));
    encoder.parameters.dispose();
    table.dispose();
  });

  it('with dropout: reproducible for a seed, different for another, and no tensor left behind', () => {
    const encoder = new SasrecEncoder({ ...settings, attentionDropout: 0.3, hiddenDropout: 0.2 }, new Rng(7));
    const table = tf.randomNormal([10, 16], 0, 0.5, 'float32', 5) as tf.Tensor2D;
    const step = (seed: number) => {
      const { value, grads } = tf.variableGrads(() => tf.sum(encoder.encodePacked(table, sequences, { training: true, rng: new Rng(seed) })) as tf.Scalar);
      const loss = value.dataSync()[0]!;
      tf.dispose([value, ...Object.values(grads)]);
      return loss;
    };
    step(3);
    const before = tf.memory().numTensors;
    const a = step(3);
    expect(tf.memory().numTensors).toBe(before);
    expect(step(3)).toBe(a);
    expect(step(4)).not.toBe(a);
    encoder.parameters.dispose();
    table.dispose();
  });
});
