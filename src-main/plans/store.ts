/** Reading and writing plans (tables of schema.ts), and each entry's state read from its run. */
import { hostname } from 'node:os';
import type { RunRecord } from '../engine/run-store';
import { writeTransaction, type Db } from '../store/db';
import type { PlanEntrySpec, PlanFile } from './format';

/**
 * pending: no run yet; running: its run trains (here or in another live process); interrupted: its
 * run stopped unfinished (killed, cancelled) and `plan run` resumes it; failed: its run failed, or it
 * could not be started (`error` says why); succeeded, diverged: final.
 */
export type EntryState = 'pending' | 'running' | 'interrupted' | 'succeeded' | 'failed' | 'diverged';

/** Table-3 groups of a finished run (HR@10, NDCG@10 of each) and the history lengths that made users cold/hot. */
export interface EntryGroups {
  metrics: Record<'overall' | 'tail_item' | 'head_item' | 'cold_user' | 'hot_user', Record<string, number>>;
  coldMaxLength: number | null;
  hotMinLength: number | null;
}

export interface PlanEntryRecord extends PlanEntrySpec {
  planId: number;
  position: number;
  runId?: string;
  error?: string;
  resumes: number;
  groups?: EntryGroups;
}

export interface PlanRecord {
  id: number;
  name: string;
  definition: PlanFile;
  createdAt: string;
  updatedAt: string;
  owner?: { pid: number; host: string };
}

interface EntryRow {
  plan_id: number;
  position: number;
  dataset: string;
  model: PlanEntrySpec['model'];
  variant: string | null;
  seed: number;
  epochs: number | null;
  settings_json: string;
  run_id: string | null;
  error: string | null;
  resumes: number;
  groups_json: string | null;
}

interface PlanRow {
  id: number;
  name: string;
  definition_json: string;
  created_at: string;
  updated_at: string;
  owner_pid: number | null;
  owner_host: string | null;
}

const fromPlanRow = (r: PlanRow): PlanRecord => ({
  id: r.id,
  name: r.name,
  definition: JSON.parse(r.definition_json) as PlanFile,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  owner: r.owner_pid !== null && r.owner_host !== null ? { pid: r.owner_pid, host: r.owner_host } : undefined,
});

const fromEntryRow = (r: EntryRow): PlanEntryRecord => ({
  planId: r.plan_id,
  position: r.position,
  dataset: r.dataset,
  model: r.model,
  ...(r.variant !== null ? { variant: r.variant } : {}),
  seed: r.seed,
  ...(r.epochs !== null ? { epochs: r.epochs } : {}),
  settings: JSON.parse(r.settings_json) as Record<string, unknown>,
  runId: r.run_id ?? undefined,
  error: r.error ?? undefined,
  resumes: r.resumes,
  groups: r.groups_json ? (JSON.parse(r.groups_json) as EntryGroups) : undefined,
});

/** Stores a validated plan and its expanded entries in one transaction; returns the plan's id. */
export function insertPlan(db: Db, plan: PlanFile, entries: readonly PlanEntrySpec[]): number {
  return writeTransaction(db, () => {
    const now = new Date().toISOString();
    const id = Number(db.prepare('INSERT INTO plans (name, definition_json, created_at, updated_at) VALUES (?, ?, ?, ?)').run(plan.name, JSON.stringify(plan), now, now).lastInsertRowid);
    const insert = db.prepare('INSERT INTO plan_entries (plan_id, position, dataset, model, variant, seed, epochs, settings_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    entries.forEach((e, k) => insert.run(id, k, e.dataset, e.model, e.variant ?? null, e.seed, e.epochs ?? null, JSON.stringify(e.settings)));
    return id;
  });
}

export function getPlan(db: Db, id: number): PlanRecord | undefined {
  const row = db.prepare('SELECT * FROM plans WHERE id = ?').get(id) as PlanRow | undefined;
  return row ? fromPlanRow(row) : undefined;
}

export function listPlans(db: Db): PlanRecord[] {
  return (db.prepare('SELECT * FROM plans ORDER BY id DESC').all() as PlanRow[]).map(fromPlanRow);
}

export function planEntries(db: Db, planId: number): PlanEntryRecord[] {
  return (db.prepare('SELECT * FROM plan_entries WHERE plan_id = ? ORDER BY position').all(planId) as EntryRow[]).map(fromEntryRow);
}

export function deletePlan(db: Db, id: number): void {
  db.prepare('DELETE FROM plans WHERE id = ?').run(id);
}

const touch = (db: Db, planId: number) => db.prepare('UPDATE plans SET updated_at = ? WHERE id = ?').run(new Date().toISOString(), planId);

/** Names the run that trains an entry (call it in the transaction that creates the run: no run is ever orphaned). */
export function attachRun(db: Db, planId: number, position: number, runId: string): void {
  db.prepare('UPDATE plan_entries SET run_id = ?, error = NULL WHERE plan_id = ? AND position = ?').run(runId, planId, position);
  touch(db, planId);
}

/** Why an entry's run could not be started (a missing embedding set, an unknown dataset): the entry has no run. */
export function recordStartError(db: Db, planId: number, position: number, message: string): void {
  db.prepare('UPDATE plan_entries SET error = ? WHERE plan_id = ? AND position = ?').run(message, planId, position);
  touch(db, planId);
}

export function countResume(db: Db, planId: number, position: number): void {
  db.prepare('UPDATE plan_entries SET resumes = resumes + 1 WHERE plan_id = ? AND position = ?').run(planId, position);
  touch(db, planId);
}

export function recordGroups(db: Db, planId: number, position: number, groups: EntryGroups): void {
  db.prepare('UPDATE plan_entries SET groups_json = ? WHERE plan_id = ? AND position = ?').run(JSON.stringify(groups), planId, position);
  touch(db, planId);
}

/** Records this process as the one running the plan; `releasePlan` clears it when the run ends. */
export function claimPlan(db: Db, id: number): void {
  db.prepare('UPDATE plans SET owner_pid = ?, owner_host = ? WHERE id = ?').run(process.pid, hostname(), id);
}

export function releasePlan(db: Db, id: number): void {
  db.prepare('UPDATE plans SET owner_pid = NULL, owner_host = NULL WHERE id = ? AND owner_pid = ?').run(id, process.pid);
}

/** Whether another live process on this computer runs the plan (a dead owner was killed: the plan may run again). */
export function planRunningElsewhere(plan: PlanRecord): boolean {
  if (!plan.owner || plan.owner.pid === process.pid || plan.owner.host !== hostname()) return false;
  try {
    process.kill(plan.owner.pid, 0); // signal 0: existence check only
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An entry's state from its run record; `active` says whether a live process trains that run. */
export function entryState(entry: Pick<PlanEntryRecord, 'runId' | 'error'>, run: RunRecord | undefined, active: boolean): EntryState {
  if (!entry.runId || !run) return entry.error ? 'failed' : 'pending';
  switch (run.status) {
    case 'succeeded':
    case 'diverged':
    case 'failed':
      return run.status;
    case 'queued':
    case 'running':
    case 'paused':
      return active ? 'running' : 'interrupted';
    default:
      return 'interrupted'; // cancelled, interrupted: resumable from the last checkpoint
  }
}
