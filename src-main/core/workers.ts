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
 * The one worker protocol (training, evaluation, run outputs, maps, recommendations): the parent
 * starts a worker on an entry file, the entry calls `serveTask` with its work, and the parent's
 * promise settles exactly once — on the worker's answer, its cancel acknowledgement, a crash, or
 * an exit without an answer (so a job never waits forever on a worker that died). Long tasks
 * (training) also report metrics and an ETA, and pause between steps.
 */
export type ToTask = { type: 'cancel' } | { type: 'pause' } | { type: 'resume' };
export type FromTask =
  | { type: 'progress'; done: number; total: number; message: string; etaSeconds?: number }
  | { type: 'log'; message: string }
  | { type: 'metrics'; series: string; step: number; values: Record<string, number> }
  | { type: 'done'; result: unknown }
  | { type: 'cancelled' }
  | { type: 'failed'; error: CarriedError };

export interface TaskControl {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string, etaSeconds?: number) => void;
  onLog?: (message: string) => void;
  onMetrics?: (series: string, step: number, values: Record<string, number>) => void;
  /**
   * Milliseconds a cancelled worker gets to stop before it is terminated (default 5000); Infinity
   * for a task that must reach its own safe point (training writes checkpoints).
   */
  stopWithin?: number;
  /** Where the task's errors come from, for its messages: 'Training' gives "Training failed: …". */
  name?: string;
}

/** The parent's side of a running task: its result, and pause/resume for tasks that honour them. */
export type RunningTask<T> = Promise<T> & { post(msg: Extract<ToTask, { type: 'pause' | 'resume' }>): void };

/**
 * Runs the task in `url` with `data` as its workerData. Cancel posts a message (the task checks
 * its signal between batches); a worker that has not stopped within `stopWithin` is terminated.
 */
export function runTask<T>(url: URL, data: unknown, control: TaskControl = {}): RunningTask<T> {
  let worker: Worker | undefined;
  const promise = new Promise<T>((resolve, reject) => {
    if (control.signal?.aborted) return reject(new ApiError('cancelled', 'Cancelled'));
    const w = startWorker(url, data);
    worker = w;
    const what = control.name ? `${control.name} worker` : 'Worker';
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      control.signal?.removeEventListener('abort', onAbort);
      void w.terminate();
      fn();
    };
    const onAbort = (): void => {
      w.postMessage({ type: 'cancel' } satisfies ToTask);
      const within = control.stopWithin ?? 5000;
      if (Number.isFinite(within)) killTimer = setTimeout(() => settle(() => reject(new ApiError('cancelled', 'Cancelled'))), within);
    };
    control.signal?.addEventListener('abort', onAbort, { once: true });
    w.on('message', (msg: FromTask) => {
      if (msg.type === 'progress') control.onProgress?.(msg.done, msg.total, msg.message, msg.etaSeconds);
      else if (msg.type === 'log') control.onLog?.(msg.message);
      else if (msg.type === 'metrics') control.onMetrics?.(msg.series, msg.step, msg.values);
      else if (msg.type === 'done') settle(() => resolve(msg.result as T));
      else if (msg.type === 'cancelled') settle(() => reject(new ApiError('cancelled', 'Cancelled')));
      // A named task's error without a code of its own is the task's failure, not the user's.
      else settle(() => reject(control.name ? restoreError({ code: 'internal', ...msg.error }, `${control.name} failed: `) : restoreError(msg.error)));
    });
    w.on('error', (error) => settle(() => reject(new ApiError('internal', `${what} crashed: ${error.message}`))));
    w.on('exit', (code) => settle(() => reject(new ApiError('internal', `${what} exited with code ${code} before answering`))));
  });
  return Object.assign(promise, { post: (msg: Extract<ToTask, { type: 'pause' | 'resume' }>) => worker?.postMessage(msg) });
}

/** What a task's work gets: cancel, reports, and a pause gate to await between steps. */
export interface TaskContext {
  signal: AbortSignal;
  onProgress(done: number, total: number, message: string, etaSeconds?: number): void;
  onLog(message: string): void;
  onMetrics(series: string, step: number, values: Record<string, number>): void;
  /** Resolves at once unless the parent paused the task; resolves on resume or cancel. */
  whilePaused(): Promise<void>;
}

/**
 * Worker side: runs `work(workerData, context)` once and posts its result (`transfer` lists buffers
 * to move rather than copy). Errors travel whole (carryError) so the parent gets the engine's wording and code.
 */
export function serveTask<D, R>(work: (data: D, context: TaskContext) => Promise<R>, transfer: (result: R) => ArrayBuffer[] = () => []): void {
  const port = parentPort;
  if (!port) return;
  const controller = new AbortController();
  let paused = false;
  let wake: (() => void) | undefined;
  port.on('message', (msg: ToTask) => {
    if (msg.type === 'cancel') controller.abort();
    if (msg.type === 'pause') paused = true;
    if (msg.type === 'resume' || msg.type === 'cancel') {
      paused = false;
      wake?.();
    }
  });
  const post = (msg: FromTask, list: ArrayBuffer[] = []): void => port.postMessage(msg, list);
  work(workerData as D, {
    signal: controller.signal,
    onProgress: (done, total, message, etaSeconds) => post({ type: 'progress', done, total, message, etaSeconds }),
    onLog: (message) => post({ type: 'log', message }),
    onMetrics: (series, step, values) => post({ type: 'metrics', series, step, values }),
    whilePaused: () => (paused ? new Promise<void>((resolve) => (wake = resolve)) : Promise.resolve()),
  }).then(
    (result) => post({ type: 'done', result }, transfer(result)),
    (error: unknown) =>
      post(controller.signal.aborted ? { type: 'cancelled' } : { type: 'failed', error: carryError(error) }),
  ).finally(() => port.close());
}
