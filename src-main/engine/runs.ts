/**
 * Starting training runs as jobs: the job body runs the training in a worker thread
 * (train-worker.ts) and relays its progress and metrics into the JobRunner's event stream, so the
 * UI draws live curves. Cancel and pause are messages to the worker, not a kill.
 */
import { availableParallelism } from 'node:os';
import { ApiError } from '../core/errors';
import type { JobContext, JobRunner } from '../core/jobs';
import type { Db } from '../store/db';
import { datasetId } from '../store/datasets';
import { createRun, getRun, patchRunSettings, trainingElsewhere, updateRun, type RunRecord } from './run-store';
import type { TrainResult } from './run-schemas';
import type { TrainTask } from './train-worker';
import { resolveSettings, type TrainingOverrides } from './settings';
import { prepareTable } from './table-kinds';
import { runTask, workerEntry, type RunningTask } from '../core/workers';

const trainWorker = workerEntry(import.meta.url, 'train-worker');

/** Runs (or resumes) a run in a worker thread; resolves with its result. Pause and resume are messages to it. */
export function trainInWorker(dbFile: string, runId: string, job: Pick<JobContext, 'signal' | 'progress' | 'metrics' | 'log'>): RunningTask<TrainResult> {
  return runTask<TrainResult>(trainWorker, { dbFile, runId } satisfies TrainTask, {
    signal: job.signal,
    onProgress: job.progress,
    onMetrics: job.metrics,
    onLog: (message) => job.log(message),
    // A cancelled run stops at its next step, after any checkpoint it is writing: never terminated.
    stopWithin: Infinity,
    name: 'Training',
  });
}

/**
 * Whether a training job of this process is training the run. Asked of the job's kind and subject:
 * evaluation and analysis jobs of the run are active too, but the run is not training in them.
 */
export function trainingHere(jobs: JobRunner, runId: string): boolean {
  return jobs
    .list()
    .some((j) => j.kind === 'train' && j.subject !== undefined && 'runId' in j.subject && j.subject.runId === runId && (j.state === 'running' || j.state === 'paused'));
}

export interface RunContext {
  db: Db;
  dbFile: string;
  jobs: JobRunner;
}

function launch(ctx: RunContext, run: RunRecord, verb: string): string {
  return ctx.jobs.start('train', `${verb} ${run.model} on ${run.dataset} (${run.id})`, async (job) => {
    const running = trainInWorker(ctx.dbFile, run.id, job);
    job.onPauseChange = (paused) => {
      running.post({ type: paused ? 'pause' : 'resume' });
      updateRun(ctx.db, run.id, { status: paused ? 'paused' : 'running' });
    };
    return { ...(await running), runId: run.id };
  }, { runId: run.id });
}

export interface StartRunRequest {
  dataset: string;
  model: 'sasrec' | 'indirec' | 'llmdirec';
  epochs?: number;
  seed?: number;
  settings?: TrainingOverrides;
}

/** Creates a run record (preset for the dataset ← overrides, validated) and starts it as a job. */
export function startRun(ctx: RunContext, request: StartRunRequest): { jobId: string; runId: string } {
  datasetId(ctx.db, request.dataset); // throws not_found for an unknown dataset
  let settings;
  try {
    settings = resolveSettings(request.dataset, {
      ...request.settings,
      model: request.model,
      ...(request.epochs !== undefined ? { epochs: request.epochs } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
    });
  } catch (error) {
    throw new ApiError('validation', `Invalid training settings: ${error instanceof Error ? error.message : String(error)}`);
  }
  // One worker per core unless asked; the run records the count, so a resumed run (on any machine)
  // continues with the workers that its dropout streams depend on.
  settings = { ...settings, workers: Math.min(settings.workers ?? availableParallelism(), settings.batchSize) };
  // Fixes what the settings refer to (LLMDiRec: the embedding set) before the run is recorded; a
  // dataset without a complete embedding set fails here, with what to run first.
  const prepared = prepareTable(ctx.db, request.dataset, settings);
  const run = createRun(ctx.db, ctx.dbFile, request.dataset, prepared.settings, prepared.embedding);
  return { jobId: launch(ctx, run, 'Train'), runId: run.id };
}

/**
 * Continues an interrupted, failed or cancelled run from its last checkpoint. With `epochs`, sets its
 * budget: more epochs train it further (a finished run too), as many as it has done finish it where it
 * is. The last checkpoint holds the whole training state, so the continued epochs are those an
 * uninterrupted run of `epochs` would train; the final epoch is always validated (run-loop.ts), so an
 * old final epoch stays among the best-checkpoint candidates.
 */
export function resumeRun(ctx: RunContext, runId: string, epochs?: number, workers?: number): { jobId: string; runId: string } {
  const run = getRun(ctx.db, runId);
  if (!run) throw new ApiError('not_found', `No run ${runId}`);
  if (trainingHere(ctx.jobs, runId)) throw new ApiError('conflict', `Run ${runId} is already running`);
  if (trainingElsewhere(run)) throw new ApiError('conflict', `Run ${runId} is being trained by another process (pid ${run.owner!.pid}) on this computer`);
  // Its last checkpoint, settings and RNG state are those it diverged from: it would diverge again.
  if (run.status === 'diverged') throw new ApiError('conflict', `Run ${runId} diverged (its loss became non-finite) and cannot be resumed; train a new run with a lower learningRate`);
  if (epochs !== undefined) {
    // An unfinished run may also stop where it is (epochs = epochs done): it is then validated and tested.
    const least = run.status === 'succeeded' ? run.epochsDone + 1 : run.epochsDone;
    if (epochs < least) throw new ApiError('validation', `Run ${runId} has already trained ${run.epochsDone} epochs: give ${least === run.epochsDone ? 'at least' : 'more than'} that`);
    patchRunSettings(ctx.db, runId, { epochs });
  } else if (run.status === 'succeeded') {
    throw new ApiError('conflict', `Run ${runId} has already finished (give a larger epoch count to train it further)`);
  }
  // Dropout masks depend on the worker count, so from here on the run is reproducible for the new count.
  if (workers !== undefined) patchRunSettings(ctx.db, runId, { workers });
  // Training again: an earlier interruption's error and finish time no longer describe it.
  updateRun(ctx.db, runId, { status: 'queued', error: null, finishedAt: null });
  return { jobId: launch(ctx, getRun(ctx.db, runId)!, epochs !== undefined ? 'Extend' : 'Resume'), runId };
}
