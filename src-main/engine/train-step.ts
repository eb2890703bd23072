/**
 * One optimisation step (docs/model.md §9 order) as a computation that any number of workers can
 * share exactly. The coordinator draws everything random except dropout once per batch
 * (`StepPlan`), so the step's value and gradient do not depend on the worker count; each worker
 * computes the loss terms of its rows (`shardGradients`) and the gradients are summed.
 *
 * Terms that couple the batch keep their one-worker value and gradient:
 * - batch means (rec, diffusion) are partial sums: a worker's mean over its rows × rows/B;
 * - InfoNCE's in-batch negatives need every row's h: each worker publishes its rows, builds the
 *   whole [B, D] matrix with the other rows as constants and evaluates the whole loss, so its
 *   gradient is the loss's partial derivative for its own rows, and the sum over workers is the
 *   full gradient (the loss's value is counted once);
 * - the generated views are no-gradient constants, gathered before the loss;
 * - the item table's auxiliary term (LLMDiRec's alignment over the batch's items) is computed once.
 */
import * as tf from '@tensorflow/tfjs-core';
import { padBatch } from './data';
import type { LossDraws, SampleDraws } from './diffusion';
import { intentContrastiveLoss, recommendationLoss } from './losses';
import type { RecommenderModel } from './model';
import { Rng } from './rng';
import type { TrainingSettings } from './settings';

/** What the coordinator decides for one batch; every worker receives the same plan. */
export interface StepPlan {
  /** Training-sample ids of the batch (B). */
  ids: Int32Array;
  /** InDiRec: the sample ids of the intent-conditioned sequences, one per batch row. */
  condIds?: Int32Array;
  /** InDiRec: the seeds of the generated view's sampling pass and the draws of the diffusion loss. */
  view?: SampleDraws;
  noise?: LossDraws;
  /** Worker k's dropout stream is `Rng.stream(dropoutSeed, k)`. */
  dropoutSeed: number;
  /** Workers that compute this step (≤ B): ranks 0 … shards − 1. */
  shards: number;
  /** The optimiser step this batch makes (1-based; its bias corrections). */
  optimizerStep: number;
}

/** A training sample's encoder input and target, by sample id. */
export interface SampleSource {
  input(sample: number): Int32Array;
  target(sample: number): number;
}

/** How workers see each other's rows within a step; absent for one worker. */
export interface RowExchange {
  /** Publishes this worker's `rows` ([rows, D] values) of a [B, D] matrix and returns the whole matrix once every worker has. */
  gather(kind: 'view' | 'h', rows: Int32Array, values: Float32Array, batchRows: number): Float32Array;
}

export interface ShardResult {
  /** Gradient per checkpoint name (the worker's share; sum the shares). */
  grads: Map<string, tf.Tensor>;
  /** rec / diff: this worker's share of the batch mean; cl and the table's term: the whole value (rank 0 only). */
  parts: Record<string, number>;
}

/**
 * Worker k's rows of a batch: rows sorted by input length and dealt round-robin, so every worker
 * gets the same mix of lengths (the step waits for the slowest); each list in batch order.
 */
