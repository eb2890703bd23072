/**
 * LLMDiRec runs end to end on a tiny dataset with a tiny embedding set (vectors from a fake provider
 * through the embedding-store API): a run without embeddings is refused with what to do; a run
 * trains in the worker thread (the fused table built there from the stored settings), records its
 * embedding set and per-epoch intents of the stability sample; its checkpoints hold the fused
 * table's parameters; evaluation and the analytics rebuild the table; and a run interrupted in its
 * second epoch resumes to exactly the result of an uninterrupted run. An exported run imports only
 * into a store whose embedding set has the same vectors, and then names that store's set.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src-main/api/contracts/common';
import { JobRunner } from '../../../src-main/api/jobs';
import { runOutputs } from '../../../src-main/analysis/run-outputs';
import { runStability } from '../../../src-main/analysis/run-stability';
import { Rng } from '../../../src-main/engine/rng';
import { evaluateRun } from '../../../src-main/engine/run-evaluation';
import { executeRun } from '../../../src-main/engine/run-loop';
import { exportRun, importRun } from '../../../src-main/engine/run-bundle';
import { createRun, getRun, listRuns, runCheckpoints, runEpochAssignments, runEpochs } from '../../../src-main/engine/run-store';
import { resumeRun, startRun } from '../../../src-main/engine/runs';
import { readSafetensors } from '../../../src-main/engine/safetensors';
import { resolveSettings } from '../../../src-main/engine/settings';
import { prepareTable } from '../../../src-main/engine/table-kinds';
import { embedDataset } from '../../../src-main/semantic/embedding-store';
import type { EmbeddingProvider } from '../../../src-main/semantic/providers/types';
import { writeDataset } from '../../../src-main/store/datasets';
import { openDb } from '../../../src-main/database';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-llmdirec-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny = { hiddenSize: 16, maxSeqLength: 8, batchSize: 32, timesteps: 4, intents: 4, kmeansIterations: 3, kmeansRedo: 1, validateEvery: 1, evalBatchSize: 64 };
const ITEMS = 30;
const GENRES = ['Drama', 'Comedy', 'Horror'];

/** 8-d vectors that know an item's genre (from its text) and its number: a semantic view with structure. */
const fakeProvider: EmbeddingProvider = {
  kind: 'ollama',
  endpoint: 'http://fake',
  model: 'tiny',
  variant: '',
  maxBatch: 16,
  async embedBatch(texts) {
    return texts.map((t) => {
      const g = GENRES.findIndex((name) => t.includes(name));
      const n = Number(/item (\d+)/.exec(t)?.[1] ?? 0);
      return Float32Array.from({ length: 8 }, (_, d) => (d === g ? 1 : d >= 3 ? Math.sin(n * (d + 1)) : 0));
    });
  },
  close: async () => undefined,
};

/** A store of its own (database and run folders) in `dir/name`. */
async function tinyDb(name = 'ws') {
  mkdirSync(join(dir, name), { recursive: true });
  const file = join(dir, name, 'ws.sqlite');
  const db = openDb(file);
  const rng = new Rng(3);
  const sequences: Int32Array[] = [];
  for (let u = 0; u < 120; u++) {
    const start = rng.int(ITEMS);
    sequences.push(Int32Array.from({ length: 5 + rng.int(8) }, (_, k) => ((start + k) % ITEMS) + 1));
  }
  await writeDataset(
    db,
    { name: 'ring', format: 'sr-txt', source: 'synthetic', options: {}, replace: false },
    {
      users: sequences.map((_, u) => ({ externalId: String(u + 1), attributes: {} })),
      items: Array.from({ length: ITEMS }, (_, i) => ({ externalId: String(i + 1), attributes: { title: `item ${i + 1}`, genres: [GENRES[i % 3]!] } })),
      sequences,
      timestamps: sequences.map(() => null),
    },
  );
  return { db, file };
}

