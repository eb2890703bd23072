/**
 * Main-thread side of run-outputs-worker.ts: a run's outputs are computed in a worker (and cached
 * by run-outputs.ts exactly as when computed in-process); K-means and the intents report run there
 * too. The handlers call these so the UI thread only formats results.
 */
import { runTask, workerEntry, type TaskControl } from '../core/workers';
import type { Db } from '../store/db';
import { runOutputs, type RunOutputs } from './run-outputs';
import type { ClusteredIntents, RunAnalysisTask } from './run-outputs-worker';

const worker = workerEntry(import.meta.url, 'run-outputs-worker');

/** `runOutputs`, computing a checkpoint's outputs in a worker the first time. */
export function runOutputsInWorker(db: Db, dbFile: string, runId: string, control: TaskControl = {}): Promise<RunOutputs> {
  return runOutputs(db, runId, {
    ...control,
    compute: () => runTask<RunOutputs>(worker, { type: 'outputs', dbFile, runId } satisfies RunAnalysisTask, control),
  });
}

/** K-means into prototypes and the intents report of those prototypes, in a worker. */
export function clusterIntentsInWorker(task: Extract<RunAnalysisTask, { type: 'intents' }>, control: TaskControl = {}): Promise<ClusteredIntents> {
  return runTask<ClusteredIntents>(worker, task, control);
}
