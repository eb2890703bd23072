/** Reading and writing run records (tables of src-main/engine/schema.ts). */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiError } from '../core/errors';
import type { Db } from '../store/db';
import type { EpochDiagnostics } from './diagnostics';
import type { RankingMetrics } from './evaluate';
import type { TrainingSettings } from './settings';
import type { RunEmbedding } from './table-kinds';

/** Final: succeeded, failed, cancelled, diverged (its loss became non-finite, divergence.ts). */
export type RunStatus = 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted' | 'diverged';

export interface RunEpoch {
  epoch: number;
  losses: Record<string, number>;
  valid?: RankingMetrics;
  clusterSizes?: number[];
  seconds: number;
  clusteringSeconds?: number;
  /** Intent of each prefix of the run's fixed seeded sample of training prefixes (same sample every epoch). */
  sampleAssignments?: Int32Array;
  sampleSeed?: number;
  /** Learning-dynamics diagnostics at the epoch's end (diagnostics.ts). */
  diagnostics?: EpochDiagnostics;
}

export interface RunRecord {
  id: string;
  dataset: string;
  model: string;
  settings: TrainingSettings;
  /** The embedding set an llmdirec run trained with (provider, model, template version). */
  embedding?: RunEmbedding;
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
  /** The process that last started training it (see `trainingElsewhere`). */
  owner?: { pid: number; host: string };
}

interface RunRow {
  id: string;
  dataset: string;
  model: string;
  config_json: string;
  embedding_json: string | null;
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
  owner_pid: number | null;
  owner_host: string | null;
}

function fromRow(r: RunRow): RunRecord {
  return {
    id: r.id,
    dataset: r.dataset,
    model: r.model,
    settings: JSON.parse(r.config_json) as TrainingSettings,
    embedding: r.embedding_json ? (JSON.parse(r.embedding_json) as RunEmbedding) : undefined,
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
    owner: r.owner_pid !== null && r.owner_host !== null ? { pid: r.owner_pid, host: r.owner_host } : undefined,
  };
}

/** Run folders live next to the database: `<db folder>/runs/<run id>/`. */
export function runFolder(dbFile: string, runId: string): string {
  return join(dbFile === ':memory:' ? process.cwd() : dirname(dbFile), 'runs', runId);
}

