/**
 * Worker-thread entry for a training run: opens its own database connection, runs `executeRun`,
 * and streams progress/metrics/log messages to the parent. Cancel, pause and resume arrive as
 * messages and are honoured between steps.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { carryError, type CarriedError } from '../core/errors';
import { connectDb } from '../store/db';
import { executeRun } from './run-loop';
import type { TrainResult } from './run-schemas';

export type ToTrainWorker = { type: 'cancel' } | { type: 'pause' } | { type: 'resume' };
export type FromTrainWorker =
  | { type: 'progress'; done: number; total: number; message: string; etaSeconds?: number }
  | { type: 'metrics'; series: string; step: number; values: Record<string, number> }
  | { type: 'log'; message: string }
  | { type: 'done'; result: TrainResult }
  | { type: 'cancelled' }
  | { type: 'failed'; error: CarriedError };

const port = parentPort!;
const { dbFile, runId } = workerData as { dbFile: string; runId: string };
const controller = new AbortController();
let paused = false;
let wake: (() => void) | undefined;

port.on('message', (msg: ToTrainWorker) => {
  if (msg.type === 'cancel') controller.abort();
  if (msg.type === 'pause') paused = true;
  if (msg.type === 'resume' || msg.type === 'cancel') {
    paused = false;
    wake?.();
  }
});

const post = (msg: FromTrainWorker) => port.postMessage(msg);
const db = connectDb(dbFile);
try {
  const result = await executeRun(db, runId, {
    signal: controller.signal,
    whilePaused: () => (paused ? new Promise<void>((r) => (wake = r)) : Promise.resolve()),
    progress: (done, total, message, etaSeconds) => post({ type: 'progress', done, total, message, etaSeconds }),
    metrics: (series, step, values) => post({ type: 'metrics', series, step, values }),
    log: (message) => post({ type: 'log', message }),
  });
  post({ type: 'done', result });
} catch (error) {
  if (controller.signal.aborted) post({ type: 'cancelled' });
  else post({ type: 'failed', error: carryError(error) });
} finally {
  db.close();
  port.close();
}
