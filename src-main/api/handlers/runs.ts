import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiError } from '../contracts/common';
import type { HandlerTable } from '../service';
import { evaluateInWorker } from '../../engine/evaluation-job';
import { getRun, listRuns, runCheckpoints, runEpochs, trainingElsewhere, type RunRecord } from '../../engine/run-store';
import { exportRun, importRun } from '../../engine/run-bundle';
import { resumeRun, startRun, trainingHere } from '../../engine/runs';
import { datasetPresets, defaultSettings, llmdirecChoices, llmdirecDefaults, llmdirecVariants } from '../../engine/settings';
import { datasetId } from '../../store/datasets';
import type { JobRunner } from '../jobs';

type RunMethod = 'runs.presets' | 'runs.start' | 'runs.resume' | 'runs.export' | 'runs.import' | 'runs.list' | 'runs.show' | 'runs.evaluate';

/** A run recorded as active that neither a job of this process nor another live process runs was killed: show it as interrupted. */
function summary(run: RunRecord, jobs: JobRunner) {
  const active = trainingHere(jobs, run.id) || trainingElsewhere(run);
  const status = !active && ['queued', 'running', 'paused'].includes(run.status) ? 'interrupted' : run.status;
  return {
    id: run.id,
    dataset: run.dataset,
    model: run.model,
    backend: run.backend,
    status,
    epochsDone: run.epochsDone,
    epochs: run.settings.epochs,
    bestEpoch: run.bestEpoch,
    bestValid: run.bestValid,
    test: run.test,
    error: run.error,
    trainSeconds: run.trainSeconds,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
  } as const;
}

/** Errors with a code keep it; any other error of the engine is a file or data problem the user can fix. */
function userError(error: unknown): never {
  if (error instanceof ApiError) throw error;
  throw new ApiError('bad_input', error instanceof Error ? error.message : String(error));
}

/** Runs `work`, answering what it throws as a user error (file and data problems the user can fix). */
function asUserError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    userError(error);
  }
}

export const runHandlers: HandlerTable<RunMethod> = {
  'runs.presets': () => ({ defaults: { ...defaultSettings }, presets: { ...datasetPresets }, llmdirec: { defaults: { ...llmdirecDefaults }, variants: { ...llmdirecVariants }, choices: { ...llmdirecChoices } } }),
  'runs.start': (request, ctx) => ({ ...startRun(ctx, request), kind: 'train' }),
  'runs.resume': ({ runId, epochs, workers }, ctx) => ({ ...resumeRun(ctx, runId, epochs, workers), kind: 'train' }),
  'runs.export': ({ runId, file }, { db }) => asUserError(() => exportRun(db, runId, file)),
  'runs.import': ({ file, dataset }, { db, dbFile, jobs }) => asUserError(() => summary(importRun(db, dbFile, file, dataset), jobs)),
  'runs.list': ({ dataset }, { db, jobs }) => listRuns(db, dataset).map((r) => summary(r, jobs)),
  'runs.show': ({ runId }, { db, jobs }) => {
    const run = getRun(db, runId);
    if (!run) throw new ApiError('not_found', `No run ${runId}`);
    return { ...summary(run, jobs), settings: { ...run.settings }, embedding: run.embedding, folder: run.folder, epochLog: runEpochs(db, runId), checkpoints: runCheckpoints(db, runId) };
  },
  'runs.evaluate': ({ runId, dataset, checkpoint, split }, { db, dbFile, jobs }) => {
    // What a user can fix is answered now; the ranking itself is a job in a worker thread.
    let title: string;
    if (runId) {
      const run = getRun(db, runId);
      if (!run) throw new ApiError('not_found', `No run ${runId}`);
      if (!runCheckpoints(db, runId).some((c) => existsSync(c.file))) throw new ApiError('not_found', `Run ${runId} has no checkpoint yet`);
      title = `Evaluate ${run.model} on ${run.dataset} (${run.id})`;
    } else {
      datasetId(db, dataset!);
      if (!existsSync(checkpoint!)) throw new ApiError('not_found', `Checkpoint ${checkpoint} does not exist`);
      title = `Evaluate ${basename(checkpoint!)} on ${dataset}`;
    }
    const jobId = jobs.start('evaluate', title, async (job) => {
      try {
        return await evaluateInWorker({ dbFile, runId, dataset, checkpoint, split }, job);
      } catch (error) {
        userError(error);
      }
    }, runId ? { runId } : { dataset: dataset! });
    return { jobId, kind: 'evaluate' };
  },
};
