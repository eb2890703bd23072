import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { TrainingSettings } from '../../../src-main/engine/settings';
import { Trainer } from '../../../src-main/engine/trainer';
import type { SemanticTable } from '../../../src-main/semantic/embedding-store';
import { fusedItemTableFactory, type FusedItemTable, type FusionKind } from '../../../src-main/engine/semantic-fusion';

/** 12 items in two "genres" (odd/even) with semantic vectors that say so; 40 users alternate within a genre. */
const numItems = 12;
const sequences = Array.from({ length: 40 }, (_, u) => Int32Array.from({ length: 6 + (u % 4) }, (_, p) => ((u + 2 * p) % numItems) + 1));
function semanticTable(): SemanticTable {
  const dims = 6;
  const table = new Float32Array((numItems + 1) * dims);
  const hasText = new Uint8Array(numItems + 1);
  for (let i = 1; i <= numItems; i++) {
    if (i === 12) continue; // one item without text
    table[i * dims + (i % 2)] = 1;
    table[i * dims + 2 + (i % 4)] = 0.5;
    hasText[i] = 1;
  }
  return { dims, table, hasText };
}

beforeAll(async () => {
  await initBackend();
});

describe('LLMDiRec = InDiRec with the fused item table (engine Trainer)', () => {
  for (const fusion of ['gated', 'crossattn'] as FusionKind[]) {
    it(`${fusion}: trains through the engine; the adapter and fusion learn; clustering and ranking use the fused table`, async () => {
      const settings = TrainingSettings.parse({ model: 'indirec', hiddenSize: 8, heads: 2, layers: 1, maxSeqLength: 8, batchSize: 16, intents: 2, timesteps: 5, seed: 3 });
      let table: FusedItemTable | undefined;
      const trainer = new Trainer({ numItems, sequences }, settings, { tableFactory: fusedItemTableFactory(semanticTable(), { fusion }, (t) => (table = t)) });
      try {
        expect(trainer.model.table).toBe(table);
        const names = [...trainer.model.variables().keys()];
        expect(names).toContain('seq_model.semantic_adapter.0.weight');
        const before = Array.from(table!.parameters.get('semantic_adapter.1.weight').dataSync());
        // The query projection is used only per sequence position: it learns only if the engine's encoder calls sequenceInput.
        const queryBefore = fusion === 'crossattn' ? Array.from(table!.parameters.get('fusion.query.weight').dataSync()) : [];
        const epochs = [];
        for (let e = 0; e < 2; e++) epochs.push(await trainer.runEpoch());
        for (const e of epochs) for (const v of Object.values(e.losses)) expect(Number.isFinite(v)).toBe(true);
        // λ_align·L_align reaches the total through the engine's auxiliary-loss hook (§3.3).
        expect(epochs[0]!.losses.align).toBeGreaterThan(0);
        expect(epochs[0]!.losses.align).toBeLessThanOrEqual(0.2 + 1e-6);
        expect(epochs[1]!.clustering?.sizes.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        const after = Array.from(table!.parameters.get('semantic_adapter.1.weight').dataSync());
        expect(after.some((x, k) => Math.abs(x - before[k]!) > 1e-6)).toBe(true);
        if (fusion === 'crossattn') {
          const queryAfter = Array.from(table!.parameters.get('fusion.query.weight').dataSync());
          expect(queryAfter.some((x, k) => Math.abs(x - queryBefore[k]!) > 1e-6)).toBe(true);
        }
        // A step leaks nothing (the gated table's one-step forward is disposed with the step).
        const alive = tf.memory().numTensors;
        trainer.trainStep(trainer.batchIds(0));
        expect(tf.memory().numTensors).toBe(alive);
        const metrics = await trainer.evaluate('test');
        expect(Object.values(metrics).every((v) => typeof v !== 'number' || Number.isFinite(v))).toBe(true);
      } finally {
        // The model frees the table's own tensors (frozen S, text mask) with its parameters.
        const frozen = (table as unknown as { semantic: tf.Tensor }).semantic;
        trainer.dispose();
        expect(frozen.isDisposed).toBe(true);
      }
    });
  }
});
