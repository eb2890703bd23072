import { z } from 'zod';
import { ItemMapResult, RecommendationsExportResult, RunIntentsResult, RunSummaryResult } from '../../analysis/result-schemas';
import type { TypedJobEvent } from '../../core/jobs';
import { EvaluationReport, TrainResult } from '../../engine/run-schemas';
import { PlanRunResult } from '../../plans/run-result';
import { EmbedResult } from '../../semantic/embedding-schemas';
import { DatasetSummary, ExportResult } from '../../store/dataset-schemas';
import { JobInfo, JobKind, method, NoInput } from './common';

/** Each job kind's result, as the layer that produces it defines it. */
export const JobResults = {
  import: DatasetSummary,
  demo: DatasetSummary,
  train: TrainResult,
  evaluate: EvaluationReport,
  embed: EmbedResult,
  analysis: RunSummaryResult,
  intents: RunIntentsResult,
  projection: ItemMapResult,
  plan: PlanRunResult,
  export: ExportResult,
  recommend: RecommendationsExportResult,
} as const satisfies Record<JobKind, z.ZodType>;

export type JobResultTypes = { [K in JobKind]: z.output<(typeof JobResults)[K]> };
export type JobResult<K extends JobKind = JobKind> = JobResultTypes[K];

/** The contract's event stream: a `done` event's result has its job kind's type. */
export type JobEventOf = TypedJobEvent<JobResultTypes>;

/** What a job-starting method returns: the job and its kind, which types its result (`jobs.wait`). */
export function jobStarted<K extends JobKind>(kind: K) {
  return z.object({ jobId: z.string(), kind: z.literal(kind) });
}
export interface JobHandle<K extends JobKind = JobKind> {
  jobId: string;
  kind: K;
}

/** Any job's result; `waitForJob` narrows it to the kind of the job waited for. */
const AnyJobResult = z.union(Object.values(JobResults));

export const jobMethods = {
  'jobs.list': method({ summary: 'Jobs of this session, newest first.', input: NoInput, output: z.array(JobInfo) }),
  'jobs.cancel': method({
    summary: 'Asks a running job to stop; it ends with a `cancelled` event and leaves nothing half-written.',
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'jobs.pause': method({
    summary: 'Pauses a job that supports it (training), at the next safe point.',
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ paused: z.boolean() }),
  }),
  'jobs.resume': method({
    summary: 'Resumes a paused job.',
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ resumed: z.boolean() }),
  }),
  'jobs.wait': method({
    summary: 'Waits until a job ends and returns its result (CLI and tests); with `kind`, a job of another kind is refused.',
    input: z.object({ jobId: z.string(), kind: JobKind.optional() }).strict(),
    output: AnyJobResult,
  }),
} as const;
