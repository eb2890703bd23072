/**
 * THE acceptance test: the reference InDiRec Beauty checkpoint evaluated with this encoder and
 * evaluator reproduces docs/model.md §15's independently computed numbers to 4 decimals. And the
 * best checkpoint of this engine's own 50-epoch run (experiments/, docs/experiments.md §4b) still
 * evaluates to the numbers it was committed with, within 3 % of the reference checkpoint's.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend';
import { leaveOneOutCases, readSequenceFile } from '../../../src-main/engine/data';
import { evaluateRanking } from '../../../src-main/engine/evaluate';
import { loadReferenceCheckpoint } from '../../../src-main/engine/model';

const shared = resolve(__dirname, '../../../../shared');
const checkpoint = `${shared}/reference/checkpoints/indirec-Beauty.safetensors`;
const dataset = `${shared}/datasets/Beauty.txt`;
const available = existsSync(checkpoint) && existsSync(dataset);
if (!available) console.warn(`[acceptance] skipped: ${checkpoint} or ${dataset} not found (../shared is absent)`);

/** Full-ranking test metrics of a reference-layout checkpoint on Beauty. */
async function testMetrics(file: string) {
  await initBackend();
  const data = readSequenceFile(dataset);
  const model = loadReferenceCheckpoint(file, data.numItems);
  const metrics = await evaluateRanking(model, leaveOneOutCases(data, 'test'), { maxSeqLength: model.settings.maxSeqLength });
  model.dispose();
  return metrics;
}

describe.skipIf(!available)('reference checkpoint (docs/model.md §15)', () => {
  it('reproduces HR/NDCG@5/10/20 on Beauty over all 22,363 users', async () => {
    const metrics = await testMetrics(checkpoint);
    expect(metrics.users).toBe(22363);
    const golden = { 'HR@5': 0.0688, 'HR@10': 0.0961, 'HR@20': 0.1305, 'NDCG@5': 0.0489, 'NDCG@10': 0.0577, 'NDCG@20': 0.0663 };
    for (const [k, v] of Object.entries(golden)) expect(metrics[k as keyof typeof golden].toFixed(4), k).toBe(v.toFixed(4));
  }, 300_000);
});

const ours = resolve(__dirname, '../../../experiments/beauty-indirec-seed2022-best.safetensors');
describe.skipIf(!available || !existsSync(ours))('the 50-epoch InDiRec run of this engine on Beauty (docs/experiments.md §4b)', () => {
  it('its best checkpoint scores what it was committed with, within 3 % of the reference checkpoint', async () => {
    const metrics = await testMetrics(ours);
    const committed = { 'HR@5': 0.0676, 'HR@10': 0.0937, 'HR@20': 0.127, 'NDCG@5': 0.0491, 'NDCG@10': 0.0575, 'NDCG@20': 0.0659 };
    for (const [k, v] of Object.entries(committed)) expect(metrics[k as keyof typeof committed].toFixed(4), k).toBe(v.toFixed(4));
    expect(metrics['HR@10']).toBeGreaterThanOrEqual(0.0932);
    expect(metrics['NDCG@10']).toBeGreaterThanOrEqual(0.056);
  }, 300_000);
});
