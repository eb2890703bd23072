/**
 * Per-epoch diagnostics of a run's learning dynamics (issue #13 item 1): how large and how alike the
 * item table's rows are (and, for LLMDiRec's fused table, its ID view, adapted semantic view and gate;
 * the table provides those through `ItemTable.viewStatistics`), and how strongly each loss component
 * pulls on each parameter group. They are computed once at an epoch's end on a fixed diagnostic batch
 * (the same training samples every epoch, own random streams), not every step, and never touch the
 * training's random stream: a run trains the same with or without them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sampleInput } from './data';
import { intentContrastiveLoss, recommendationLoss } from './losses';
import { Rng } from './rng';
import type { TableViewStatistics } from './item-table';
import { stabilitySample, type Trainer } from './trainer';

export type { TableViewStatistics };

/** Parameter groups whose gradient norms are reported, by checkpoint name. */
export const PARAMETER_GROUPS = ['encoder', 'idTable', 'adapter', 'fusion', 'diffusion'] as const;
export type ParameterGroup = (typeof PARAMETER_GROUPS)[number];

/** Loss components whose gradients are taken one by one, each with its weight in the total loss. */
export const LOSS_COMPONENTS = ['rec', 'diff', 'cl', 'align'] as const;
export type LossComponent = (typeof LOSS_COMPONENTS)[number];

export function parameterGroup(name: string): ParameterGroup {
  if (name === 'seq_model.item_embeddings.weight') return 'idTable';
  if (name.startsWith('seq_model.semantic_adapter.')) return 'adapter';
  if (name.startsWith('seq_model.fusion.')) return 'fusion';
  if (name.startsWith('seq_model.')) return 'encoder';
  return 'diffusion';
}

export interface EpochDiagnostics {
  /** Rows and views of the item table after the epoch (rows with a semantic vector for LLMDiRec). */
  table: TableViewStatistics;
  /**
   * ‖∇(w_c·L_c)‖ per loss component c (as weighted in the total) and parameter group, plus `all`,
   * on the diagnostic batch; groups a component does not reach are 0.
   */
  gradients: Partial<Record<LossComponent, Record<ParameterGroup | 'all', number>>>;
  /** Training samples in the diagnostic batch. */
  batchSize: number;
}

/** The diagnostic batch: a fixed seeded sample of training prefixes, and the seed of its dropout/diffusion draws. */
export const DIAGNOSTIC_BATCH = { size: 256, seed: 20241213 } as const;
/** Rows of the table whose pairwise cosine is averaged (a fixed seeded sample). */
export const COSINE_SAMPLE = { size: 512, seed: 20241214 } as const;

/** Mean Euclidean norm of the rows of x ([n, d]). */
export function meanRowNorm(x: tf.Tensor2D): number {
  const v = tf.tidy(() => tf.mean(tf.sqrt(tf.sum(tf.square(x), 1))));
  const out = v.dataSync()[0]!;
  v.dispose();
  return out;
}

/**
 * Mean cosine similarity over all pairs i ≠ j of the rows of x: (‖Σx̂ᵢ‖² − n) / (n(n−1)) with x̂ the
 * unit rows, exact and O(n·d). 1 = every row points the same way; ≈ 0 for random directions.
 */
export function meanPairwiseCosine(x: tf.Tensor2D): number {
  const n = x.shape[0];
  if (n < 2) return 0;
  const v = tf.tidy(() => {
    const unit = tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12));
    return tf.sum(tf.square(tf.sum(unit, 0)));
  });
  const out = (v.dataSync()[0]! - n) / (n * (n - 1));
  v.dispose();
  return out;
}

/** Item rows 1…numItems, or a fixed seeded sample of `size` of them (sorted). */
export function itemSample(numItems: number, size: number = COSINE_SAMPLE.size, seed: number = COSINE_SAMPLE.seed): Int32Array {
  return Int32Array.from(stabilitySample(numItems, size, seed), (i) => i + 1);
}

/** Statistics of a plain table (no views): its rows are the "fused" rows. */
export function plainTableStatistics(weights: tf.Tensor2D, sample: Int32Array): TableViewStatistics {
  const [items, rows] = tf.tidy(() => [
    tf.slice(weights, [1, 0], [weights.shape[0] - 2, -1]) as tf.Tensor2D, // without padding and mask rows
    tf.gather(weights, tf.tensor1d(sample, 'int32')) as tf.Tensor2D,
  ]);
  try {
    return { fusedNorm: meanRowNorm(items!), fusedCosine: meanPairwiseCosine(rows!) };
  } finally {
    tf.dispose([items!, rows!]);
  }
}

/** Runs `work` on the model's current table (computed once, freed after). */
function withTable<T>(model: Trainer['model'], work: (weights: tf.Tensor2D) => T): T {
  const weights = model.itemTable();
  try {
    return work(weights);
  } finally {
    weights.dispose();
  }
}

/** Squared gradient norm per group (and `all`) of one component's gradients. */
function groupNorms(grads: Record<string, tf.Tensor>, names: Map<string, string>): Record<ParameterGroup | 'all', number> {
  const squares = Object.fromEntries([...PARAMETER_GROUPS, 'all'].map((g) => [g, 0])) as Record<ParameterGroup | 'all', number>;
  for (const [variable, g] of Object.entries(grads)) {
    const s = tf.tidy(() => tf.sum(tf.square(g)));
    const value = s.dataSync()[0]!;
    s.dispose();
    squares[parameterGroup(names.get(variable)!)] += value;
    squares.all += value;
  }
  return Object.fromEntries(Object.entries(squares).map(([g, v]) => [g, Math.sqrt(v)])) as Record<ParameterGroup | 'all', number>;
}

