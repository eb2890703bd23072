import type { Db } from '../store/db';
import { contract, isMethodName, type MethodName, type Output, type ParsedInput, type Input, type WorkstationApi } from './contract';
import { ApiError, type JobEvent } from './contracts/common';
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
  jobs: JobRunner;
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
    const parsed = contract[method].input.safeParse(payload ?? {});
    if (!parsed.success) throw ApiError.fromZod(parsed.error, `request for ${method}`);
    const handler = handlers[method] as (input: unknown, ctx: ServiceContext) => unknown;
    return await handler(parsed.data, context);
  }
  return {
    context,
    invoke,
    call: <M extends MethodName>(method: M, input: Input<M>) => invoke(method, input) as Promise<Output<M>>,
    onEvent: (listener: (event: JobEvent) => void) => context.jobs.onEvent(listener),
    close: async () => {
      await context.jobs.shutdown();
      context.db.close();
    },
  };
}
