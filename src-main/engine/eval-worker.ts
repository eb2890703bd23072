/**
 * Worker-thread entry for `runs.evaluate`: full-ranking evaluation of a run's checkpoint (or a
 * reference checkpoint) takes 15–25 s on Beauty, so it runs here, on its own database connection,
 * never on the main thread that serves the UI.
 */
import { connectDb } from '../store/db';
import type { Split } from './data';
import { evaluateCheckpoint, evaluateRun, type EvaluationReport } from './run-evaluation';
import { serveTask } from '../core/workers';

export interface EvaluationTask {
  dbFile: string;
  runId?: string;
  dataset?: string;
  checkpoint?: string;
  split: Split;
}

serveTask<EvaluationTask, EvaluationReport>(async (task, control) => {
  const db = connectDb(task.dbFile);
  try {
    const report = (done: number, total: number) => control.onProgress(done, total, `Ranking every item for ${done} of ${total} users`);
    return task.runId
      ? await evaluateRun(db, task.runId, task.split, { signal: control.signal, onProgress: report })
      : await evaluateCheckpoint(db, task.dataset!, task.checkpoint!, task.split, { signal: control.signal, onProgress: report });
  } finally {
    db.close();
  }
});
