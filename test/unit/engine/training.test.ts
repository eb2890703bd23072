/**
 * Training on a tiny synthetic dataset: trimming is exact, the full InDiRec loss's gradient matches
 * finite differences, a step leaks no tensors, loss decreases, and seeded runs reproduce exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { padBatch, type SequenceData } from '../../../src-main/engine/data';
import { intentContrastiveLoss, recommendationLoss } from '../../../src-main/engine/losses';
import { Rng } from '../../../src-main/engine/rng';
import { lengthGroups } from '../../../src-main/engine/encoder';
import { resolveSettings } from '../../../src-main/engine/settings';
import { Trainer } from '../../../src-main/engine/trainer';

/** 80 users walking a ring of 24 items (item i is followed by i+1): a learnable next-item rule. */
function ringData(): SequenceData {
  const rng = new Rng(7);
  const sequences: Int32Array[] = [];
  for (let u = 0; u < 80; u++) {
    const start = rng.int(24);
    const n = 5 + rng.int(9);
    sequences.push(Int32Array.from({ length: n }, (_, k) => ((start + k) % 24) + 1));
  }
  return { numItems: 24, sequences };
}

const tiny = {
  hiddenSize: 16,
  heads: 2,
  maxSeqLength: 8,
  batchSize: 32,
  timesteps: 5,
  intents: 4,
  kmeansIterations: 3,
  kmeansRedo: 2,
  learningRate: 0.01,
  attentionDropout: 0.1,
  hiddenDropout: 0.1,
};

describe('training (tiny synthetic data)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('trimming all-padding columns and last-query-only attention are exact', () => {
    const settings = resolveSettings(undefined, { ...tiny, model: 'sasrec' });
    const trainer = new Trainer(ringData(), settings);
    const inputs = [Int32Array.of(3, 4), Int32Array.of(5, 6, 7, 1, 2, 3, 4, 5, 6, 7), Int32Array.of(9), Int32Array.of(1, 2, 3, 4, 5, 6)];
    const full = trainer.model.represent(padBatch(inputs, 8, false));
    const trimmed = trainer.model.represent(padBatch(inputs, 8, true));
    // Length groups (each trimmed to its own width), put back in input order.
    const grouped = tf.tidy(() => trainer.model.encoder.encodeSequences(trainer.model.table.weights(), inputs, { training: false }, 3));
    // The plain form: every layer over every position, then read position L-1.
    (trainer.model.encoder.settings as { lastQueryOnly?: boolean }).lastQueryOnly = false;
    const plain = trainer.model.represent(padBatch(inputs, 8, false));
    const a = full.dataSync();
    const b = trimmed.dataSync();
    const c = plain.dataSync();
    const g = grouped.dataSync();
    for (let i = 0; i < a.length; i++) {
      expect(b[i]).toBeCloseTo(a[i]!, 5);
      expect(c[i]).toBeCloseTo(a[i]!, 5);
      expect(g[i]).toBeCloseTo(a[i]!, 5);
    }
    // Sorted lengths 1,2,6,8 (rows 2,0,3,1); by hand, {1,2}{6}{8} costs 21.4 < {1}{2}{6,8} 23.2 < {1}{2,6}{8} 25.3.
    expect(lengthGroups([2, 8, 1, 6], 3, 0)).toEqual([[2, 0], [3], [1]]);
    tf.dispose([full, trimmed, plain, grouped]);
    trainer.dispose();
  });

  it('the full InDiRec loss gradient matches central finite differences', () => {
    const data = ringData();
    const trainer = new Trainer(data, resolveSettings(undefined, { ...tiny, attentionDropout: 0, hiddenDropout: 0 }));
    const model = trainer.model;
    const ids = trainer.samples.target.subarray(0, 8);
    const batch = padBatch([Int32Array.of(1, 2, 3), Int32Array.of(5, 6), Int32Array.of(7, 8, 9, 10), Int32Array.of(2), Int32Array.of(11, 12), Int32Array.of(3, 4), Int32Array.of(20, 21), Int32Array.of(13)], 8);
    const cond = padBatch([Int32Array.of(4, 5), Int32Array.of(1), Int32Array.of(9, 10), Int32Array.of(2, 3), Int32Array.of(6), Int32Array.of(7, 8), Int32Array.of(14), Int32Array.of(15, 16)], 8);
    const view = tf.randomNormal([8, 16], 0, 1, 'float32', 3) as tf.Tensor2D;
    const loss = () =>
      tf.tidy(() => {
        const table = model.table.weights();
        const h = model.encoder.encode(table, batch, { training: false });
        const x0 = tf.gather(table, tf.tensor1d(ids, 'int32')) as tf.Tensor2D;
        const diff = model.diffusion!.loss(x0, model.encoder.encode(table, cond, { training: false }), new Rng(5));
        return tf.addN([recommendationLoss(h, table, ids), diff, tf.mul(intentContrastiveLoss(view, h, ids, 1, 'dot'), 0.2)]) as tf.Scalar;
      });
    const vars = model.variables();
    const { grads } = tf.variableGrads(loss, [...vars.values()]);
    const checks: [string, number][] = [
      ['seq_model.item_embeddings.weight', ids[0]! * 16 + 3],
      ['seq_model.item_encoder.layer.0.attention.query.weight', 5],
      ['seq_model.item_encoder.layer.1.intermediate.dense_1.weight', 17],
      ['seq_model.position_embeddings.weight', 7 * 16 + 2],
      ['diffuser.0.weight', 40],
      ['step_mlp.1.weight', 9],
    ];
    const eps = 1e-2;
    for (const [name, index] of checks) {
      const v = vars.get(name)!;
      const analytic = grads[v.name]!.dataSync()[index]!;
      const values = v.dataSync().slice() as Float32Array;
      const at = (delta: number) => {
        const moved = values.slice();
        moved[index]! += delta;
        tf.tidy(() => v.assign(tf.tensor(moved, v.shape)));
        const l = loss();
        const out = l.dataSync()[0]!;
        l.dispose();
        return out;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
      expect(Math.abs(analytic - numeric), `${name}[${index}]: analytic ${analytic} vs numeric ${numeric}`).toBeLessThanOrEqual(2e-3 + 0.05 * Math.abs(numeric));
    }
    tf.dispose([view, ...Object.values(grads)]);
    trainer.dispose();
  });

  it.each(['sasrec', 'indirec'] as const)('%s: a step leaks no tensors, loss decreases, seeded runs reproduce', async (model) => {
    const run = async () => {
      const trainer = new Trainer(ringData(), resolveSettings(undefined, { ...tiny, model }));
      trainer.beginEpoch();
      trainer.trainStep(trainer.batchIds(0)); // warm-up (first-use allocations)
      const before = tf.memory().numTensors;
      trainer.trainStep(trainer.batchIds(1));
      expect(tf.memory().numTensors).toBe(before);
      const recs: number[] = [];
      for (let e = 0; e < 6; e++) recs.push((await trainer.runEpoch()).losses.rec!);
      trainer.dispose();
      return recs;
    };
    const alive = tf.memory().numTensors;
    const first = await run();
    expect(tf.memory().numTensors).toBe(alive); // a disposed trainer leaves nothing behind
    expect(first[first.length - 1]!).toBeLessThan(first[0]! * 0.8);
    const second = await run();
    expect(second).toEqual(first);
  }, 120_000);
});
