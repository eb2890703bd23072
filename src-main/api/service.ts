import type { Db } from '../store/db';
import { isMethodName, validateInput, type MethodName, type Output, type ParsedInput, type Input, type WorkstationApi } from './contract';
import { ApiError } from './contracts/common';
import type { JobEventOf, JobResultTypes } from './contracts/jobs';
import { analysisHandlers } from './handlers/analysis';
import { datasetHandlers } from './handlers/datasets';
import { jobHandlers } from './handlers/jobs';
import { planHandlers } from './handlers/plans';
import { runAnalysisHandlers } from './handlers/run-analysis';
import { runHandlers } from './handlers/runs';
import { semanticHandlers } from './handlers/semantic';
import { systemHandlers } from './handlers/system';
import { JobRunner } from './jobs';

/** Everything a handler may use. Built once per process by `createService`. */
export interface ServiceContext {
  db: Db;
  /** Path of the database file (workers open their own connection to it). */
  dbFile: string;
  /** Job results are typed by kind (contracts/jobs.ts JobResults): a body of the wrong type does not compile. */
  jobs: JobRunner<JobResultTypes>;
}

export type Handler<M extends MethodName> = (input: ParsedInput<M>, ctx: ServiceContext) => Promise<Output<M>> | Output<M>;
export type HandlerTable<K extends MethodName> = { [M in K]: Handler<M> };

const handlers: HandlerTable<MethodName> = {
  ...jobHandlers,
  ...runHandlers,
  ...datasetHandlers,
  ...semanticHandlers,
  ...analysisHandlers,
  ...runAnalysisHandlers,
  ...systemHandlers,
  ...planHandlers,
};

export interface Service extends WorkstationApi {
  /** Entry point for transports: validates an untrusted method name and payload against the contract. */
  invoke(method: unknown, payload: unknown): Promise<unknown>;
  context: ServiceContext;
  close(): Promise<void>;
}

export function createService(context: ServiceContext): Service {
  async function invoke(method: unknown, payload: unknown): Promise<unknown> {
    if (!isMethodName(method)) throw new ApiError('validation', `Unknown method: ${String(method)}`);
    const input = validateInput(method, payload);
    const handler = handlers[method] as (input: unknown, ctx: ServiceContext) => unknown;
    return await handler(input, context);
  }
  return {
    context,
    invoke,
    call: <M extends MethodName>(method: M, input: Input<M>) => invoke(method, input) as Promise<Output<M>>,
    onEvent: (listener: (event: JobEventOf) => void) => context.jobs.onEvent(listener),
    close: async () => {
      await context.jobs.shutdown();
      context.db.close();
    },
  };
}