export function shardRows(lengths: ArrayLike<number>, shards: number): Int32Array[] {
  const order = Array.from({ length: lengths.length }, (_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const out = Array.from({ length: shards }, () => [] as number[]);
  order.forEach((row, k) => out[k % shards]!.push(row));
  return out.map((rows) => Int32Array.from(rows.sort((a, b) => a - b)));
}

/** Items of the batch (inputs ∪ targets, without padding): the alignment term's rows (docs/model.md §18). */
function batchItems(inputs: readonly Int32Array[], targets: Int32Array): Int32Array {
  const set = new Set<number>(targets);
  for (const seq of inputs) for (const id of seq) if (id > 0) set.add(id);
  return Int32Array.from(set);
}

/** The [B, D] matrix with this worker's rows live (gradient flows to `own`) and the others constant. */
function withOtherRows(own: tf.Tensor2D, rows: Int32Array, all: Float32Array, batchRows: number): tf.Tensor2D {
  const d = own.shape[1];
  const mine = new Set(rows);
  const others = Int32Array.from({ length: batchRows }, (_, i) => i).filter((i) => !mine.has(i));
  const constant = new Float32Array(others.length * d);
  others.forEach((row, k) => constant.set(all.subarray(row * d, row * d + d), k * d));
  const position = new Int32Array(batchRows);
  rows.forEach((row, k) => (position[row] = k));
  others.forEach((row, k) => (position[row] = rows.length + k));
  const stacked = tf.concat([own, tf.tensor2d(constant, [others.length, d])], 0);
  return tf.gather(stacked, tf.tensor1d(position, 'int32')) as tf.Tensor2D;
}

/** Worker `rank`'s share of the step's gradient. With `shards` > 1, `exchange` connects the workers. */
export function shardGradients(model: RecommenderModel, s: TrainingSettings, samples: SampleSource, plan: StepPlan, rank: number, exchange?: RowExchange): ShardResult {
  const B = plan.ids.length;
  const all = plan.shards === 1;
  if (!all && !exchange) throw new Error('A step shared by several workers needs their exchange');
  const allInputs = Array.from(plan.ids, (i) => samples.input(i));
  const rows = all ? Int32Array.from({ length: B }, (_, i) => i) : shardRows(allInputs.map((x) => Math.min(x.length, s.maxSeqLength)), plan.shards)[rank]!;
  const selected = all ? undefined : rows;
  const inputs = Array.from(rows, (r) => allInputs[r]!);
  const allTargets = Int32Array.from(plan.ids, (i) => samples.target(i));
  const targets = Int32Array.from(rows, (r) => allTargets[r]!);
  const share = rows.length / B;
  const rng = Rng.stream(plan.dropoutSeed, rank);
  const groups = s.trimPadding ? s.lengthGroups : 1;
  const sequenceInput = model.sequenceInput();
  const diffusion = plan.condIds ? model.diffusion : undefined;
  const condInputs = plan.condIds ? Array.from(rows, (r) => samples.input(plan.condIds![r]!)) : [];

  // An expensive table (LLMDiRec's) is computed once, for the generated view and the loss.
  const stepTable = diffusion ? model.table.stepWeights?.() : undefined;
  try {
    let view: tf.Tensor2D | undefined;
    if (diffusion) {
      // Generated view (§7 sampling): a train-mode encoding of the condition, no gradient.
      const own = tf.tidy(() => diffusion.sample(model.encoder.encodeSequences(stepTable?.value ?? model.table.weights(), condInputs, { training: true, rng }, groups, sequenceInput), plan.view!, selected, B));
      if (all) view = own;
      else {
        const values = exchange!.gather('view', rows, own.dataSync() as Float32Array, B);
        own.dispose();
        view = tf.tensor2d(values.slice(), [B, s.hiddenSize]);
      }
    }
    const parts: Record<string, tf.Scalar> = {};
    const keep = (name: string, t: tf.Scalar) => (parts[name] = tf.keep(tf.clone(t)));
    const { value, grads } = tf.variableGrads(() => {
      const table = stepTable ? stepTable.taped() : model.table.weights();
      const h = model.encoder.encodeSequences(table, inputs, { training: true, rng }, groups, sequenceInput);
      const rec = tf.mul(recommendationLoss(h, table, targets), share) as tf.Scalar;
      keep('rec', rec);
      let total: tf.Tensor = tf.mul(rec, s.recWeight);
      if (diffusion) {
        const x0 = tf.gather(table, tf.tensor1d(targets, 'int32')) as tf.Tensor2D;
        const cond = model.encoder.encodeSequences(table, condInputs, { training: true, rng }, groups, sequenceInput);
        const diff = tf.mul(diffusion.loss(x0, cond, plan.noise!, selected), share) as tf.Scalar;
        const hAll = all ? h : withOtherRows(h, rows, exchange!.gather('h', rows, h.dataSync() as Float32Array, B), B);
        const cl = intentContrastiveLoss(view!, hAll, allTargets, s.temperature, s.similarity);
        keep('diff', diff);
        if (rank === 0) keep('cl', cl);
        total = tf.add(total, tf.add(tf.mul(diff, s.diffWeight), tf.mul(cl, s.clWeight)));
      }
      // A replaceable item table may add its own (already weighted) term over the batch's items.
      const aux = rank === 0 ? model.table.auxiliaryLoss?.(tf.tensor1d(batchItems(allInputs, allTargets), 'int32')) : undefined;
      if (aux) {
        keep(aux.name, aux.value);
        total = tf.add(total, aux.value);
      }
      return total as tf.Scalar;
    }, [...model.variables().values()]);
    const byName = new Map<string, tf.Tensor>();
    for (const [name, v] of model.variables()) if (grads[v.name]) byName.set(name, grads[v.name]!);
    const values: Record<string, number> = {};
    for (const [name, t] of Object.entries(parts)) values[name] = t.dataSync()[0]!;
    tf.dispose([value, ...Object.values(parts)]);
    if (view) view.dispose();
    return { grads: byName, parts: values };
  } finally {
    stepTable?.dispose();
  }
}

/**
 * The clustering pass's encodings (§5, eval mode) of training samples 0 … count−1, written to
 * `out` at sample id × D. Samples are encoded shortest first in chunks of 1,024 (each chunk trimmed
 * to its own width); worker `rank` of `workers` takes every workers-th chunk. Eval mode has no
 * randomness, so the encodings do not depend on the split.
 */
export function encodeSampleChunks(model: RecommenderModel, s: TrainingSettings, samples: SampleSource, count: number, rank: number, workers: number, out: Float32Array): void {
  const d = s.hiddenSize;
  const L = s.maxSeqLength;
  const length = Int32Array.from({ length: count }, (_, i) => Math.min(samples.input(i).length, L));
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => length[a]! - length[b]!);
  const chunk = 1024;
  const table = model.itemTable();
  try {
    for (let start = rank * chunk; start < count; start += workers * chunk) {
      const ids = order.slice(start, start + chunk);
      const h = model.encode(padBatch(ids.map((i) => samples.input(i)), L, s.trimPadding), { training: false }, table);
      const values = h.dataSync() as Float32Array;
      h.dispose();
      ids.forEach((i, r) => out.set(values.subarray(r * d, r * d + d), i * d));
    }
  } finally {
    table.dispose();
  }
}