describe('LLMDiRec runs', () => {
  it('train in the worker, evaluate, analyse, and resume after an interruption', async () => {
    const { db, file } = await tinyDb();
    const jobs = new JobRunner();
    const ctx = { db, dbFile: file, jobs };

    // No embedding set yet: refused before any run is recorded, saying what to run.
    expect(() => startRun(ctx, { dataset: 'ring', model: 'llmdirec', epochs: 2, settings: tiny })).toThrow(/no complete embedding set.*llmdirec embed --dataset ring/);
    const embedded = await embedDataset(db, { dataset: 'ring', provider: fakeProvider, template: 'ml-1m' });
    expect(embedded.itemsWithText).toBe(ITEMS);

    // Train in the worker thread, the set named by provider/model.
    const events: JobEvent[] = [];
    jobs.onEvent((e) => events.push(e));
    const { jobId, runId } = startRun(ctx, { dataset: 'ring', model: 'llmdirec', epochs: 2, settings: { ...tiny, embeddingSetId: 'ollama/tiny' } });
    const result = (await jobs.wait(jobId)) as { test: Record<string, number> };
    const run = getRun(db, runId)!;
    expect(run.status).toBe('succeeded');
    expect(run.settings).toMatchObject({ model: 'llmdirec', variant: 'full', fusion: 'gated', alignWeight: 0.1, embeddingSetId: embedded.embeddingSetId });
    expect(run.embedding).toEqual({ embeddingSetId: embedded.embeddingSetId, provider: 'ollama', model: 'tiny', dims: 8, template: 'ml-1m', templateVersion: 1, itemsWithText: ITEMS });
    // The alignment loss ran (it exists only in the fused table).
    expect(events.some((e) => e.type === 'metrics' && e.series === 'loss' && 'align' in e.values && 'diff' in e.values)).toBe(true);
    expect(runEpochs(db, runId).every((e) => e.losses.align! > 0)).toBe(true);

    // Checkpoints hold the fused table's trained parameters.
    for (const c of runCheckpoints(db, runId)) {
      const names = [...readSafetensors(c.file).tensors.keys()];
      expect(names).toEqual(expect.arrayContaining(['seq_model.item_embeddings.weight', 'seq_model.semantic_adapter.0.weight', 'seq_model.semantic_adapter.1.weight', 'seq_model.fusion.gate.weight']));
    }

    // Evaluation rebuilds the fused table: the run's own test metrics again.
    const evaluated = await evaluateRun(db, runId);
    for (const k of ['HR@5', 'HR@10', 'HR@20', 'NDCG@5', 'NDCG@10', 'NDCG@20', 'users']) expect(evaluated[k as keyof typeof evaluated]).toBeCloseTo(result.test[k]!, 10);

    // Analytics: representations and full-ranking outputs of every user; stability of the intents.
    const out = await runOutputs(db, runId);
    expect(out.representations.rows).toBe(120);
    expect(out.recommendations.ranks.every((r) => r >= 0)).toBe(true);
    const hr20 = out.recommendations.ranks.reduce((a, r) => a + (r < 20 ? 1 : 0), 0) / 120;
    expect(hr20).toBeCloseTo(result.test['HR@20']!, 10);
    const assignments = runEpochAssignments(db, runId);
    expect(assignments.map((a) => a.epoch)).toEqual([0, 1]);
    expect(assignments[0]!.labels.length).toBe(runEpochs(db, runId)[0]!.clusterSizes!.reduce((a, b) => a + b, 0)); // < 5,000 prefixes: all of them
    const stability = runStability(db, runId)!;
    expect(stability.pairs).toHaveLength(1);
    expect(stability.pairs[0]!.ari).toBeGreaterThanOrEqual(-1);
    expect(stability.pairs[0]!.ari).toBeLessThanOrEqual(1);

    // Interrupted in its second epoch (cancel between steps), then resumed in the worker: the same
    // result as an uninterrupted in-thread run, so the fused table's parameters came back too. Both on
    // two workers (the dropout streams depend on the count): resume is exact for data-parallel runs.
    const prepared = prepareTable(db, 'ring', resolveSettings('ring', { ...tiny, model: 'llmdirec', variant: 'w/ CA', epochs: 3, workers: 2 }));
    const reference = createRun(db, file, 'ring', prepared.settings, prepared.embedding);
    const expected = await executeRun(db, reference.id);
    const victim = startRun(ctx, { dataset: 'ring', model: 'llmdirec', epochs: 3, settings: { ...tiny, variant: 'w/ CA', workers: 2 } });
    const off = jobs.onEvent((e) => {
      if (e.type === 'progress' && e.jobId === victim.jobId && e.message?.startsWith('epoch 2/')) jobs.cancel(victim.jobId);
    });
    await expect(jobs.wait(victim.jobId)).rejects.toThrow(/Cancelled/);
    off();
    await new Promise((r) => setTimeout(r, 500)); // the worker writes its final status just before it exits
    const interrupted = getRun(db, victim.runId)!;
    expect(interrupted.status).toBe('cancelled');
    expect(interrupted.epochsDone).toBe(1);
    const resumed = resumeRun(ctx, victim.runId);
    const after = (await jobs.wait(resumed.jobId)) as { test: Record<string, number>; epochs: number };
    expect(after.epochs).toBe(3);
    expect(after.test).toEqual(expected.test);
    expect(runEpochs(db, victim.runId).map((e) => e.losses)).toEqual(runEpochs(db, reference.id).map((e) => e.losses));
    expect(getRun(db, victim.runId)!.settings.fusion).toBe('crossattn');
    db.close();
  }, 600_000);

  it('an exported run imports into a store with the same semantic vectors, named by its set there', async () => {
    const home = await tinyDb('home');
    await embedDataset(home.db, { dataset: 'ring', provider: fakeProvider, template: 'ml-1m' });
    const prepared = prepareTable(home.db, 'ring', resolveSettings('ring', { ...tiny, model: 'llmdirec', epochs: 1 }));
    const run = createRun(home.db, home.file, 'ring', prepared.settings, prepared.embedding);
    const trained = await executeRun(home.db, run.id);
    const bundle = exportRun(home.db, run.id, join(dir, 'llmdirec.llmdirec-run.safetensors')).file;

    const away = await tinyDb('away');
    const refused = /no embedding set with the same vectors\. Embed it first \(llmdirec embed --dataset ring --provider ollama --template ml-1m\)/;
    expect(() => importRun(away.db, away.file, bundle)).toThrow(refused);
    // Another model's vectors are not the ones the run trained with.
    const other = { ...fakeProvider, model: 'other', embedBatch: async (texts: string[]) => texts.map(() => Float32Array.from({ length: 8 }, () => 0.5)) };
    await embedDataset(away.db, { dataset: 'ring', provider: other, template: 'ml-1m' });
    expect(() => importRun(away.db, away.file, bundle)).toThrow(refused);
    expect(listRuns(away.db)).toEqual([]);

    const same = await embedDataset(away.db, { dataset: 'ring', provider: fakeProvider, template: 'ml-1m' });
    expect(same.embeddingSetId).not.toBe(prepared.embedding!.embeddingSetId); // ids are per store
    const imported = importRun(away.db, away.file, bundle);
    expect(imported.settings.embeddingSetId).toBe(same.embeddingSetId);
    expect(imported.embedding?.embeddingSetId).toBe(same.embeddingSetId);
    expect(await evaluateRun(away.db, run.id)).toEqual(expect.objectContaining(trained.test));
    home.db.close();
    away.db.close();
  }, 300_000);
});
