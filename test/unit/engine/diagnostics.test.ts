/**
 * Per-epoch learning-dynamics diagnostics (engine/diagnostics.ts, issue #13): the statistics have
 * known answers on tiny tables (norms, pairwise cosine, gate mean/spread, alignment, computed here in
 * plain JS), the gradient norms are each component's own (the groups a term cannot reach are 0, a
 * doubled loss weight doubles its norm), nothing leaks, the training stream is untouched, and the
 * init settings change the initial fused rows as they say.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import type { SequenceData } from '../../../src-main/engine/data';
import { epochDiagnostics, meanPairwiseCosine, meanRowNorm } from '../../../src-main/engine/diagnostics';
import { Rng } from '../../../src-main/engine/rng';
import { resolveSettings } from '../../../src-main/engine/settings';
import { Trainer } from '../../../src-main/engine/trainer';
import type { SemanticTable } from '../../../src-main/semantic/embedding-store';
import { fusedItemTableFactory, FusedItemTable } from '../../../src-main/engine/semantic-fusion';

beforeAll(async () => {
  await initBackend();
});

const norm = (x: number[]) => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
const cos = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k]!, 0) / (norm(a) * norm(b));
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
function pairCosine(rows: number[][]): number {
  const c: number[] = [];
  rows.forEach((a, i) => rows.forEach((b, j) => i !== j && c.push(cos(a, b))));
  return mean(c);
}

describe('row statistics', () => {
  it('mean row norm and mean pairwise cosine have the known answers', () => {
    const rows = [[1, 0], [0, 1], [1, 1], [-2, 0.5]];
    const x = tf.tensor2d(rows);
    expect(meanRowNorm(x)).toBeCloseTo(mean(rows.map(norm)), 5);
    expect(meanPairwiseCosine(x)).toBeCloseTo(pairCosine(rows), 5);
    const same = tf.tensor2d([[3, 4], [0.3, 0.4], [6, 8]]);
    expect(meanPairwiseCosine(same)).toBeCloseTo(1, 5);
    tf.dispose([x, same]);
  });
});

// 4 items (rows 0..5), d_s = 3, D = 2; item 3 has no text.
const semantic: SemanticTable = {
  dims: 3,
  table: Float32Array.from([0, 0, 0, 1, 0, 0, 0.6, 0.8, 0, 0, 0, 0, 0.8, 0, 0.6]),
  hasText: Uint8Array.from([0, 1, 1, 0, 1]),
};
const ID = [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8], [0.9, 1.0], [0.2, 0.1]];
const W = [0.2, -0.1, 0.4, 0.3, -0.5, 0.6]; // adapter [3, 2]
const B = [0.05, -0.02];
const G = [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8]; // gate [4, 2]
const GB = [0.05, -0.05];
const S = [0, 1, 2, 3, 4].map((r) => Array.from(semantic.table.slice(r * 3, r * 3 + 3)));
const lin = (x: number[], w: number[], b: number[]) => b.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * w[i * b.length + j]!, 0));
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function knownTable(): FusedItemTable {
  const t = new FusedItemTable(6, 2, semantic, new Rng(1), { fusion: 'gated', adapterHidden: [] });
  const set = (name: string, v: number[]) => t.parameters.get(name).assign(tf.tensor(v, t.parameters.get(name).shape));
  set('item_embeddings.weight', ID.flat());
  set('semantic_adapter.0.weight', W);
  set('semantic_adapter.0.bias', B);
  set('fusion.gate.weight', G);
  set('fusion.gate.bias', GB);
  return t;
}

describe('fused table view statistics', () => {
  it('gate, norms, cosines and alignment over the items with text match a plain-JS computation', () => {
    const t = knownTable();
    const text = [1, 2, 4];
    const a = text.map((r) => lin(S[r]!, W, B));
    const id = text.map((r) => ID[r]!);
    const g = text.map((_, k) => lin([...id[k]!, ...a[k]!], G, GB).map(sigmoid));
    const fused = text.map((_, k) => id[k]!.map((x, j) => g[k]![j]! * x + (1 - g[k]![j]!) * a[k]![j]!));
    const gates = g.flat();
    const gateMean = mean(gates);
    const stats = t.viewStatistics(Int32Array.from([1, 2, 3, 4]));
    expect(stats.gateMean).toBeCloseTo(gateMean, 5);
    expect(stats.gateSpread).toBeCloseTo(Math.sqrt(mean(gates.map((v) => (v - gateMean) ** 2))), 5);
    expect(stats.idNorm).toBeCloseTo(mean(id.map(norm)), 5);
    expect(stats.semanticNorm).toBeCloseTo(mean(a.map(norm)), 5);
    expect(stats.fusedNorm).toBeCloseTo(mean(fused.map(norm)), 5);
    // Item 3 (no text) is in the sample but not in the statistics.
    expect(stats.fusedCosine).toBeCloseTo(pairCosine(fused), 5);
    expect(stats.idCosine).toBeCloseTo(pairCosine(id), 5);
    expect(stats.semanticCosine).toBeCloseTo(pairCosine(a), 5);
    expect(stats.alignLoss).toBeCloseTo(mean(id.map((e, k) => 1 - cos(e, a[k]!))), 5);
    t.parameters.dispose();
    t.dispose();
  });

  it('init settings: zero adapter biases give A(0) = 0, centred rows give adapted rows with mean 0', () => {
    const adaptedMean = (t: FusedItemTable) => {
      const a = t.adaptTable();
      const m = tf.mean(tf.gather(a, [1, 2, 4]), 0);
      const out = Array.from(m.dataSync());
      tf.dispose([a, m]);
      return out;
    };
    const zeroRow = (t: FusedItemTable) => {
      const a = t.adapt(tf.zeros([1, 3]));
      const out = Array.from(a.dataSync());
      a.dispose();
      return out;
    };
    const make = (settings: ConstructorParameters<typeof FusedItemTable>[4]) => new FusedItemTable(6, 2, semantic, new Rng(5), { adapterHidden: [2], ...settings });
    const paper = make({});
    const zero = make({ adapterBias: 'zero' });
    const both = make({ adapterBias: 'zero', semanticInput: 'centered' });
    expect(Math.max(...zeroRow(paper).map(Math.abs))).toBeGreaterThan(1e-3); // nn.Linear's biases: one vector for every item
    expect(zeroRow(zero)).toEqual([0, 0]);
    // Same weights (the biases are set after the same draws): only the shared offset differs.
    expect(Array.from(zero.parameters.get('semantic_adapter.0.weight').dataSync())).toEqual(Array.from(paper.parameters.get('semantic_adapter.0.weight').dataSync()));
    // Centred inputs (the table's own frozen rows) through a bias-free linear adapter average to 0.
    const centred = both.viewStatistics(Int32Array.from([1, 2, 4]));
    const plain = zero.viewStatistics(Int32Array.from([1, 2, 4]));
    expect(centred.semanticCosine!).toBeLessThan(plain.semanticCosine!);
    expect(adaptedMean(paper).some((v) => Math.abs(v) > 1e-3)).toBe(true);
    for (const v of adaptedMean(both)) expect(v).toBeCloseTo(0, 6);
    for (const t of [paper, zero, both]) {
      t.parameters.dispose();
      t.dispose();
    }
  });
});

/** 60 users walking a ring of 20 items; items with an 8-d text vector that knows their number. */
function ring(): { data: SequenceData; semantic: SemanticTable } {
  const rng = new Rng(11);
  const sequences = Array.from({ length: 60 }, () => {
    const start = rng.int(20);
    return Int32Array.from({ length: 5 + rng.int(6) }, (_, k) => ((start + k) % 20) + 1);
  });
  const table = new Float32Array(21 * 8);
  for (let i = 1; i <= 20; i++) for (let d = 0; d < 8; d++) table[i * 8 + d] = Math.sin(i * (d + 1));
  return { data: { numItems: 20, sequences }, semantic: { dims: 8, table, hasText: Uint8Array.from({ length: 21 }, (_, i) => (i > 0 ? 1 : 0)) } };
}