export function createRun(db: Db, dbFile: string, dataset: string, settings: TrainingSettings, embedding?: RunEmbedding): RunRecord {
  const id = `${new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '')}-${settings.model}-${randomUUID().slice(0, 8)}`;
  const now = new Date().toISOString();
  db.prepare(
    `INSERT INTO runs (id, dataset, model, config_json, embedding_json, status, folder, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
  ).run(id, dataset, settings.model, JSON.stringify(settings), embedding ? JSON.stringify(embedding) : null, runFolder(dbFile, id), now, now);
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

/** Columns `updateRun` sets; undefined leaves a column as it is, null clears it. */
type RunPatch = Partial<Pick<RunRecord, 'backend' | 'status' | 'epochsDone' | 'bestEpoch' | 'bestValid' | 'test' | 'trainSeconds'>> & {
  error?: string | null;
  finishedAt?: string | null;
};

export function updateRun(db: Db, id: string, patch: RunPatch): void {
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

/** Changes the settings a resumed run continues with: its epoch budget, its worker count. */
export function patchRunSettings(db: Db, id: string, patch: { epochs?: number; workers?: number }): void {
  const run = getRun(db, id);
  if (!run) throw new ApiError('not_found', `No run ${id}`);
  db.prepare('UPDATE runs SET config_json = ?, updated_at = ? WHERE id = ?').run(JSON.stringify({ ...run.settings, ...patch }), new Date().toISOString(), id);
}

/** Records this process as the one training the run (called where training starts). */
export function claimRun(db: Db, id: string): void {
  db.prepare('UPDATE runs SET owner_pid = ?, owner_host = ? WHERE id = ?').run(process.pid, hostname(), id);
}

/**
 * Whether an active-looking run (queued, running, paused) is being trained by another live process
 * on this computer — e.g. `llmdirec train` in a terminal while the app is open. A run whose owner
 * is this process, is gone, or is on another host is not: this process's own jobs say whether it
 * runs here, and a dead owner means the run was killed (shown as interrupted, resumable).
 */
export function trainingElsewhere(run: RunRecord): boolean {
  if (!['queued', 'running', 'paused'].includes(run.status) || !run.owner) return false;
  if (run.owner.pid === process.pid || run.owner.host !== hostname()) return false;
  try {
    process.kill(run.owner.pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}

/** Labels as little-endian uint16 when they fit (intents ≤ 65536), else int32: 10 KB for 5,000 prefixes. */
export function packAssignments(labels: Int32Array): Buffer {
  const wide = labels.some((c) => c > 0xffff || c < 0);
  const buf = Buffer.alloc(labels.length * (wide ? 4 : 2));
  labels.forEach((c, i) => (wide ? buf.writeInt32LE(c, 4 * i) : buf.writeUInt16LE(c, 2 * i)));
  return buf;
}

export function unpackAssignments(buf: Buffer, count: number): Int32Array {
  const wide = buf.byteLength === 4 * count;
  if (!wide && buf.byteLength !== 2 * count) throw new Error(`Assignments blob of ${buf.byteLength} bytes does not hold ${count} labels`);
  return Int32Array.from({ length: count }, (_, i) => (wide ? buf.readInt32LE(4 * i) : buf.readUInt16LE(2 * i)));
}

export function recordEpoch(db: Db, runId: string, e: RunEpoch): void {
  db.prepare(
    `INSERT OR REPLACE INTO run_epochs (run_id, epoch, losses_json, valid_json, cluster_sizes_json, seconds, clustering_seconds, assignments, assignments_count, assignments_seed, diagnostics_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    runId,
    e.epoch,
    JSON.stringify(e.losses),
    e.valid ? JSON.stringify(e.valid) : null,
    e.clusterSizes ? JSON.stringify(e.clusterSizes) : null,
    e.seconds,
    e.clusteringSeconds ?? null,
    e.sampleAssignments ? packAssignments(e.sampleAssignments) : null,
    e.sampleAssignments?.length ?? null,
    e.sampleAssignments ? (e.sampleSeed ?? null) : null,
    e.diagnostics ? JSON.stringify(e.diagnostics) : null,
  );
}

/** Adds validation metrics to a recorded epoch. */
export function setEpochValidation(db: Db, runId: string, epoch: number, valid: RankingMetrics): void {
  db.prepare('UPDATE run_epochs SET valid_json = ? WHERE run_id = ? AND epoch = ?').run(JSON.stringify(valid), runId, epoch);
}

/** Each epoch's assignments of the fixed sample (epochs that clustered only), for stability across epochs. */
export function runEpochAssignments(db: Db, runId: string): { epoch: number; seed: number | null; labels: Int32Array }[] {
  const rows = db
    .prepare('SELECT epoch, assignments, assignments_count AS count, assignments_seed AS seed FROM run_epochs WHERE run_id = ? AND assignments IS NOT NULL ORDER BY epoch')
    .all(runId) as { epoch: number; assignments: Buffer; count: number; seed: number | null }[];
  return rows.map((r) => ({ epoch: r.epoch, seed: r.seed, labels: unpackAssignments(r.assignments, r.count) }));
}

export function runEpochs(db: Db, runId: string): RunEpoch[] {
  const rows = db.prepare('SELECT * FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(runId) as {
    epoch: number;
    losses_json: string;
    valid_json: string | null;
    cluster_sizes_json: string | null;
    seconds: number;
    clustering_seconds: number | null;
    diagnostics_json: string | null;
  }[];
  return rows.map((r) => ({
    epoch: r.epoch,
    losses: JSON.parse(r.losses_json) as Record<string, number>,
    valid: r.valid_json ? (JSON.parse(r.valid_json) as RankingMetrics) : undefined,
    clusterSizes: r.cluster_sizes_json ? (JSON.parse(r.cluster_sizes_json) as number[]) : undefined,
    seconds: r.seconds,
    clusteringSeconds: r.clustering_seconds ?? undefined,
    ...(r.diagnostics_json ? { diagnostics: JSON.parse(r.diagnostics_json) as EpochDiagnostics } : {}),
  }));
}

export function recordCheckpoint(db: Db, runId: string, kind: 'last' | 'best', epoch: number, file: string): void {
  db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, kind, epoch, file, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, kind, epoch, file, new Date().toISOString());
}

export function runCheckpoints(db: Db, runId: string): { kind: 'last' | 'best'; epoch: number; file: string }[] {
  return db.prepare('SELECT kind, epoch, file FROM checkpoints WHERE run_id = ? ORDER BY kind').all(runId) as { kind: 'last' | 'best'; epoch: number; file: string }[];
}

/**
 * Inserts a whole run record as it was elsewhere (a run bundle, run-bundle.ts), with its own id and
 * no owner; with its epochs and checkpoints in the same transaction as the caller's.
 */
export function insertRunRecord(db: Db, run: Omit<RunRecord, 'owner'>, epochs: RunEpoch[], checkpoints: { kind: 'last' | 'best'; epoch: number; file: string }[]): void {
  db.prepare(
    `INSERT INTO runs (id, dataset, model, config_json, embedding_json, backend, status, folder, epochs_done, best_epoch, best_valid_json,
                       test_json, error, train_seconds, created_at, updated_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    run.id,
    run.dataset,
    run.model,
    JSON.stringify(run.settings),
    run.embedding ? JSON.stringify(run.embedding) : null,
    run.backend ?? null,
    run.status,
    run.folder,
    run.epochsDone,
    run.bestEpoch ?? null,
    run.bestValid ? JSON.stringify(run.bestValid) : null,
    run.test ? JSON.stringify(run.test) : null,
    run.error ?? null,
    run.trainSeconds,
    run.createdAt,
    run.updatedAt,
    run.finishedAt ?? null,
  );
  for (const e of epochs) recordEpoch(db, run.id, e);
  for (const c of checkpoints) recordCheckpoint(db, run.id, c.kind, c.epoch, c.file);
}
