/**
 * Running a plan as a job: it trains the entries that have no finished run, one after another (or
 * `parallel` side by side), through the engine's own `startRun` / `resumeRun`, so every run is an
 * ordinary run with records, checkpoints and resume. What makes it survive kill -9:
 * - an entry's run is created and named in the plan in one transaction, so no entry ever gets two;
 * - an entry's state is read from its run, so a killed run reads as interrupted and the next
 *   `plan run` resumes it from its last checkpoint instead of starting it again;
 * - cancelling (Ctrl-C, the UI's Cancel) cancels the runs in flight, which stay resumable.
 */
import { availableParallelism } from 'node:os';
import { ApiError, toApiError } from '../core/errors';
import type { JobContext } from '../core/jobs';
import { summarizeRun } from '../analysis/recommendations';
import { runOutputsInWorker } from '../analysis/run-outputs-runner';
import { getRun } from '../engine/run-store';
import { resumeRun, startRun, type RunContext } from '../engine/runs';
import { writeTransaction } from '../store/db';
import { describeEntry } from './format';
import type { PlanRunResult } from './run-result';
import { planRunningHere, planStatus } from './status';
import { attachRun, claimPlan, countResume, getPlan, planRunningElsewhere, recordGroups, recordStartError, releasePlan, type PlanEntryRecord } from './store';

export interface PlanRunOptions {
  /** Runs trained side by side (default: the plan's `parallel`, else 1). */
  parallel?: number;
  /** Resume entries whose run failed, too (a failed run is final otherwise). */
  retryFailed?: boolean;
}


type Work = { entry: PlanEntryRecord; action: 'start' | 'resume' | 'groups' };

/** What is left to do, in plan order. Entries trained by another live process are left to it. */
function remainingWork(ctx: RunContext, planId: number, retryFailed: boolean, log: JobContext['log']): Work[] {
  const work: Work[] = [];
  for (const { entry, state } of planStatus(ctx, planId).entries) {
    if (state === 'pending' || (state === 'failed' && !entry.runId)) work.push({ entry, action: 'start' });
    else if (state === 'interrupted' || (state === 'failed' && retryFailed)) work.push({ entry, action: 'resume' });
    else if (state === 'succeeded' && !entry.groups) work.push({ entry, action: 'groups' });
    else if (state === 'running') log(`#${entry.position + 1} ${describeEntry(entry)}: its run ${entry.runId} is trained by another process; left to it`, 'warn');
  }
  return work;
}

/** Starts the plan's remaining entries as a job (kind 'plan'); refuses when the plan runs already. */
export function runPlan(ctx: RunContext, planId: number, options: PlanRunOptions = {}): { jobId: string; planId: number } {
  const plan = getPlan(ctx.db, planId);
  if (!plan) throw new ApiError('not_found', `No plan ${planId} (llmdirec plan list)`);
  if (planRunningHere(ctx, planId)) throw new ApiError('conflict', `Plan ${planId} is already running`);
  if (planRunningElsewhere(plan)) throw new ApiError('conflict', `Plan ${planId} is being run by another process (pid ${plan.owner!.pid}) on this computer`);
  const parallel = options.parallel ?? plan.definition.parallel ?? 1;
  const jobId = ctx.jobs.start('plan', `Plan ${planId}: ${plan.name}`, (job) => executePlan(ctx, planId, parallel, options.retryFailed ?? false, job), { planId });
  return { jobId, planId };
}

