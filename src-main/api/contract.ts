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
import { jobMethods } from './contracts/jobs';
import { planMethods } from './contracts/plans';
import { runAnalysisMethods } from './contracts/run-analysis';
import { runMethods } from './contracts/runs';
import { semanticMethods } from './contracts/semantic';
import { systemMethods } from './contracts/system';

export * from './contracts/common';

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

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** What every transport exposes: one typed call and one event stream. */
export interface WorkstationApi {
  call<M extends MethodName>(method: M, input: Input<M>): Promise<Output<M>>;
  onEvent(listener: (event: import('./contracts/common').JobEvent) => void): () => void;
}
