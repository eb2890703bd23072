import { runTask, workerEntry } from '../core/workers';
import type { Matrix } from './matrix';
import type { ProjectionControl, ProjectionRequest, ProjectionResult } from './projection';
import type { ProjectionTask } from './projection-worker';

const defaultWorkerUrl = (): URL => workerEntry(import.meta.url, 'projection-worker');

/**
 * Runs `project` in a worker thread. Cancel sends a message; a worker that has not answered within
 * five seconds (stuck inside one long synchronous call, e.g. umap-js's neighbour search) is terminated.
 * Under tsx or vitest the worker is the TypeScript source with tsx's loader registered inside it;
 * a bundled build points `workerUrl` at the emitted `projection-worker.js`.
 */
export function projectInWorker(X: Matrix, request: ProjectionRequest, control: ProjectionControl = {}, workerUrl = defaultWorkerUrl()): Promise<ProjectionResult> {
  // workerData is a structured clone: the caller keeps its representations.
  const task: ProjectionTask = { type: 'run', request, rows: X.rows, cols: X.cols, data: X.data };
  return runTask<ProjectionResult>(workerUrl, task, control);
}
