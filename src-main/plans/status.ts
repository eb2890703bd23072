/**
 * Where a plan stands: every entry with its state (read from its run record, store.ts), its run's
 * progress, and the live report over the finished runs.
 */
import { ApiError } from '../core/errors';
import { getRun, trainingElsewhere, type RunRecord } from '../engine/run-store';
import { trainingHere, type RunContext } from '../engine/runs';
import { loadPaperResults } from './paper';
import { buildPlanReport, commonPairs, ownSettings, paperModelName, type PlanReport } from './report';
import { entryState, getPlan, planEntries, planRunningElsewhere, type EntryState, type PlanEntryRecord, type PlanRecord } from './store';

export interface EntryStatus {
  entry: PlanEntryRecord;
  state: EntryState;
  run?: RunRecord;
}

export const ENTRY_STATES: EntryState[] = ['pending', 'running', 'interrupted', 'succeeded', 'failed', 'diverged'];

/** The plan and each entry's state; `not_found` for an unknown plan. */
export function planStatus(ctx: RunContext, planId: number): { plan: PlanRecord; entries: EntryStatus[] } {
  const plan = getPlan(ctx.db, planId);
  if (!plan) throw new ApiError('not_found', `No plan ${planId} (llmdirec plan list)`);
  const entries = planEntries(ctx.db, planId).map((entry) => {
    const run = entry.runId ? getRun(ctx.db, entry.runId) : undefined;
    const active = run !== undefined && (trainingHere(ctx.jobs, run.id) || trainingElsewhere(run));
    return { entry, state: entryState(entry, run, active), run };
  });
  return { plan, entries };
}

export function stateCounts(entries: readonly EntryStatus[]): Record<EntryState, number> {
  const counts = Object.fromEntries(ENTRY_STATES.map((s) => [s, 0])) as Record<EntryState, number>;
  for (const e of entries) counts[e.state]++;
  return counts;
}

/** Whether a job of this process runs the plan. */
export function planRunningHere(ctx: Pick<RunContext, 'jobs'>, planId: number): boolean {
  return ctx.jobs.list().some((j) => j.kind === 'plan' && j.subject !== undefined && 'planId' in j.subject && j.subject.planId === planId && (j.state === 'running' || j.state === 'paused'));
}

/** Whether a job here or another live process runs the plan now. */
export function planActive(ctx: Pick<RunContext, 'jobs'>, plan: PlanRecord): boolean {
  return planRunningHere(ctx, plan.id) || planRunningElsewhere(plan);
}

export function planReport(entries: readonly EntryStatus[]): PlanReport {
  const paper = loadPaperResults();
  return buildPlanReport(
    entries.map((e) => ({ entry: e.entry, state: e.state, test: e.run?.test as Record<string, number> | undefined })),
    paper.results,
    paper.source,
    paper.note,
  );
}

/** A plan as the contract's PlanSummary. */
export function planSummary(ctx: Pick<RunContext, 'jobs'>, plan: PlanRecord, entries: readonly EntryStatus[]) {
  return {
    id: plan.id,
    name: plan.name,
    ...(plan.definition.description ? { description: plan.definition.description } : {}),
    ...(plan.definition.paper ? { paper: plan.definition.paper } : {}),
    createdAt: plan.createdAt,
    updatedAt: plan.updatedAt,
    entries: entries.length,
    counts: stateCounts(entries),
    running: planActive(ctx, plan),
  };
}

/** A plan as the contract's PlanDetail: summary, definition, entries with their runs, report. */
export function planDetail(ctx: RunContext, planId: number) {
  const { plan, entries } = planStatus(ctx, planId);
  const common = commonPairs(entries.map((e) => e.entry));
  return {
    ...planSummary(ctx, plan, entries),
    definition: { ...plan.definition } as Record<string, unknown>,
    entryList: entries.map(({ entry, state, run }) => ({
      position: entry.position,
      dataset: entry.dataset,
      model: entry.model,
      ...(entry.variant ? { variant: entry.variant } : {}),
      paperName: paperModelName(entry.model, entry.variant),
      seed: entry.seed,
      ...(entry.epochs !== undefined ? { epochs: entry.epochs } : {}),
      settings: entry.settings,
      ownSettings: ownSettings(entry, common),
      state,
      ...(entry.runId ? { runId: entry.runId } : {}),
      ...(entry.error || run?.error ? { error: entry.error ?? run?.error } : {}),
      resumes: entry.resumes,
      // A killed run's record still says running: shown as interrupted, as runs.list shows it.
      ...(run ? { run: { status: state === 'interrupted' && ['queued', 'running', 'paused'].includes(run.status) ? ('interrupted' as const) : run.status, epochsDone: run.epochsDone, epochs: run.settings.epochs, trainSeconds: run.trainSeconds, ...(run.test ? { test: run.test } : {}) } } : {}),
    })),
    report: planReport(entries),
  };
}
