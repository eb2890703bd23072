/**
 * What a job is and what it reports, as the contract carries it: the job runner (jobs.ts) emits
 * these events, every transport forwards them unchanged.
 */
import { z } from 'zod';
import { ApiErrorShape } from './errors';

/**
 * What a job does; each kind has one result shape (api/contracts/jobs.ts JobResults): `analysis` is a
 * run's group metrics, `intents` its intent prototypes, `export` a dataset export, `recommend` a
 * recommendations export.
 */
export const JobKind = z.enum(['import', 'demo', 'train', 'evaluate', 'embed', 'analysis', 'intents', 'projection', 'plan', 'export', 'recommend']);
export type JobKind = z.infer<typeof JobKind>;

export const JobState = z.enum(['running', 'paused', 'succeeded', 'failed', 'cancelled']);
export type JobState = z.infer<typeof JobState>;

/**
 * What a job works on, as data: the run (training, evaluation, intents, recommendations), the
 * dataset (import, demo, embedding, maps) or the experiment plan (plan runs). Titles are for people;
 * code asks the subject and kind.
 */
export const JobSubject = z.union([z.object({ runId: z.string() }).strict(), z.object({ dataset: z.string() }).strict(), z.object({ planId: z.number().int() }).strict()]);
export type JobSubject = z.infer<typeof JobSubject>;

export const JobInfo = z.object({
  jobId: z.string(),
  kind: JobKind,
  title: z.string(),
  subject: JobSubject.optional(),
  state: JobState,
  startedAt: z.string(),
  endedAt: z.string().optional(),
  progress: z.object({ done: z.number(), total: z.number().optional(), message: z.string().optional() }).optional(),
  error: ApiErrorShape.optional(),
});
export type JobInfo = z.infer<typeof JobInfo>;

/**
 * The event stream. `progress` is for bars, `log` for the log pane, `metrics` carries named
 * numbers (per-loss values, validation metrics) keyed by a step for live curves, and the last
 * event of every job is exactly one of `done`, `failed` or `cancelled`.
 */
export const JobEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('started'), job: JobInfo }),
  z.object({
    type: z.literal('progress'),
    jobId: z.string(),
    done: z.number(),
    total: z.number().optional(),
    message: z.string().optional(),
    etaSeconds: z.number().optional(),
  }),
  z.object({ type: z.literal('log'), jobId: z.string(), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
  z.object({
    type: z.literal('metrics'),
    jobId: z.string(),
    series: z.string(),
    step: z.number(),
    values: z.record(z.string(), z.number()),
  }),
  z.object({ type: z.literal('state'), jobId: z.string(), state: JobState }),
  z.object({ type: z.literal('done'), jobId: z.string(), kind: JobKind, result: z.unknown() }),
  z.object({ type: z.literal('failed'), jobId: z.string(), error: ApiErrorShape }),
  z.object({ type: z.literal('cancelled'), jobId: z.string() }),
]);
export type JobEvent = z.infer<typeof JobEvent>;
