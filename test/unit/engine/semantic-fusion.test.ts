import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { Rng } from '../../../src-main/engine/rng';
import type { SemanticTable } from '../../../src-main/semantic/embedding-store';
import { FusedItemTable, type FusionKind } from '../../../src-main/engine/semantic-fusion';

// 3 items (rows 0..4 = padding, items 1–3, mask row), d_s = 4, D = 2. Item 2 has no text.
const semantic: SemanticTable = {
  dims: 4,
  table: Float32Array.from([0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, -1, 1, 0, 3]),
  hasText: Uint8Array.from([0, 1, 0, 1]),
};
const ROWS = 5;
const D = 2;
const kinds: FusionKind[] = ['gated', 'weighted', 'concat', 'crossattn'];
const rowOf = (t: tf.Tensor2D, r: number) => Array.from(t.dataSync().slice(r * D, r * D + D));
const close = (a: ArrayLike<number>, b: ArrayLike<number>, eps = 1e-4) => Array.from(a).forEach((x, k) => expect(x).toBeCloseTo(b[k]!, -Math.log10(eps)));

/** Sets a parameter from plain numbers ([in, out] layout for linear weights). */
function set(table: FusedItemTable, name: string, values: number[]): void {
  const v = table.parameters.get(name);
  v.assign(tf.tensor(values, v.shape));
}

/** Plain-JS linear layer x·W + b with W as [in, out]. */
const lin = (x: number[], w: number[], b: number[]) => b.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * w[i * b.length + j]!, 0));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A table with every parameter set to known numbers, adapter = one Linear(4→2). */
function knownTable(fusion: FusionKind): FusedItemTable {
  const t = new FusedItemTable(ROWS, D, semantic, new Rng(1), { fusion, adapterHidden: [] });
  set(t, 'item_embeddings.weight', [0.1, 0.2, 0.3, -0.4, 0.5, 0.6, -0.7, 0.8, 0.9, 1.0]);
  set(t, 'semantic_adapter.0.weight', [0.1, 0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8]);
  set(t, 'semantic_adapter.0.bias', [0.01, -0.02]);
  if (fusion === 'gated') {
    set(t, 'fusion.gate.weight', [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8]);
    set(t, 'fusion.gate.bias', [0.05, -0.05]);
  }
  if (fusion === 'weighted') set(t, 'fusion.alpha_logit', [0.7]);
  if (fusion === 'concat') {
    set(t, 'fusion.project.weight', [1, 0, 0, 1, 0.5, 0.5, -0.5, 0.5]);
    set(t, 'fusion.project.bias', [0.1, 0.2]);
  }
  if (fusion === 'crossattn') {
    for (const [n, w] of [['query', [1, 0, 0, 1]], ['key', [0.5, 0, 0, 0.5]], ['value', [1, 2, 3, 4]], ['output', [0.5, -0.5, 1, 1]]] as const) {
      set(t, `fusion.${n}.weight`, [...w]);
      set(t, `fusion.${n}.bias`, [0, 0]);
    }
  }
  return t;
}

const ID = [[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8], [0.9, 1.0]];
const S = [[0, 0, 0, 0], [1, 0, 2, 0], [0, 0, 0, 0], [-1, 1, 0, 3], [0, 0, 0, 0]];
const adapt = (s: number[]) => lin(s, [0.1, 0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8], [0.01, -0.02]);

/** The fused row computed independently from the formulas of docs/model.md §16. */
function expectedRow(fusion: FusionKind, r: number): number[] {
  const e = ID[r]!;
  const a = adapt(S[r]!);
  switch (fusion) {
    case 'gated': {
      const g = lin([...e, ...a], [0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, 0.8], [0.05, -0.05]).map(sigmoid);
      return e.map((x, j) => g[j]! * x + (1 - g[j]!) * a[j]!);
    }
    case 'weighted': {
      const al = sigmoid(0.7);
      return e.map((x, j) => al * x + (1 - al) * a[j]!);
    }
    case 'concat':
      return lin([...e, ...a], [1, 0, 0, 1, 0.5, 0.5, -0.5, 0.5], [0.1, 0.2]);
    case 'crossattn': {
      const v = lin(a, [1, 2, 3, 4], [0, 0]);
      const o = lin(v, [0.5, -0.5, 1, 1], [0, 0]);
      return e.map((x, j) => x + o[j]!);
    }
  }
}

// The engine's own backend (wasm here), with its gradients and patched kernels: what training runs on.
beforeAll(async () => {
  await initBackend();
});

