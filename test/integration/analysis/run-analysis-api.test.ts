/**
 * The analysis.run* methods and runs.evaluate through `service.invoke`, on two one-epoch runs
 * (SASRec, InDiRec) of a tiny synthetic dataset trained by the engine in this test. Checks shapes
 * and relations that must hold whatever the weights: the summary's overall HR@10 is the engine's
 * own test HR@10, group user counts add up, comparisons are (b − a) / a, the report has a row per run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src-main/api/contracts/common';
import { RunSummaryResult, type RunIntentsResult } from '../../../src-main/api/contracts/run-analysis';
import type { EvaluationReport } from '../../../src-main/api/contracts/runs';
import { JobRunner } from '../../../src-main/api/jobs';
import { createService, type Service } from '../../../src-main/api/service';
import { Rng } from '../../../src-main/engine/rng';
import { getRun } from '../../../src-main/engine/run-store';
import { openDb } from '../../../src-main/database';
import { writeDataset } from '../../../src-main/store/datasets';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-run-analysis-'));
const dbFile = join(dir, 'w.sqlite');
const tiny = { hiddenSize: 16, maxSeqLength: 8, batchSize: 32, timesteps: 4, intents: 4, kmeansIterations: 3, kmeansRedo: 1, validateEvery: 1, evalBatchSize: 64 };
const USERS = 150;
const ITEMS = 40;
let service: Service;
const events: JobEvent[] = [];
let sasrec = '';
let indirec = '';

/** Users walk a ring of items from a random start: sequences with a learnable next item. */
async function ringDataset(): Promise<void> {
  const rng = new Rng(5);
  const sequences: Int32Array[] = [];
  for (let u = 0; u < USERS; u++) {
    const start = rng.int(ITEMS);
    sequences.push(Int32Array.from({ length: 4 + rng.int(10) }, (_, k) => ((start + k) % ITEMS) + 1));
  }
  await writeDataset(
    service.context.db,
    { name: 'ring', format: 'sr-txt', source: 'synthetic', options: {}, replace: false },
    {
      users: sequences.map((_, u) => ({ externalId: String(u + 1), attributes: {} })),
      items: Array.from({ length: ITEMS }, (_, i) => ({ externalId: String(i + 1), attributes: { title: `ring item ${i + 1}` } })),
      sequences,
      timestamps: sequences.map(() => null),
    },
  );
}

async function train(model: 'sasrec' | 'indirec'): Promise<string> {
  const started = (await service.invoke('runs.start', { dataset: 'ring', model, epochs: 1, seed: 1, settings: tiny })) as { jobId: string; runId: string };
  await service.context.jobs.wait(started.jobId);
  return started.runId;
}

async function job<T>(method: string, input: unknown): Promise<T> {
  const { jobId } = (await service.invoke(method, input)) as { jobId: string };
  return (await service.context.jobs.wait(jobId)) as T;
}

const testHr10 = (runId: string): number => (getRun(service.context.db, runId)!.test as unknown as Record<string, number>)['HR@10']!;

beforeAll(async () => {
  service = createService({ db: openDb(dbFile), dbFile, jobs: new JobRunner() });
  service.onEvent((e) => events.push(e));
  await ringDataset();
  sasrec = await train('sasrec');
  indirec = await train('indirec');
}, 600_000);