const tiny = { hiddenSize: 8, heads: 2, maxSeqLength: 6, batchSize: 16, timesteps: 4, intents: 3, kmeansIterations: 2, kmeansRedo: 1, learningRate: 0.01 };

describe('epoch diagnostics of a trainer', () => {
  it('LLMDiRec: every component and group, zero where a term cannot reach, linear in the weights, no leaks, training stream untouched', async () => {
    const { data, semantic: s } = ring();
    // The table factory carries the fusion settings (in runs: llmdirecRunTableFactory from the run's settings).
    const build = (overrides: { clWeight?: number; alignWeight?: number } = {}) =>
      new Trainer(data, resolveSettings(undefined, { ...tiny, model: 'llmdirec', embeddingSetId: 1, ...overrides }), { tableFactory: fusedItemTableFactory(s, { alignWeight: overrides.alignWeight ?? 0.1 }) });
    const trainer = build();
    await trainer.runEpoch();
    const rngBefore = trainer.rng.state();
    epochDiagnostics(trainer); // warm-up (kernels, constants)
    const tensors = tf.memory().numTensors;
    const d = epochDiagnostics(trainer);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(trainer.rng.state()).toEqual(rngBefore);
    expect(d.batchSize).toBe(16);
    expect(Object.keys(d.gradients).sort()).toEqual(['align', 'cl', 'diff', 'rec']);
    const g = d.gradients;
    for (const c of ['rec', 'diff', 'cl'] as const) for (const group of ['encoder', 'idTable', 'adapter', 'fusion'] as const) expect(g[c]![group], `${c}.${group}`).toBeGreaterThan(0);
    expect(g.rec!.diffusion).toBe(0); // rec never reads the denoiser
    expect(g.diff!.diffusion).toBeGreaterThan(0);
    expect(g.cl!.diffusion).toBe(0); // the generated view is a constant
    expect(g.align!.encoder).toBe(0);
    expect(g.align!.fusion).toBe(0); // L_align reads e_id and A(s), not the gate
    expect(g.align!.idTable).toBeGreaterThan(0);
    for (const c of Object.values(g)) {
      const parts = (['encoder', 'idTable', 'adapter', 'fusion', 'diffusion'] as const).map((k) => c![k] ** 2).reduce((a, b) => a + b, 0);
      expect(c!.all).toBeCloseTo(Math.sqrt(parts), 6);
    }
    expect(d.table.gateMean).toBeGreaterThan(0);
    expect(d.table.gateMean).toBeLessThan(1);
    expect(d.table.fusedCosine).toBeGreaterThan(-1);
    // Deterministic, and each norm is that of its own weighted term: twice the weight, twice the norm.
    expect(epochDiagnostics(trainer)).toEqual(d);
    const doubled = build({ clWeight: 0.4, alignWeight: 0.2 });
    doubled.restoreState(trainer.stateArrays());
    const d2 = epochDiagnostics(doubled);
    expect(d2.gradients.cl!.all / g.cl!.all).toBeCloseTo(2, 4);
    expect(d2.gradients.align!.all / g.align!.all).toBeCloseTo(2, 4);
    expect(d2.gradients.rec!.all).toBeCloseTo(g.rec!.all, 6);
    trainer.dispose();
    doubled.dispose();
  }, 120_000);

  it('SASRec: the rec term only, over the plain ID table', async () => {
    const { data } = ring();
    const trainer = new Trainer(data, resolveSettings(undefined, { ...tiny, model: 'sasrec' }));
    await trainer.runEpoch();
    const d = epochDiagnostics(trainer);
    expect(Object.keys(d.gradients)).toEqual(['rec']);
    expect(d.gradients.rec!.idTable).toBeGreaterThan(0);
    expect(d.table.gateMean).toBeUndefined();
    expect(d.table.fusedNorm).toBeGreaterThan(0);
    trainer.dispose();
  }, 60_000);
});
