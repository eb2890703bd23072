/**
 * One training run from its record to its test metrics (docs/model.md §9–§10): epochs with
 * validation every `validateEvery` epochs, early stopping on [HR@20, NDCG@20] ("improved" if any
 * component beats the best), the best model kept as `best.safetensors`, the full training state
 * (model, optimiser, RNG, intents, epoch, early-stopping state) as `last.safetensors` after every
 * epoch, and resume from it after a crash or kill. Runs in a worker thread (train-worker.ts) or
 * in-thread (tests); it only talks to the outside through `RunControls`. A loss that becomes
 * non-finite stops the run as `diverged` (divergence.ts), with no checkpoint written from that state.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../core/errors';
import type { Db } from '../store/db';
import { loadSequences } from '../store/datasets';
import { backendDescription, initBackend } from './backend';
import type { SequenceData } from './data';
import { epochDiagnostics, flattenDiagnostics } from './diagnostics';
import { nonFiniteLoss, nonFiniteTensor, RunDiverged } from './divergence';
import type { RankingMetrics } from './evaluate';
import type { ItemTableFactory } from './model';
import { claimRun, getRun, recordCheckpoint, recordEpoch, runEpochs, setEpochValidation, updateRun } from './run-store';
import type { TrainResult } from './run-schemas';
import { readSafetensors, writeSafetensors } from './safetensors';
import { tableFactoryFor } from './table-kinds';
import { STABILITY_SAMPLE, Trainer, type StepLosses } from './trainer';

export interface RunControls {
  signal?: AbortSignal;
  whilePaused?: () => Promise<void>;
  progress?: (done: number, total: number, message: string, etaSeconds?: number) => void;
  metrics?: (series: string, step: number, values: Record<string, number>) => void;
  log?: (message: string) => void;
  /** Plug a custom item table (LLMDiRec's fused table). */
  tableFactory?: ItemTableFactory;
}

/** Adapter from the store (item ids 1..N per user, in user order) to the engine's sequences. */
export function sequencesFromStore(db: Db, dataset: string): SequenceData {
  const { numItems, sequences } = loadSequences(db, dataset);
  return { numItems, sequences };
}

interface EarlyStopping {
  best?: RankingMetrics;
  bestEpoch?: number;
  bad: number;
}

function improved(current: RankingMetrics, best: RankingMetrics | undefined): boolean {
  return !best || current['HR@20'] > best['HR@20'] || current['NDCG@20'] > best['NDCG@20'];
}

/** One line per epoch for logs and terminals: "Epoch 3/50: rec 8.526 diff 0.0071 cl 7.21 · 812 s · valid HR@10 0.0504 NDCG@10 0.0272". */
export function epochLine(epoch: number, epochs: number, losses: Record<string, number>, seconds: number, valid?: RankingMetrics): string {
  const parts = Object.entries(losses)
    .filter(([name]) => name !== 'total' && name !== 'gradNorm')
    .map(([name, v]) => `${name} ${v.toPrecision(4)}`);
  const validation = valid ? ` · valid HR@10 ${valid['HR@10'].toFixed(4)} NDCG@10 ${valid['NDCG@10'].toFixed(4)}` : '';
  return `Epoch ${epoch + 1}/${epochs}: ${parts.join(' ')} · ${seconds.toFixed(0)} s${validation}`;
}