async function executePlan(ctx: RunContext, planId: number, parallel: number, retryFailed: boolean, job: JobContext): Promise<PlanRunResult> {
  claimPlan(ctx.db, planId);
  const result: PlanRunResult = { planId, trained: [], resumed: [], failed: [], counts: {} };
  // Runs in flight: the train job, its share of the progress, the line it shows.
  const active = new Map<number, { jobId: string; fraction: number; message: string }>();
  const total = planStatus(ctx, planId).entries.length;
  const report = (note?: string) => {
    const finished = planStatus(ctx, planId).entries.filter((e) => e.state === 'succeeded' || e.state === 'diverged' || e.state === 'failed').length;
    const inFlight = [...active.values()];
    job.progress(Math.min(total, finished + inFlight.reduce((s, a) => s + a.fraction, 0)), total, [...inFlight.map((a) => a.message), ...(note ? [note] : [])].join(' · ') || `${finished}/${total} entries finished`);
  };
  const unsubscribe = ctx.jobs.onEvent((event) => {
    if (!('jobId' in event)) return;
    for (const [position, a] of active) {
      if (a.jobId !== event.jobId) continue;
      if (event.type === 'progress') {
        a.fraction = event.total ? Math.min(1, event.done / event.total) : 0;
        a.message = `#${position + 1}: ${event.message ?? ''}`;
        report();
      } else if (event.type === 'log') job.log(`#${position + 1}: ${event.message}`, event.level);
    }
  });
  job.onPauseChange = (paused) => {
    for (const a of active.values()) void Promise.resolve().then(() => (paused ? ctx.jobs.pause(a.jobId) : ctx.jobs.resume(a.jobId))).catch(() => undefined);
  };
  const stopRuns = () => {
    for (const a of active.values()) ctx.jobs.cancel(a.jobId);
  };
  job.signal.addEventListener('abort', stopRuns, { once: true });
  const workers = Math.max(1, Math.floor(availableParallelism() / parallel));

  async function train(w: Work): Promise<void> {
    const { entry } = w;
    const label = `#${entry.position + 1} ${describeEntry(entry)}`;
    let started: { jobId: string; runId: string };
    try {
      if (w.action === 'start') {
        // Side by side, runs share the cores instead of each taking them all (unless the plan says).
        const settings = { ...entry.settings, ...(parallel > 1 && entry.settings.workers === undefined ? { workers } : {}), ...(entry.variant ? { variant: entry.variant } : {}) };
        started = writeTransaction(ctx.db, () => {
          const s = startRun(ctx, { dataset: entry.dataset, model: entry.model, seed: entry.seed, epochs: entry.epochs, settings });
          attachRun(ctx.db, planId, entry.position, s.runId);
          return s;
        });
        job.log(`${label}: run ${started.runId} started`);
      } else {
        const run = getRun(ctx.db, entry.runId!)!;
        started = resumeRun(ctx, entry.runId!);
        countResume(ctx.db, planId, entry.position);
        result.resumed.push(entry.position);
        job.log(`${label}: resuming run ${started.runId} after ${run.epochsDone} of ${run.settings.epochs} epochs`);
      }
    } catch (error) {
      const message = toApiError(error).message;
      if (w.action === 'start') recordStartError(ctx.db, planId, entry.position, message);
      result.failed.push(entry.position);
      job.log(`${label}: could not ${w.action === 'start' ? 'start' : 'resume'} its run: ${message}`, 'error');
      return;
    }
    active.set(entry.position, { jobId: started.jobId, fraction: 0, message: `${label}: starting` });
    report();
    try {
      const done = (await ctx.jobs.wait(started.jobId)) as { test?: Record<string, number> };
      result.trained.push(entry.position);
      job.log(`${label}: run ${started.runId} finished, test HR@10 ${done.test?.['HR@10']?.toFixed(4) ?? '—'}, NDCG@10 ${done.test?.['NDCG@10']?.toFixed(4) ?? '—'}`);
    } catch (error) {
      if (job.signal.aborted) return;
      result.failed.push(entry.position);
      job.log(`${label}: run ${started.runId} ${getRun(ctx.db, started.runId)?.status ?? 'failed'}: ${toApiError(error).message}`, 'error');
    } finally {
      active.delete(entry.position);
      report();
    }
    if (getRun(ctx.db, started.runId)?.status === 'succeeded') await groups(entry.position, started.runId, label);
  }

  /** Table-3 group metrics of a finished run (a full ranking of its best checkpoint, in a worker). */
  async function groups(position: number, runId: string, label: string): Promise<void> {
    report(`${label}: group metrics (tail/head items, cold/hot users)`);
    try {
      const out = await runOutputsInWorker(ctx.db, ctx.dbFile, runId, { signal: job.signal });
      const g = summarizeRun(out.recommendations, out.popularity, { k: 10 }).groups;
      const pick = (row: Record<string, number>) => ({ 'HR@10': row['HR@10']!, 'NDCG@10': row['NDCG@10']! });
      recordGroups(ctx.db, planId, position, {
        metrics: { overall: pick(g.overall), tail_item: pick(g.tailItem), head_item: pick(g.headItem), cold_user: pick(g.coldUser), hot_user: pick(g.hotUser) },
        coldMaxLength: g.definition.coldMaxLength ?? null,
        hotMinLength: g.definition.hotMinLength ?? null,
      });
    } catch (error) {
      if (!job.signal.aborted) job.log(`${label}: group metrics not computed: ${toApiError(error).message}`, 'warn');
    }
  }

  try {
    const queue = remainingWork(ctx, planId, retryFailed, job.log);
    if (!queue.length) job.log(`Plan ${planId}: nothing left to train`);
    report();
    const lane = async () => {
      for (let w = queue.shift(); w && !job.signal.aborted; w = queue.shift()) {
        await job.whilePaused();
        if (job.signal.aborted) break;
        if (w.action === 'groups') await groups(w.entry.position, w.entry.runId!, `#${w.entry.position + 1} ${describeEntry(w.entry)}`);
        else await train(w);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, queue.length)) }, lane));
    if (job.signal.aborted) throw new ApiError('cancelled', 'Cancelled');
    for (const e of planStatus(ctx, planId).entries) result.counts[e.state] = (result.counts[e.state] ?? 0) + 1;
    return result;
  } finally {
    unsubscribe();
    job.signal.removeEventListener('abort', stopRuns);
    releasePlan(ctx.db, planId);
  }
}
