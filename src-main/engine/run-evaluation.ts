/** Evaluating a stored run or a reference checkpoint file on a dataset (`runs.evaluate`, CLI `eval`). */
import { existsSync } from 'node:fs';
import { ApiError } from '../core/errors';
import type { Db } from '../store/db';
import { initBackend } from './backend';
import { leaveOneOutCases, type Split } from './data';
import { evaluateRanking, type EvaluateOptions } from './evaluate';
import { RecommenderModel, assertFiniteWeights, loadReferenceCheckpoint } from './model';
import { Rng } from './rng';
import type { EvaluationReport } from './run-schemas';
import { getRun, runCheckpoints } from './run-store';
import { sequencesFromStore } from './run-loop';
import { tableFactoryFor } from './table-kinds';
import { readSafetensors } from './safetensors';

export type { EvaluationReport };

/** Cancel and progress of an evaluation (batches of users); the eval worker passes its own. */
export type EvaluationControl = Pick<EvaluateOptions, 'signal' | 'onProgress'>;

export async function evaluateCheckpoint(db: Db, dataset: string, file: string, split: Split = 'test', control: EvaluationControl = {}): Promise<EvaluationReport> {
  if (!existsSync(file)) throw new ApiError('not_found', `Checkpoint ${file} does not exist`);
  const backend = await initBackend();
  const data = sequencesFromStore(db, dataset);
  const t0 = performance.now();
  const model = loadReferenceCheckpoint(file, data.numItems);
  try {
    const metrics = await evaluateRanking(model, leaveOneOutCases(data, split), { maxSeqLength: model.settings.maxSeqLength, batchSize: model.settings.evalBatchSize, ...control });
    return { ...metrics, backend, seconds: (performance.now() - t0) / 1000 };
  } finally {
    model.dispose();
  }
}

/** A run's best checkpoint (else its last) with the run's own settings. */
export async function evaluateRun(db: Db, runId: string, split: Split = 'test', control: EvaluationControl = {}): Promise<EvaluationReport> {
  const run = getRun(db, runId);
  if (!run) throw new ApiError('not_found', `No run ${runId}`);
  const checkpoints = runCheckpoints(db, runId);
  const file = (checkpoints.find((c) => c.kind === 'best') ?? checkpoints.find((c) => c.kind === 'last'))?.file;
  if (!file || !existsSync(file)) throw new ApiError('not_found', `Run ${runId} has no checkpoint yet`);
  const backend = await initBackend();
  const data = sequencesFromStore(db, run.dataset);
  const t0 = performance.now();
  // LLMDiRec runs rebuild their fused table (its parameters are in the checkpoint; the frozen semantic view comes from the run's embedding set).
  const model = new RecommenderModel(data.numItems, run.settings, new Rng(0), tableFactoryFor(db, run.dataset, run.settings));
  try {
    const { tensors } = readSafetensors(file);
    assertFiniteWeights(tensors, file);
    model.loadArrays(tensors, file);
    const metrics = await evaluateRanking(model, leaveOneOutCases(data, split), { maxSeqLength: run.settings.maxSeqLength, batchSize: run.settings.evalBatchSize, ...control });
    return { ...metrics, backend, seconds: (performance.now() - t0) / 1000 };
  } finally {
    model.dispose();
  }
}