export async function executeRun(db: Db, runId: string, controls: RunControls = {}): Promise<TrainResult> {
  const run = getRun(db, runId);
  if (!run) throw new ApiError('not_found', `No run ${runId}`);
  const s = run.settings;
  const backend = await initBackend();
  updateRun(db, runId, { backend, status: 'running' });
  claimRun(db, runId);
  mkdirSync(run.folder, { recursive: true });
  const lastFile = join(run.folder, 'last.safetensors');
  const bestFile = join(run.folder, 'best.safetensors');
  // The item table comes from the run's stored settings (table-kinds.ts): LLMDiRec's fused table is
  // rebuilt here, in whichever thread runs the loop, from its own database connection.
  let trainer: Trainer;
  try {
    const tableFactory = controls.tableFactory ?? tableFactoryFor(db, run.dataset, s);
    // Replica workers rebuild a custom table from the same store; a table passed in by the caller has no source.
    const tableSource = controls.tableFactory ? undefined : { dbFile: db.name, dataset: run.dataset };
    trainer = new Trainer(sequencesFromStore(db, run.dataset), s, { tableFactory, tableSource });
  } catch (error) {
    updateRun(db, runId, { status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: new Date().toISOString() });
    throw error;
  }
  let stopping: EarlyStopping = { bad: 0 };
  let trainSeconds = run.trainSeconds;
  try {
    if (existsSync(lastFile)) {
      const { tensors, metadata } = readSafetensors(lastFile);
      trainer.restoreState(tensors);
      stopping = JSON.parse(metadata.earlyStopping ?? '{"bad":0}') as EarlyStopping;
      controls.log?.(`Resuming ${runId} at epoch ${trainer.epoch} from ${lastFile}`);
    }
    controls.log?.(`Training ${s.model} on ${run.dataset} with the ${backendDescription()} backend on ${trainer.workers} worker${trainer.workers > 1 ? 's' : ''}: ${trainer.samples.count} samples, ${trainer.stepsPerEpoch} steps per epoch`);
    /** Validates the current model as epoch `epoch`'s snapshot; keeps it as the best checkpoint if it improved (§10). */
    const validate = async (epoch: number): Promise<RankingMetrics> => {
      const valid = await trainer.evaluate('valid', controls.signal);
      controls.metrics?.('valid', epoch, { ...valid });
      if (improved(valid, stopping.best)) {
        stopping = { best: valid, bestEpoch: epoch, bad: 0 };
        writeSafetensors(bestFile, trainer.model.toArrays(), { runId, epoch: String(epoch) });
        recordCheckpoint(db, runId, 'best', epoch, bestFile);
      } else stopping.bad++;
      return valid;
    };
    const steps = trainer.stepsPerEpoch;
    const totalSteps = s.epochs * steps;
    let t0 = performance.now();
    let stepsTimed = 0;
    while (trainer.epoch < s.epochs && stopping.bad < s.patience) {
      const epoch = trainer.epoch;
      const summary = await trainer.runEpoch({
        signal: controls.signal,
        whilePaused: controls.whilePaused,
        onClustering: (c) => {
          controls.metrics?.('clustering', epoch, { seconds: c.seconds, objective: c.objective, clusters: c.sizes.filter((n) => n > 0).length });
          controls.log?.(`Epoch ${epoch + 1}: intents clustered in ${c.seconds.toFixed(1)} s`);
          t0 = performance.now();
          stepsTimed = 0;
        },
        onStep: (k, n, losses: StepLosses) => {
          stepsTimed++;
          const done = epoch * steps + k;
          const perStep = (performance.now() - t0) / 1000 / stepsTimed;
          controls.progress?.(done, totalSteps, `epoch ${epoch + 1}/${s.epochs}, step ${k}/${n}`, perStep * (totalSteps - done));
          controls.metrics?.('loss', done, losses);
          // Stops the epoch here (the error leaves runEpoch): the weights this step updated are not saved.
          const bad = nonFiniteLoss(losses);
          if (bad) throw new RunDiverged({ epoch, step: k, steps: n, what: `loss ${bad.component} became ${bad.value}` });
        },
      });
      // Finite losses can still leave non-finite weights (the last step's update): never save those.
      const broken = nonFiniteTensor(trainer.stateArrays());
      if (broken) throw new RunDiverged({ epoch, step: steps, steps, what: `tensor ${broken.name} has ${broken.count} non-finite values after the epoch's last step` });
      const diagnostics = epochDiagnostics(trainer); // learning dynamics of the epoch's model (issue #13)
      const valid = epoch % s.validateEvery === 0 || epoch === s.epochs - 1 ? await validate(epoch) : undefined;
      trainSeconds += summary.seconds;
      writeSafetensors(lastFile, trainer.stateArrays(), { runId, epoch: String(trainer.epoch), earlyStopping: JSON.stringify(stopping) });
      recordCheckpoint(db, runId, 'last', trainer.epoch, lastFile);
      recordEpoch(db, runId, {
        epoch,
        losses: summary.losses,
        valid,
        clusterSizes: summary.clustering?.sizes,
        seconds: summary.seconds,
        clusteringSeconds: summary.clustering?.seconds,
        sampleAssignments: summary.clustering?.sampleAssignments,
        sampleSeed: STABILITY_SAMPLE.seed,
        diagnostics,
      });
      updateRun(db, runId, { epochsDone: trainer.epoch, bestEpoch: stopping.bestEpoch, bestValid: stopping.best, trainSeconds });
      controls.metrics?.('epoch', epoch, { ...summary.losses, seconds: summary.seconds });
      controls.metrics?.('diagnostics', epoch, flattenDiagnostics(diagnostics));
      controls.log?.(epochLine(epoch, s.epochs, summary.losses, summary.seconds, valid));
      t0 = performance.now();
      stepsTimed = 0;
    }
    // The final epoch is always a validation snapshot. A run whose budget was lowered after it was
    // stopped (`resumeRun(…, epochs)`) can end on an epoch validated by nobody: validate it now,
    // from the last checkpoint, which holds exactly that epoch's model.
    const finalEpoch = trainer.epoch - 1;
    if (finalEpoch >= 0 && trainer.epoch >= s.epochs && !runEpochs(db, runId).find((e) => e.epoch === finalEpoch)?.valid) {
      setEpochValidation(db, runId, finalEpoch, await validate(finalEpoch));
      updateRun(db, runId, { bestEpoch: stopping.bestEpoch, bestValid: stopping.best });
    }
    // §10: test with the best checkpoint.
    if (existsSync(bestFile)) trainer.model.loadArrays(readSafetensors(bestFile).tensors, bestFile);
    const test = await trainer.evaluate('test', controls.signal);
    controls.metrics?.('test', trainer.epoch, { ...test });
    updateRun(db, runId, { status: 'succeeded', test, finishedAt: new Date().toISOString() });
    return { runId, backend, epochs: trainer.epoch, bestEpoch: stopping.bestEpoch, bestValid: stopping.best, test };
  } catch (error) {
    if (error instanceof RunDiverged) {
      // A final status like failed; resuming would diverge again from the same state and settings.
      const kept = existsSync(lastFile) ? `kept its last finite checkpoint: epoch ${trainer.epoch}` : 'no checkpoint was kept (it diverged in its first epoch)';
      const message = `Run ${runId} ${error.message}; training stopped and ${kept}. Train a new run with a lower learningRate (this one: ${s.learningRate}).`;
      updateRun(db, runId, { status: 'diverged', error: message, finishedAt: new Date().toISOString() });
      controls.log?.(message);
      throw new Error(message);
    }
    const cancelled = controls.signal?.aborted ?? false;
    updateRun(db, runId, {
      status: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? undefined : error instanceof Error ? error.message : String(error),
      finishedAt: new Date().toISOString(),
    });
    throw error;
  } finally {
    trainer.dispose();
  }
}
