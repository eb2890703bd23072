/**
 * The one API contract of the workstation. The Electron preload bridge, the web-mode HTTP/WebSocket
 * server and the CLI all speak exactly these methods and events; handlers live in
 * `src-main/api/handlers`. Each capability defines its methods in `contracts/<capability>.ts`
 * and they are merged here, so every transport derives its allowlist from one object.
 *
 * Long work (imports, training, embedding, projections) is a *job*: the method returns
 * `{ jobId }` at once, progress arrives as `JobEvent`s, and `jobs.cancel` stops it.
 */
import { z } from 'zod';
import { analysisMethods } from './contracts/analysis';
import { datasetMethods } from './contracts/datasets';
import { jobMethods, type JobEventOf, type JobHandle, type JobResult } from './contracts/jobs';
import { ApiError, type JobKind } from './contracts/common';
import { planMethods } from './contracts/plans';
import { runAnalysisMethods } from './contracts/run-analysis';
import { runMethods } from './contracts/runs';
import { semanticMethods } from './contracts/semantic';
import { systemMethods } from './contracts/system';

export * from './contracts/common';
export { checkpointEpochNumber, epochNumber } from './epochs';
export { csvCell, mapToCsv } from '../analysis/export';
export { JobResults, type JobEventOf, type JobHandle, type JobResult, type JobResultTypes } from './contracts/jobs';

export const contract = {
  ...jobMethods,
  ...runMethods,
  ...datasetMethods,
  ...semanticMethods,
  ...analysisMethods,
  ...runAnalysisMethods,
  ...systemMethods,
  ...planMethods,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type Input<M extends MethodName> = z.input<Contract[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Contract[M]['input']>;
export type Output<M extends MethodName> = z.output<Contract[M]['output']>;

export const methodNames = Object.keys(contract) as MethodName[];

/**
 * A payload checked against a method's input schema: the parsed input, or a `validation` ApiError
 * naming the bad field. Every transport's entry (service.ts) runs it; a form with free-form content
 * (a pasted plan file, a settings table) runs it too, to send a typed request.
 */
export function validateInput<M extends MethodName>(method: M, payload: unknown): ParsedInput<M> {
  const parsed = contract[method].input.safeParse(payload ?? {});
  if (!parsed.success) throw ApiError.fromZod(parsed.error, `request for ${method}`);
  // safeParse of Contract[M]['input'] is typed for the union of all methods' inputs: this is M's.
  return parsed.data as ParsedInput<M>;
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** What every transport exposes: one typed call and one event stream. */
export interface WorkstationApi {
  call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>>;
  onEvent(listener: (event: JobEventOf) => void): () => void;
}

/**
 * Waits for a job that a contract method started and returns its result, typed by the job's kind.
 * `jobs.wait` refuses a job of another kind, so narrowing its any-kind answer to this kind is safe.
 */
export async function waitForJob<K extends JobKind>(api: Pick<WorkstationApi, 'call'>, job: JobHandle<K>): Promise<JobResult<K>> {
  const result: JobResult = await api.call('jobs.wait', { jobId: job.jobId, kind: job.kind });
  return result as JobResult<K>;
}