describe('fused item table (docs/model.md §16)', () => {
  for (const fusion of kinds) {
    it(`${fusion}: known answers for text rows, ID rows for padding, no-text item and mask row`, () => {
      const t = knownTable(fusion);
      const w = t.weights();
      expect(w.shape).toEqual([ROWS, D]);
      close(rowOf(w, 1), expectedRow(fusion, 1));
      close(rowOf(w, 3), expectedRow(fusion, 3));
      for (const r of [0, 2, 4]) close(rowOf(w, r), ID[r]!);
      w.dispose();
      t.parameters.dispose();
      t.dispose();
    });

    it(`${fusion}: gradients reach the ID table, the adapter and the fusion parameters, and nothing leaks`, () => {
      const t = new FusedItemTable(ROWS, D, semantic, new Rng(2), { fusion });
      // Cross-attention's query/key act only per sequence position: include that path.
      const sequence = () => (fusion === 'crossattn' ? tf.sum(tf.square(t.crossAttentionInput(tf.tensor2d([0, 1, 2, 3], [1, 4], 'int32')))) : tf.scalar(0));
      const loss = () =>
        tf.tidy(() => tf.addN([tf.sum(tf.square(t.weights())), t.auxiliaryLoss(tf.tensor1d([1, 2, 3], 'int32'))!.value, sequence()]) as tf.Scalar);
      tf.dispose(tf.variableGrads(loss)); // warm-up
      const before = tf.memory().numTensors;
      const { value, grads } = tf.variableGrads(loss);
      for (const [name, v] of t.parameters.vars) {
        const g = grads[v.name];
        expect(g, name).toBeDefined();
        expect(g!.shape).toEqual(v.shape);
        // A key bias shifts every score of a query equally, and softmax ignores that: its gradient is 0.
        if (name !== 'fusion.key.bias') expect(Math.max(...Array.from(g!.dataSync()).map(Math.abs)), name).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      t.parameters.dispose();
      t.dispose();
    });
  }

  it('weighted: the gradient of α matches α(1−α)·Σ(e_id − A(s)) over rows with text', () => {
    const t = knownTable('weighted');
    const { value, grads } = tf.variableGrads(() => tf.sum(t.weights()) as tf.Scalar, [t.parameters.get('fusion.alpha_logit')]);
    const al = sigmoid(0.7);
    const expected = [1, 3].reduce((s, r) => s + al * (1 - al) * (ID[r]!.reduce((x, y) => x + y, 0) - adapt(S[r]!).reduce((x, y) => x + y, 0)), 0);
    expect(Object.values(grads)[0]!.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it('adapter defaults to LLM-ESR Linear(d_s→d_s/2)→Linear(d_s/2→D)', () => {
    const t = new FusedItemTable(ROWS, D, semantic, new Rng(3));
    expect(t.parameters.get('semantic_adapter.0.weight').shape).toEqual([4, 2]);
    expect(t.parameters.get('semantic_adapter.1.weight').shape).toEqual([2, D]);
    expect(t.settings.fusion).toBe('gated');
    expect(() => new FusedItemTable(7, D, semantic, new Rng(3))).toThrow(/3 items; the item table needs 5/);
    t.parameters.dispose();
    t.dispose();
  });
});

/** Every parameter's gradient of Σ weight ⊙ table², the table computed by `table` from `t`'s parameters. */
function parameterGrads(t: FusedItemTable, weight: tf.Tensor2D, table: () => tf.Tensor2D): Record<string, number[]> {
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(table()), weight)) as tf.Scalar, [...t.parameters.vars.values()]);
  const out = Object.fromEntries([...t.parameters.vars].map(([name, v]) => [name, Array.from(grads[v.name]!.dataSync())]));
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe('adapter fast paths', () => {
  // The table's adapter runs as one affine map (no activation) or with Sᵀ kept for the first layer's
  // gradient; both must equal the layer-by-layer x·W + b of tfjs's own ops, in value and gradient.
  for (const activation of ['none', 'gelu'] as const) {
    it(`${activation}: the whole-table adapter equals layer-by-layer x·W + b in value and gradient`, () => {
      const t = new FusedItemTable(ROWS, D, semantic, new Rng(4), { fusion: 'weighted', adapterHidden: [3], adapterActivation: activation });
      const p = (name: string) => t.parameters.get(name);
      const S = tf.tensor2d([...semantic.table, 0, 0, 0, 0], [ROWS, 4]); // + the mask row
      const hasText = tf.tensor2d([0, 1, 0, 1, 0], [ROWS, 1]);
      const layerByLayer = () => {
        let x: tf.Tensor = tf.add(tf.matMul(S, p('semantic_adapter.0.weight') as tf.Tensor2D), p('semantic_adapter.0.bias'));
        if (activation === 'gelu') x = tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));
        const a = tf.add(tf.matMul(x as tf.Tensor2D, p('semantic_adapter.1.weight') as tf.Tensor2D), p('semantic_adapter.1.bias'));
        const alpha = tf.sigmoid(p('fusion.alpha_logit'));
        const id = p('item_embeddings.weight');
        return tf.add(id, tf.mul(hasText, tf.sub(tf.add(tf.mul(alpha, id), tf.mul(tf.sub(1, alpha), a)), id))) as tf.Tensor2D;
      };
      const weight = tf.tensor2d([1, -2, 0.5, 3, -1, 2, 0.25, -0.5, 4, 1], [ROWS, D]);
      const gradsOf = (table: () => tf.Tensor2D) => parameterGrads(t, weight, table);
      const fast = t.weights();
      const plain = layerByLayer();
      close(fast.dataSync(), plain.dataSync(), 1e-5);
      const before = tf.memory().numTensors;
      const fastGrads = gradsOf(() => t.weights());
      expect(tf.memory().numTensors).toBe(before);
      const plainGrads = gradsOf(layerByLayer);
      for (const name of Object.keys(plainGrads)) close(fastGrads[name]!, plainGrads[name]!, 1e-5);
      expect(Math.max(...fastGrads['semantic_adapter.0.weight']!.map(Math.abs))).toBeGreaterThan(0);
      tf.dispose([fast, plain, S, hasText, weight]);
      t.parameters.dispose();
      t.dispose();
    });
  }
});

