/**
 * What the analytics need from a trained run, read from its stored checkpoint: sequence
 * representations (intents, maps, neighbours) and full-ranking top-K lists with the rank of every
 * test answer (recommendations, Table-3 groups, beyond accuracy). Computed on demand and kept in a
 * small in-memory cache keyed by the checkpoint file and its modification time, so a page that asks
 * again (another user, another map) does not re-score the run.
 */
import { existsSync, statSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { ApiError } from '../core/errors';
import { initBackend } from '../engine/backend';
import { padBatch } from '../engine/data';
import { matMul } from '../engine/kernels';
import { RecommenderModel } from '../engine/model';
import { Rng } from '../engine/rng';
import { getRun, runCheckpoints, type RunRecord } from '../engine/run-store';
import { readSafetensors } from '../engine/safetensors';
import { tableFactoryFor } from '../engine/table-kinds';
import type { Db } from '../store/db';
import { loadSequences, trainingPopularity } from '../store/datasets';
import { matrix, type Matrix } from './matrix';
import type { RunRecommendations } from './recommendations';

export interface RunCheckpointRef {
  run: RunRecord;
  kind: 'best' | 'last';
  epoch: number;
  file: string;
}

/** The run's best checkpoint, else its last; a clear error when it has none yet. */
export function runCheckpoint(db: Db, runId: string): RunCheckpointRef {
  const run = getRun(db, runId);
  if (!run) throw new ApiError('not_found', `No run ${runId}`);
  const checkpoints = runCheckpoints(db, runId);
  const c = checkpoints.find((x) => x.kind === 'best') ?? checkpoints.find((x) => x.kind === 'last');
  if (!c || !existsSync(c.file)) throw new ApiError('not_found', `Run ${runId} has no checkpoint yet: train it for at least one epoch first`);
  return { run, kind: c.kind, epoch: c.epoch, file: c.file };
}

export interface RunOutputs {
  ref: RunCheckpointRef;
  numItems: number;
  /** Every user's sequence, item ids 1..N; row u = user u+1. */
  sequences: Int32Array[];
  /** Training popularity of every item (index = item id): what head/tail and badges use. */
  popularity: Int32Array;
  /** Representation of each user's training history (sequence without its valid and test items). */
  representations: Matrix;
  /** Full-ranking test outputs (input = sequence without its last item). */
  recommendations: RunRecommendations;
}

const cache = new Map<string, Promise<RunOutputs>>();
const CACHE_SIZE = 4;
export const LIST_LENGTH = 20;

export interface OutputsControl {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
  /** Computes the outputs elsewhere (run-outputs-runner.ts: in a worker thread); cached the same way. */
  compute?: (ref: RunCheckpointRef) => Promise<RunOutputs>;
}

/** Cached outputs of a run's checkpoint; computes them (with progress) the first time. */
export function runOutputs(db: Db, runId: string, control: OutputsControl = {}): Promise<RunOutputs> {
  const ref = runCheckpoint(db, runId);
  const key = `${ref.file}\u0000${statSync(ref.file).mtimeMs}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = control.compute ? control.compute(ref) : computeOutputs(db, ref, control);
    cache.set(key, hit);
    hit.catch(() => cache.delete(key));
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  } else control.onProgress?.(1, 1, 'Using the outputs computed earlier for this checkpoint');
  return hit;
}

async function computeOutputs(db: Db, ref: RunCheckpointRef, control: OutputsControl): Promise<RunOutputs> {
  await initBackend();
  const { numItems, sequences } = loadSequences(db, ref.run.dataset);
  const settings = ref.run.settings;
  // LLMDiRec runs: the fused table is rebuilt from the run's embedding set, its trained parameters come from the checkpoint.
  const model = new RecommenderModel(numItems, settings, new Rng(0), tableFactoryFor(db, ref.run.dataset, settings));
  try {
    model.loadArrays(readSafetensors(ref.file).tensors, ref.file);
    const L = settings.maxSeqLength;
    const batchSize = settings.evalBatchSize;
    const users = sequences.length;
    const D = settings.hiddenSize;
    const representations = matrix(users, D);
    const rows = numItems + 2;
    const listLength = Math.min(LIST_LENGTH, numItems);
    const topItems = new Int32Array(users * listLength);
    const topScores = new Float32Array(users * listLength);
    const targets = new Int32Array(users);
    const ranks = new Int32Array(users).fill(-1);
    const historyLengths = new Int32Array(users);
    const tableT = tf.tidy(() => tf.transpose(model.itemTable())) as tf.Tensor2D;
    const total = 2 * Math.ceil(users / batchSize);
    let done = 0;
    try {
      for (let start = 0; start < users; start += batchSize) {
        if (control.signal?.aborted) throw Object.assign(new Error('Cancelled'), { name: 'AbortError' });
        const end = Math.min(users, start + batchSize);
        // Training history = sequence without its validation and test items (leave-one-out, docs/model.md §1).
        const inputs = sequences.slice(start, end).map((s) => s.subarray(0, Math.max(1, s.length - 2)));
        const h = tf.tidy(() => model.represent(padBatch(inputs, L)));
        representations.data.set((await h.data()) as Float32Array, start * D);
        h.dispose();
        control.onProgress?.(++done, total, 'Sequence representations');
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (let start = 0; start < users; start += batchSize) {
        if (control.signal?.aborted) throw Object.assign(new Error('Cancelled'), { name: 'AbortError' });
        const end = Math.min(users, start + batchSize);
        const inputs = sequences.slice(start, end).map((s) => s.subarray(0, Math.max(1, s.length - 1)));
        const scoresT = tf.tidy(() => matMul(model.represent(padBatch(inputs, L)), tableT));
        const scores = (await scoresT.data()) as Float32Array;
        scoresT.dispose();
        inputs.forEach((input, r) => {
          const u = start + r;
          const seq = sequences[u]!;
          if (seq.length < 2) return;
          rankOne(scores.subarray(r * rows, (r + 1) * rows), input, seq[seq.length - 1]!, numItems, listLength, u, { topItems, topScores, targets, ranks });
          historyLengths[u] = input.length;
        });
        control.onProgress?.(++done, total, 'Full ranking of every item for every user');
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      tableT.dispose();
    }
    return { ref, numItems, sequences, popularity: trainingPopularity({ name: ref.run.dataset, numItems, sequences }), representations, recommendations: { runId: ref.run.id, listLength, topItems, topScores, targets, ranks, historyLengths } };
  } finally {
    model.dispose();
  }
}

/**
 * One user's ranking, as the evaluator defines it (engine/evaluate.ts, docs/model.md §10): history
 * items, padding row 0 and the mask row N+1 are not recommended; history items score 0 in the
 * reference, so an answer that is also in the history competes with score 0 (and is listed with it),
 * and history items count above an answer that scores below 0; its rank counts items scoring
 * strictly higher. Non-finite scores rank worst (issue #12): a non-finite answer is last, and
 * non-finite items sort below every finite one (listed with score −∞).
 */
export function rankOne(
  scores: Float32Array,
  history: ArrayLike<number>,
  answer: number,
  numItems: number,
  listLength: number,
  u: number,
  out: { topItems: Int32Array; topScores: Float32Array; targets: Int32Array; ranks: Int32Array },
): void {
  const excluded = new Set<number>(Array.from(history));
  const repeated = excluded.delete(answer);
  const rawAnswer = repeated ? 0 : scores[answer]!;
  const answerFinite = Number.isFinite(rawAnswer);
  const answerScore = answerFinite ? rawAnswer : -Infinity;
  let higher = answerFinite ? 0 : numItems - 1;
  if (answerFinite && answerScore < 0) for (const item of excluded) if (item >= 1 && item <= numItems) higher++;
  // Keep the top `listLength` in a small sorted buffer (lists are short; N can be large).
  const bestItems: number[] = [];
  const bestScores: number[] = [];
  for (let item = 1; item <= numItems; item++) {
    if (excluded.has(item)) continue;
    const raw = item === answer ? answerScore : scores[item]!;
    const s = Number.isFinite(raw) ? raw : -Infinity;
    if (answerFinite && item !== answer && s > answerScore) higher++;
    if (bestItems.length < listLength || s > bestScores[bestScores.length - 1]!) {
      let at = bestScores.length;
      while (at > 0 && bestScores[at - 1]! < s) at--;
      bestItems.splice(at, 0, item);
      bestScores.splice(at, 0, s);
      if (bestItems.length > listLength) {
        bestItems.pop();
        bestScores.pop();
      }
    }
  }
  out.targets[u] = answer;
  out.ranks[u] = higher;
  out.topItems.set(bestItems, u * listLength);
  out.topScores.set(bestScores, u * listLength);
}
