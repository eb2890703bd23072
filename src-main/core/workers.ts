/**
 * Worker threads, started the same way under tsx/vitest (TypeScript sources) and in the bundled
 * build (emitted `.js` entries): training runs, evaluation, run outputs, maps and intents reports.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { ApiError, carryError, restoreError, type CarriedError } from './errors';

/**
 * The URL of a worker entry next to `base` (an `import.meta.url`): the `.ts` source under
 * tsx/vitest, the emitted `.js` file in the bundled build (electron.vite.config.ts emits every
 * `*-worker.ts` next to index.js under its own name).
 */
export function workerEntry(base: string, name: string): URL {
  return new URL(base.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, base);
}

/** Starts a worker on `url`; a TypeScript entry gets tsx's loader registered inside the worker first. */
export function startWorker(url: URL, data?: unknown): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData: data });
  // execArgv `--import tsx` does not reach eval workers, and the CommonJS build of tsx's API points
  // at a missing file: import its ESM API explicitly, register, then import the entry.
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(boot, { eval: true, workerData: data });
}

/**
 * One-shot worker-thread tasks with progress and cancel (evaluation, run outputs, maps): the parent
 * starts a worker on an entry file, the entry calls `serveTask` with its work, and the parent's
 * promise settles exactly once — on the worker's answer, its cancel acknowledgement, a crash, or
 * an exit without an answer (so a job never waits forever on a worker that died).
 */
export type ToTask = { type: 'cancel' };
export type FromTask =
  | { type: 'progress'; done: number; total: number; message: string }
  | { type: 'log'; message: string }
  | { type: 'done'; result: unknown }
  | { type: 'cancelled' }
  | { type: 'failed'; error: CarriedError };

export interface TaskControl {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
  onLog?: (message: string) => void;
}

/**
 * Runs the task in `url` with `data` as its workerData. Cancel posts a message (the task checks
 * its signal between batches); a worker that has not stopped within five seconds is terminated.
 */
export function runTask<T>(url: URL, data: unknown, control: TaskControl = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (control.signal?.aborted) return reject(new ApiError('cancelled', 'Cancelled'));
    const worker = startWorker(url, data);
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
      worker.postMessage({ type: 'cancel' } satisfies ToTask);
      killTimer = setTimeout(() => settle(() => reject(new ApiError('cancelled', 'Cancelled'))), 5000);
    };
    control.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (msg: FromTask) => {
      if (msg.type === 'progress') control.onProgress?.(msg.done, msg.total, msg.message);
      else if (msg.type === 'log') control.onLog?.(msg.message);
      else if (msg.type === 'done') settle(() => resolve(msg.result as T));
      else if (msg.type === 'cancelled') settle(() => reject(new ApiError('cancelled', 'Cancelled')));
      else settle(() => reject(restoreError(msg.error)));
    });
    worker.on('error', (error) => settle(() => reject(new ApiError('internal', `Worker crashed: ${error.message}`))));
    worker.on('exit', (code) => settle(() => reject(new ApiError('internal', `Worker exited with code ${code} before answering`))));
  });
}

/**
 * Worker side: runs `work(workerData, control)` once and posts its result (`transfer` lists buffers
 * to move rather than copy). Errors travel whole (carryError) so the parent gets the engine's wording and code.
 */
export function serveTask<D, R>(work: (data: D, control: Required<Pick<TaskControl, 'signal' | 'onProgress' | 'onLog'>>) => Promise<R>, transfer: (result: R) => ArrayBuffer[] = () => []): void {
  const port = parentPort;
  if (!port) return;
  const controller = new AbortController();
  port.on('message', (msg: ToTask) => {
    if (msg.type === 'cancel') controller.abort();
  });
  const post = (msg: FromTask, list: ArrayBuffer[] = []): void => port.postMessage(msg, list);
  work(workerData as D, {
    signal: controller.signal,
    onProgress: (done, total, message) => post({ type: 'progress', done, total, message }),
    onLog: (message) => post({ type: 'log', message }),
  }).then(
    (result) => post({ type: 'done', result }, transfer(result)),
    (error: unknown) =>
      post(controller.signal.aborted ? { type: 'cancelled' } : { type: 'failed', error: carryError(error) }),
  ).finally(() => port.close());
}
