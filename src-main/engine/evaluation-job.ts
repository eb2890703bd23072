/**
 * `runs.evaluate` as a job: the evaluation runs in eval-worker.ts with progress and cancel, and the
 * job's result is the same report `evaluateRun` / `evaluateCheckpoint` return.
 */
import type { JobContext } from '../core/jobs';
import type { EvaluationTask } from './eval-worker';
import type { EvaluationReport } from './run-evaluation';
import { runTask, workerEntry } from '../core/workers';

const evalWorker = workerEntry(import.meta.url, 'eval-worker');

export function evaluateInWorker(task: EvaluationTask, job: Pick<JobContext, 'signal' | 'progress'>): Promise<EvaluationReport> {
  return runTask<EvaluationReport>(evalWorker, task, { signal: job.signal, onProgress: (done, total, message) => job.progress(done, total, message) });
}