describe('gated table with its written-out gradient', () => {
  // The paper's table (gated, no adapter activation) is one tape node with a hand-written gradient,
  // and a training step computes it once (stepWeights); both must equal tfjs's own ops.
  for (const adapterBias of ['pytorch-default', 'none'] as const) {
    it(`adapter biases ${adapterBias}: weights() and stepWeights().taped() equal the composite ops in value and every gradient, without leaks`, () => {
      const t = new FusedItemTable(ROWS, D, semantic, new Rng(5), { fusion: 'gated', adapterHidden: [3], adapterBias });
      const p = (name: string) => t.parameters.get(name);
      const withBias = (x: tf.Tensor, name: string) => (adapterBias === 'none' ? x : tf.add(x, p(name)));
      const S = tf.tensor2d([...semantic.table, 0, 0, 0, 0], [ROWS, 4]);
      const hasText = tf.tensor2d([0, 1, 0, 1, 0], [ROWS, 1]);
      const composite = () => {
        const x = withBias(tf.matMul(S, p('semantic_adapter.0.weight') as tf.Tensor2D), 'semantic_adapter.0.bias');
        const a = withBias(tf.matMul(x as tf.Tensor2D, p('semantic_adapter.1.weight') as tf.Tensor2D), 'semantic_adapter.1.bias');
        const id = p('item_embeddings.weight');
        const g = tf.sigmoid(tf.add(tf.matMul(tf.concat([id, a], 1), p('fusion.gate.weight') as tf.Tensor2D), p('fusion.gate.bias')));
        const fused = tf.add(tf.mul(g, id), tf.mul(tf.sub(1, g), a));
        return tf.add(id, tf.mul(hasText, tf.sub(fused, id))) as tf.Tensor2D;
      };
      const weight = tf.tensor2d([1, -2, 0.5, 3, -1, 2, 0.25, -0.5, 4, 1], [ROWS, D]);
      const gradsOf = (table: () => tf.Tensor2D) => parameterGrads(t, weight, table);
      const plain = composite();
      const plainGrads = gradsOf(composite);
      expect(t.parameters.vars.has('semantic_adapter.0.bias')).toBe(adapterBias !== 'none');
      for (const name of ['item_embeddings.weight', 'semantic_adapter.0.weight', ...(adapterBias === 'none' ? [] : ['semantic_adapter.1.bias']), 'fusion.gate.weight', 'fusion.gate.bias']) {
        expect(Math.max(...plainGrads[name]!.map(Math.abs)), name).toBeGreaterThan(1e-3);
      }
      const before = tf.memory().numTensors;
      const fast = t.weights();
      close(fast.dataSync(), plain.dataSync(), 1e-6);
      fast.dispose();
      const fastGrads = gradsOf(() => t.weights());
      const step = t.stepWeights();
      close(step.value.dataSync(), plain.dataSync(), 1e-6);
      const stepGrads = gradsOf(() => step.taped());
      step.dispose();
      expect(tf.memory().numTensors).toBe(before);
      for (const name of Object.keys(plainGrads)) {
        close(fastGrads[name]!, plainGrads[name]!, 1e-5);
        close(stepGrads[name]!, plainGrads[name]!, 1e-5);
      }
      tf.dispose([plain, S, hasText, weight]);
      t.parameters.dispose();
      t.dispose();
    });
  }
});

