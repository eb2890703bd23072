/**
 * Worker-thread entry for a training run, on the one worker protocol (core/workers.ts): opens its
 * own database connection, runs `executeRun`, and streams progress/metrics/log messages to the
 * parent. Cancel, pause and resume arrive as messages and are honoured between steps.
 */
import { serveTask } from '../core/workers';
import { connectDb } from '../store/db';
import { executeRun } from './run-loop';
import type { TrainResult } from './run-schemas';

export interface TrainTask {
  dbFile: string;
  runId: string;
}

serveTask<TrainTask, TrainResult>(async ({ dbFile, runId }, task) => {
  const db = connectDb(dbFile);
  try {
    return await executeRun(db, runId, {
      signal: task.signal,
      whilePaused: task.whilePaused,
      progress: task.onProgress,
      metrics: task.onMetrics,
      log: task.onLog,
    });
  } finally {
    db.close();
  }
});