afterAll(async () => {
  await service?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('run analytics through the API', () => {
  it('runs.evaluate is a job in a worker whose result is the run’s own test metrics', async () => {
    const report = await job<EvaluationReport>('runs.evaluate', { runId: sasrec });
    const test = getRun(service.context.db, sasrec)!.test as unknown as Record<string, number>;
    expect(report.users).toBe(USERS);
    for (const m of ['HR@5', 'HR@10', 'HR@20', 'NDCG@5', 'NDCG@10', 'NDCG@20']) expect(report[m as 'HR@10']).toBeCloseTo(test[m]!, 6);
    await expect(service.invoke('runs.evaluate', { runId: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  }, 120_000);

  it('runSummary: overall HR@10 is the engine’s test HR@10 and group user counts add up', async () => {
    for (const runId of [sasrec, indirec]) {
      const s = await job<RunSummaryResult>('analysis.runSummary', { runId, k: 10 });
      expect(s.runId).toBe(runId);
      // The result is what the contract's schema says (the handler no longer casts the groups into it).
      expect(RunSummaryResult.parse(s)).toEqual(s);
      expect(s.checkpoint.epoch).toBe(0);
      const g = s.groups;
      expect(g.overall.users).toBe(USERS);
      expect(g.overall['HR@10']).toBeCloseTo(testHr10(runId), 6);
      expect(g.tailItem.users + g.headItem.users).toBe(g.overall.users);
      // Cold / hot: the 20 % shortest / longest histories (groups.ts), never more than all users together.
      expect(g.coldUser.users).toBeGreaterThan(0);
      expect(g.coldUser.users + g.hotUser.users).toBeLessThanOrEqual(USERS);
      expect(g.definition.coldMaxLength!).toBeLessThanOrEqual(g.definition.hotMinLength!);
      expect(s.exposure.k).toBe(10);
      expect(s.exposure.coverage).toBeGreaterThan(0);
      expect(s.exposure.coverage).toBeLessThanOrEqual(1);
      expect(s.exposure.gini).toBeGreaterThanOrEqual(0);
      expect(s.exposure.gini).toBeLessThanOrEqual(1);
    }
  }, 180_000);

  it('runIntents: every user mapped once, prototype sizes add up, silhouette in [-1, 1], progress reported', async () => {
    const { jobId } = (await service.invoke('analysis.runIntents', { runId: indirec, method: 'pca', k: 4 })) as { jobId: string };
    const r = (await service.context.jobs.wait(jobId)) as RunIntentsResult;
    expect(r.k).toBe(4);
    expect(r.rows).toHaveLength(USERS);
    expect(new Set(r.rows.map((row) => row.userId)).size).toBe(USERS);
    expect(r.prototypes.reduce((sum, p) => sum + p.size, 0)).toBe(USERS);
    expect(r.rows.every((row) => row.prototype >= 0 && row.prototype < 4)).toBe(true);
    expect(r.silhouette).toBeGreaterThanOrEqual(-1);
    expect(r.silhouette).toBeLessThanOrEqual(1);
    expect(events.some((e) => e.type === 'progress' && e.jobId === jobId)).toBe(true);
  }, 180_000);

  it('runNeighbours: k nearest other users, nearest first', async () => {
    const n = (await service.invoke('analysis.runNeighbours', { runId: indirec, userId: 3, k: 5 })) as { userId: number; distance: number }[];
    expect(n).toHaveLength(5);
    expect(n.map((x) => x.userId)).not.toContain(3);
    for (let i = 1; i < n.length; i++) expect(n[i]!.distance).toBeGreaterThanOrEqual(n[i - 1]!.distance);
    await expect(service.invoke('analysis.runNeighbours', { runId: indirec, userId: USERS + 1 })).rejects.toMatchObject({ code: 'not_found' });
  }, 60_000);

  it('userRecommendations: K items not in the history, ranked (0-based), with the ground truth’s rank', async () => {
    const r = (await service.invoke('analysis.userRecommendations', { runId: sasrec, userId: 7, k: 5 })) as {
      history: { itemId: number }[];
      groundTruth: { itemId: number; rank: number };
      recommendations: { itemId: number; rank: number; score: number | null; hit: boolean }[];
    };
    expect(r.recommendations).toHaveLength(5);
    expect(r.recommendations.map((x) => x.rank)).toEqual([0, 1, 2, 3, 4]);
    const history = new Set(r.history.map((h) => h.itemId));
    for (const rec of r.recommendations) if (rec.itemId !== r.groundTruth.itemId) expect(history.has(rec.itemId)).toBe(false);
    for (let i = 1; i < 5; i++) expect(r.recommendations[i]!.score!).toBeLessThanOrEqual(r.recommendations[i - 1]!.score!);
    expect(r.recommendations.filter((x) => x.hit).length).toBe(r.groundTruth.rank < 5 ? 1 : 0);
  }, 60_000);

  it('compareRuns: relative differences are (b − a) / a against the first run', async () => {
    const c = (await service.invoke('analysis.compareRuns', { runIds: [sasrec, indirec], k: 10 })) as {
      runs: { runId: string; model: string }[];
      rows: { metric: string; values: (number | null)[]; relative: (number | null)[] }[];
    };
    expect(c.runs.map((r) => r.model)).toEqual(['sasrec', 'indirec']);
    const hr = c.rows.find((r) => r.metric === 'overall HR@10')!;
    expect(hr.values[0]).toBeCloseTo(testHr10(sasrec), 6);
    expect(hr.values[1]).toBeCloseTo(testHr10(indirec), 6);
    for (const row of c.rows) {
      const [a, b] = row.values;
      expect(row.relative[0] === null || row.relative[0] === 0).toBe(true);
      if (a !== null && b !== null && a !== 0) expect(row.relative[1]).toBeCloseTo((b - a) / a, 9);
    }
    expect(c.rows.some((r) => r.metric.startsWith('Gini@'))).toBe(true);
  }, 60_000);

  it('report: a Table-2 row per model, Table-3 rows for SASRec too, cold/hot definitions printed', async () => {
    const r = (await service.invoke('analysis.report', { runIds: [sasrec, indirec] })) as {
      tables: { title: string; rows: { model: string; runs: string[] }[] }[];
      markdown: string;
    };
    expect(r.tables.length).toBeGreaterThanOrEqual(2);
    const table2 = r.tables[0]!;
    expect(table2.rows.map((row) => row.model).sort()).toEqual(['InDiRec', 'SASRec']);
    const table3 = r.tables.find((t) => /Table 3/.test(t.title))!;
    expect(table3.rows.map((row) => row.model)).toContain('SASRec');
    expect(r.markdown).toMatch(/cold users[^\n]*≤ \d+/i);
    expect(r.markdown).toMatch(/hot users[^\n]*≥ \d+/i);
  }, 60_000);
});
