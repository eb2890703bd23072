import { ApiError } from '../api/contracts/common';
import { startWorker, workerEntry } from '../workers';
import type { Matrix } from './matrix';
import type { ProjectionControl, ProjectionRequest, ProjectionResult } from './projection';
import type { FromWorker, ToWorker } from './projection-worker';
import type { IntentsInput, IntentsOptions, IntentsReport } from './intents';

const defaultWorkerUrl = (): URL => workerEntry(import.meta.url, 'projection-worker');

/**
 * Runs `project` in a worker thread. Cancel sends a message; a worker that has not answered within
 * two seconds (stuck inside one long synchronous call, e.g. umap-js's neighbour search) is terminated.
 * Under tsx or vitest the worker is the TypeScript source with tsx's loader registered inside it;
 * a bundled build points `workerUrl` at the emitted `projection-worker.js`.
 */
export function projectInWorker(X: Matrix, request: ProjectionRequest, control: ProjectionControl = {}, workerUrl = defaultWorkerUrl()): Promise<ProjectionResult> {
  // The data is copied, not transferred: the caller keeps its representations.
  const data = Float32Array.from(X.data);
  return runInWorker<ProjectionResult>({ type: 'run', request, rows: X.rows, cols: X.cols, data }, [data.buffer], control, workerUrl);
}

/** `buildIntentsReport` (silhouette is O(N²·D)) in a worker thread, with progress and cancel. */
export function intentsInWorker(input: IntentsInput, options: IntentsOptions = {}, control: ProjectionControl = {}, workerUrl = defaultWorkerUrl()): Promise<IntentsReport> {
  return runInWorker<IntentsReport>({ type: 'intents', input, options }, [], control, workerUrl);
}

function runInWorker<T>(message: ToWorker, transfer: ArrayBuffer[], control: ProjectionControl, workerUrl: URL): Promise<T> {
  return new Promise((resolve, reject) => {
    if (control.signal?.aborted) return reject(new ApiError('cancelled', 'Cancelled'));
    const worker = startWorker(workerUrl);
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      control.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = (): void => {
      worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      killTimer = setTimeout(() => settle(() => reject(new ApiError('cancelled', 'Cancelled'))), 2000);
    };
    control.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'progress') control.onProgress?.(msg.done, msg.total, msg.message);
      else if (msg.type === 'done') settle(() => resolve(msg.result as T));
      else if (msg.type === 'cancelled') settle(() => reject(new ApiError('cancelled', 'Cancelled')));
      else settle(() => reject(new ApiError('internal', `Analysis failed: ${msg.message}`)));
    });
    worker.on('error', (error) => settle(() => reject(new ApiError('internal', `Analysis worker crashed: ${error.message}`))));
    worker.on('exit', (code) => settle(() => reject(new ApiError('internal', `Analysis worker exited with code ${code}`))));
    worker.postMessage(message, transfer);
  });
}