/**
 * The diagnostics of the trainer's current model. The diffusion's conditions are each row's own
 * intent (a member of a cluster the row's sample was last assigned to, the paper's own-intent
 * conditioning), whatever the run's `conditioning`: the diagnostic measures the terms' pull, and a
 * batch drawn from one cluster would make it depend on which cluster sample 0 fell in.
 */
export function epochDiagnostics(trainer: Trainer): EpochDiagnostics {
  const { model, settings: s, data, samples } = trainer;
  const ids = stabilitySample(samples.count, Math.min(DIAGNOSTIC_BATCH.size, s.batchSize), DIAGNOSTIC_BATCH.seed);
  const input = (i: number) => sampleInput(data, samples, i, s.maxSeqLength);
  const inputs = Array.from(ids, input);
  const targets = Int32Array.from(ids, (i) => samples.target[i]!);
  const sample = itemSample(data.numItems);
  const table = model.table.viewStatistics?.(sample) ?? withTable(model, (w) => plainTableStatistics(w, sample));

  const vars = model.variables();
  const names = new Map([...vars].map(([name, v]) => [v.name, name]));
  const groups = s.trimPadding ? s.lengthGroups : 1;
  const sequenceInput = model.sequenceInput();
  const encode = (rows: readonly Int32Array[], weights: tf.Tensor2D, rng: Rng) => model.encoder.encodeSequences(weights, rows, { training: true, rng }, groups, sequenceInput);
  const terms: Partial<Record<LossComponent, () => tf.Scalar>> = {
    rec: () => tf.mul(recommendationLoss(encode(inputs, model.table.weights(), new Rng(DIAGNOSTIC_BATCH.seed)), model.table.weights(), targets), s.recWeight) as tf.Scalar,
  };
  const diffusion = model.diffusion;
  let view: tf.Tensor2D | undefined;
  if (diffusion) {
    const condInputs = Array.from(conditionSamples(trainer, ids), input);
    const drawRng = new Rng(DIAGNOSTIC_BATCH.seed + 1);
    const viewDraws = diffusion.drawSample(drawRng);
    const lossDraws = diffusion.drawLoss(ids.length, drawRng);
    view = tf.tidy(() => diffusion.sample(encode(condInputs, model.table.weights(), new Rng(DIAGNOSTIC_BATCH.seed + 2)), viewDraws));
    const generated = view;
    terms.diff = () => {
      const weights = model.table.weights();
      const x0 = tf.gather(weights, tf.tensor1d(targets, 'int32')) as tf.Tensor2D;
      return tf.mul(diffusion.loss(x0, encode(condInputs, weights, new Rng(DIAGNOSTIC_BATCH.seed + 2)), lossDraws), s.diffWeight) as tf.Scalar;
    };
    terms.cl = () => {
      const h = encode(inputs, model.table.weights(), new Rng(DIAGNOSTIC_BATCH.seed));
      return tf.mul(intentContrastiveLoss(generated, h, targets, s.temperature, s.similarity), s.clWeight) as tf.Scalar;
    };
  }
  const batchItems = Int32Array.from(new Set([...targets, ...inputs.flatMap((x) => Array.from(x))].filter((i) => i > 0)));
  if (model.table.auxiliaryLoss) {
    terms.align = () => {
      const aux = model.table.auxiliaryLoss!(tf.tensor1d(batchItems, 'int32'));
      return aux ? aux.value : tf.scalar(0);
    };
  }
  const gradients: EpochDiagnostics['gradients'] = {};
  try {
    for (const [component, term] of Object.entries(terms) as [LossComponent, () => tf.Scalar][]) {
      // A term that reaches no variable (align with weight 0) has no gradient: all norms 0.
      const { value, grads } = tf.tidy(() => {
        try {
          return tf.variableGrads(term, [...vars.values()]);
        } catch {
          return { value: tf.scalar(0), grads: {} as Record<string, tf.Tensor> };
        }
      });
      gradients[component] = groupNorms(grads, names);
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    view?.dispose();
  }
  return { table, gradients, batchSize: ids.length };
}

/** Each diagnostic row's condition: a member (drawn by a fixed stream) of the last cluster its sample joined; itself before any clustering. */
function conditionSamples(trainer: Trainer, ids: Int32Array): Int32Array {
  const members = trainer.intentMembers;
  const wanted = new Map<number, number>();
  ids.forEach((id) => wanted.set(id, -1));
  members.forEach((list, c) => {
    for (const i of list) if (wanted.has(i)) wanted.set(i, c);
  });
  const rng = new Rng(DIAGNOSTIC_BATCH.seed + 3);
  return Int32Array.from(ids, (id) => {
    const c = wanted.get(id)!;
    return c < 0 ? id : members[c]![rng.int(members[c]!.length)]!;
  });
}

/** The diagnostics as flat named numbers (`grad.rec.encoder`, `table.fusedCosine`): for live metric events and tables. */
export function flattenDiagnostics(d: EpochDiagnostics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(d.table)) if (typeof v === 'number') out[`table.${k}`] = v;
  for (const [c, byGroup] of Object.entries(d.gradients)) for (const [g, v] of Object.entries(byGroup)) out[`grad.${c}.${g}`] = v;
  return out;
}