describe('adapter without biases over centred rows', () => {
  it('gives an adapted view whose mean over the items with text is 0: no vector shared by every item', () => {
    const t = new FusedItemTable(ROWS, D, semantic, new Rng(6), { fusion: 'gated', semanticInput: 'centered', adapterBias: 'none' });
    const a = t.adaptTable();
    const rows = [1, 3].map((r) => rowOf(a, r));
    close(rows[0]!.map((x, k) => x + rows[1]![k]!), [0, 0], 1e-6);
    expect(Math.max(...rows[0]!.map(Math.abs))).toBeGreaterThan(1e-3);
    a.dispose();
    t.parameters.dispose();
    t.dispose();
  });
});

describe('alignment loss (§3.3)', () => {
  it('is mean(1 − cos(e_id, A(s))) over items with text; padding and no-text items excluded', () => {
    const t = knownTable('gated');
    const cos = (x: number[], y: number[]) => (x[0]! * y[0]! + x[1]! * y[1]!) / Math.hypot(...x) / Math.hypot(...y);
    const expected = (1 - cos(ID[1]!, adapt(S[1]!)) + (1 - cos(ID[3]!, adapt(S[3]!))) + (1 - cos(ID[3]!, adapt(S[3]!)))) / 3;
    const l = t.alignmentLoss(tf.tensor1d([0, 1, 2, 3, 3, 4, 0], 'int32'));
    expect(l.dataSync()[0]).toBeCloseTo(expected, 5);
    const none = t.alignmentLoss(tf.tensor1d([0, 2, 4], 'int32'));
    expect(none.dataSync()[0]).toBe(0);
    const aux = t.auxiliaryLoss(tf.tensor1d([1], 'int32'))!;
    expect(aux.name).toBe('align');
    expect(aux.value.dataSync()[0]).toBeCloseTo(0.1 * (1 - cos(ID[1]!, adapt(S[1]!))), 5);
    tf.dispose([l, none, aux.value]);
    t.parameters.dispose();
    t.dispose();
  });
});

describe('cross-attention over sequence positions', () => {
  it('attends causally over the adapted semantic views of earlier positions, with a residual', () => {
    const t = knownTable('crossattn');
    // Left-padded [0, 1, 3] and [2, 2, 1]: position-wise known answers.
    const out = t.crossAttentionInput(tf.tensor2d([0, 1, 3, 2, 2, 1], [2, 3], 'int32'));
    expect(out.shape).toEqual([2, 3, D]);
    const data = out.dataSync();
    const at = (b: number, p: number) => Array.from(data.slice((b * 3 + p) * D, (b * 3 + p) * D + D));
    const q = (r: number) => lin(ID[r]!, [1, 0, 0, 1], [0, 0]);
    const k = (r: number) => lin(adapt(S[r]!), [0.5, 0, 0, 0.5], [0, 0]);
    const v = (r: number) => lin(adapt(S[r]!), [1, 2, 3, 4], [0, 0]);
    const attend = (query: number, keys: number[]) => {
      const scores = keys.map((r) => (q(query)[0]! * k(r)[0]! + q(query)[1]! * k(r)[1]!) / Math.sqrt(D));
      const m = Math.max(...scores);
      const ex = scores.map((s) => Math.exp(s - m));
      const z = ex.reduce((a, b) => a + b, 0);
      const ctx = [0, 1].map((j) => keys.reduce((s, r, i) => s + (ex[i]! / z) * v(r)[j]!, 0));
      const o = lin(ctx, [0.5, -0.5, 1, 1], [0, 0]);
      return ID[query]!.map((x, j) => x + o[j]!);
    };
    close(at(0, 0), ID[0]!); // padding: no key allowed, residual only
    close(at(0, 1), attend(1, [1]));
    close(at(0, 2), attend(3, [1, 3]));
    close(at(1, 0), ID[2]!); // item without text, no earlier text: residual only
    close(at(1, 2), attend(1, [1])); // keys of item 2 are masked (no text)
    // One key allowed (the item itself) = the table row.
    const w = t.weights();
    close(at(0, 1), rowOf(w, 1));
    tf.dispose([out, w]);
    t.parameters.dispose();
    t.dispose();
  });
});

describe('engine hook', () => {
  it('offers a per-position input only for cross-attention', () => {
    for (const fusion of kinds) {
      const t = new FusedItemTable(ROWS, D, semantic, new Rng(4), { fusion });
      expect(t.sequenceInput !== undefined, fusion).toBe(fusion === 'crossattn');
      t.parameters.dispose();
      t.dispose();
    }
  });
});
