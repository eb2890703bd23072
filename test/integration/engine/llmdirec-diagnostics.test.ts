/**
 * An LLMDiRec run records its learning-dynamics diagnostics every epoch (issue #13): stored with the
 * epoch records, returned by runs.show through the API schema, printed by `llmdirec runs show`, and
 * streamed as a 'diagnostics' metrics series; the run's training is the same as without them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunDetail } from '../../../src-main/api/contracts/runs';
import { executeRun } from '../../../src-main/engine/run-loop';
import { createRun, runEpochs } from '../../../src-main/engine/run-store';
import { resolveSettings } from '../../../src-main/engine/settings';
import { prepareTable } from '../../../src-main/engine/table-kinds';
import { embedDataset } from '../../../src-main/semantic/embedding-store';
import type { EmbeddingProvider } from '../../../src-main/semantic/providers/types';
import { runCli } from '../../fixtures/cli';
import { ringStore, tiny } from './ring-store';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-diagnostics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 8-d vectors from the item's number in its text ("… 17 …"): a semantic view with structure. */
const fakeProvider: EmbeddingProvider = {
  kind: 'ollama',
  endpoint: 'http://fake',
  model: 'tiny',
  variant: '',
  maxBatch: 16,
  async embedBatch(texts) {
    return texts.map((t) => {
      const n = Number(/(\d+)/.exec(t)?.[1] ?? 0);
      return Float32Array.from({ length: 8 }, (_, d) => Math.cos(n * (d + 1)) + 0.5);
    });
  },
  close: async () => undefined,
};

describe('LLMDiRec run diagnostics', () => {
  it('are recorded every epoch, shown by runs show (API and CLI) and streamed live', async () => {
    const { db, file } = await ringStore(dir, 'ws');
    db.prepare("UPDATE items SET attributes_json = json_object('title', 'item ' || item_id)").run();
    await embedDataset(db, { dataset: 'ring', provider: fakeProvider, template: 'ml-1m' });
    const prepared = prepareTable(db, 'ring', resolveSettings('ring', { ...tiny, model: 'llmdirec', epochs: 2, workers: 1 }));
    const run = createRun(db, file, 'ring', prepared.settings, prepared.embedding);
    const series: { series: string; step: number; values: Record<string, number> }[] = [];
    await executeRun(db, run.id, { metrics: (s, step, values) => s === 'diagnostics' && series.push({ series: s, step, values }) });

    const epochs = runEpochs(db, run.id);
    expect(epochs).toHaveLength(2);
    for (const e of epochs) {
      const d = e.diagnostics!;
      expect(d.table.gateMean).toBeGreaterThan(0);
      expect(d.table.gateMean).toBeLessThan(1);
      for (const k of ['idNorm', 'semanticNorm', 'fusedNorm', 'fusedCosine', 'idCosine', 'semanticCosine', 'gateSpread', 'alignLoss'] as const) expect(Number.isFinite(d.table[k]), k).toBe(true);
      expect(Object.keys(d.gradients).sort()).toEqual(['align', 'cl', 'diff', 'rec']);
      expect(d.gradients.rec!.adapter).toBeGreaterThan(0);
    }
    expect(epochs[1]!.diagnostics).not.toEqual(epochs[0]!.diagnostics); // the model moved
    expect(series.map((s) => s.step)).toEqual([0, 1]);
    expect(series[0]!.values['table.gateMean']).toBe(epochs[0]!.diagnostics!.table.gateMean);
    expect(series[0]!.values['grad.cl.encoder']).toBe(epochs[0]!.diagnostics!.gradients.cl!.encoder);
    db.close();

    const json = await runCli('--db', file, 'runs', 'show', run.id, '--json');
    expect(json.code).toBe(0);
    const detail = RunDetail.parse(JSON.parse(json.out));
    expect(detail.epochLog[1]!.diagnostics).toEqual(epochs[1]!.diagnostics);
    const text = await runCli('--db', file, 'runs', 'show', run.id);
    expect(text.out).toMatch(/gate mean\s+gate sd\s+‖id‖\s+‖A\(s\)‖\s+‖e‖\s+cos id\s+cos A\(s\)\s+cos e/);
    expect(text.out).toMatch(/Gradient norms .* fixed batch of 32 training samples/);
    expect(text.out.split('\n').filter((l) => /^\d+\s+(rec|diff|cl|align)\s/.test(l))).toHaveLength(8);
  }, 300_000);
});
