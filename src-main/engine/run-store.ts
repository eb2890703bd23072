/** Reading and writing run records (tables of src-main/engine/schema.ts). */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Db } from '../store/db';
import type { RankingMetrics } from './evaluate';
import type { TrainingSettings } from './settings';

export type RunStatus = 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface RunEpoch {
  epoch: number;
  losses: Record<string, number>;
  valid?: RankingMetrics;
  clusterSizes?: number[];
  seconds: number;
  clusteringSeconds?: number;
}

export interface RunRecord {
  id: string;
  dataset: string;
  model: string;
  settings: TrainingSettings;
  backend?: string;
  status: RunStatus;
  folder: string;
  epochsDone: number;
  bestEpoch?: number;
  bestValid?: RankingMetrics;
  test?: RankingMetrics;
  error?: string;
  trainSeconds: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

interface RunRow {
  id: string;
  dataset: string;
  model: string;
  config_json: string;
  backend: string | null;
  status: RunStatus;
  folder: string;
  epochs_done: number;
  best_epoch: number | null;
  best_valid_json: string | null;
  test_json: string | null;
  error: string | null;
  train_seconds: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

function fromRow(r: RunRow): RunRecord {
  return {
    id: r.id,
    dataset: r.dataset,
    model: r.model,
    settings: JSON.parse(r.config_json) as TrainingSettings,
    backend: r.backend ?? undefined,
    status: r.status,
    folder: r.folder,
    epochsDone: r.epochs_done,
    bestEpoch: r.best_epoch ?? undefined,
    bestValid: r.best_valid_json ? (JSON.parse(r.best_valid_json) as RankingMetrics) : undefined,
    test: r.test_json ? (JSON.parse(r.test_json) as RankingMetrics) : undefined,
    error: r.error ?? undefined,
    trainSeconds: r.train_seconds,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at ?? undefined,
  };
}

/** Run folders live next to the database: `<db folder>/runs/<run id>/`. */
export function runFolder(dbFile: string, runId: string): string {
  return join(dbFile === ':memory:' ? process.cwd() : dirname(dbFile), 'runs', runId);
}

export function createRun(db: Db, dbFile: string, dataset: string, settings: TrainingSettings): RunRecord {
  const id = `${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${settings.model}-${randomUUID().slice(0, 8)}`;
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO runs (id, dataset, model, config_json, status, folder, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)`,
  ).run(id, dataset, settings.model, JSON.stringify(settings), runFolder(dbFile, id), now, now);
  return getRun(db, id)!;
}

export function getRun(db: Db, id: string): RunRecord | undefined {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  return row ? fromRow(row) : undefined;
}

export function listRuns(db: Db, dataset?: string): RunRecord[] {
  const rows = (dataset
    ? db.prepare('SELECT * FROM runs WHERE dataset = ? ORDER BY created_at DESC').all(dataset)
    : db.prepare('SELECT * FROM runs ORDER BY created_at DESC').all()) as RunRow[];
  return rows.map(fromRow);
}

export function updateRun(
  db: Db,
  id: string,
  patch: Partial<Pick<RunRecord, 'backend' | 'status' | 'epochsDone' | 'bestEpoch' | 'bestValid' | 'test' | 'error' | 'trainSeconds' | 'finishedAt'>>,
): void {
  const columns: Record<string, unknown> = {
    backend: patch.backend,
    status: patch.status,
    epochs_done: patch.epochsDone,
    best_epoch: patch.bestEpoch,
    best_valid_json: patch.bestValid && JSON.stringify(patch.bestValid),
    test_json: patch.test && JSON.stringify(patch.test),
    error: patch.error,
    train_seconds: patch.trainSeconds,
    finished_at: patch.finishedAt,
  };
  const set = Object.entries(columns).filter(([, v]) => v !== undefined);
  const sql = `UPDATE runs SET ${[...set.map(([k]) => `${k} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`;
  db.prepare(sql).run(...set.map(([, v]) => v), new Date().toISOString(), id);
}

export function recordEpoch(db: Db, runId: string, e: RunEpoch): void {
  db.prepare(
    `INSERT OR REPLACE INTO run_epochs (run_id, epoch, losses_json, valid_json, cluster_sizes_json, seconds, clustering_seconds)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(runId, e.epoch, JSON.stringify(e.losses), e.valid ? JSON.stringify(e.valid) : null, e.clusterSizes ? JSON.stringify(e.clusterSizes) : null, e.seconds, e.clusteringSeconds ?? null);
}

export function runEpochs(db: Db, runId: string): RunEpoch[] {
  const rows = db.prepare('SELECT * FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(runId) as {
    epoch: number;
    losses_json: string;
    valid_json: string | null;
    cluster_sizes_json: string | null;
    seconds: number;
    clustering_seconds: number | null;
  }[];
  return rows.map((r) => ({
    epoch: r.epoch,
    losses: JSON.parse(r.losses_json) as Record<string, number>,
    valid: r.valid_json ? (JSON.parse(r.valid_json) as RankingMetrics) : undefined,
    clusterSizes: r.cluster_sizes_json ? (JSON.parse(r.cluster_sizes_json) as number[]) : undefined,
    seconds: r.seconds,
    clusteringSeconds: r.clustering_seconds ?? undefined,
  }));
}

export function recordCheckpoint(db: Db, runId: string, kind: 'last' | 'best', epoch: number, file: string): void {
  db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, kind, epoch, file, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, kind, epoch, file, new Date().toISOString());
}

export function runCheckpoints(db: Db, runId: string): { kind: 'last' | 'best'; epoch: number; file: string }[] {
  return db.prepare('SELECT kind, epoch, file FROM checkpoints WHERE run_id = ? ORDER BY kind').all(runId) as { kind: 'last' | 'best'; epoch: number; file: string }[];
}
