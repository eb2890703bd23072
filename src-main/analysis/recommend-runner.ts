/** Main-thread side of recommend-worker.ts: the export runs in a worker; the handler only starts the job. */
import { runTask, workerEntry, type TaskControl } from '../core/workers';
import type { RecommendationsExport } from './recommend-export';
import type { RecommendTask } from './recommend-worker';

const worker = workerEntry(import.meta.url, 'recommend-worker');

export function recommendInWorker(task: RecommendTask, control: TaskControl = {}): Promise<RecommendationsExport> {
  return runTask<RecommendationsExport>(worker, task, control);
}
