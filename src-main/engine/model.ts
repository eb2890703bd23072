/**
 * A recommender = item table + SASRec encoder (+ diffusion for InDiRec), with reference-named
 * parameters (`seq_model.` prefix for the encoder and the ID table, docs/model.md §15).
 */
import * as tf from '@tensorflow/tfjs-core';
import { tableRows, type PaddedBatch } from './data';
import { Diffusion } from './diffusion';
import { nonFiniteTensor } from './divergence';
import { SasrecEncoder, type EncodeOptions } from './encoder';
import type { Ranker } from './evaluate';
import { IdItemTable, type ItemTable } from './item-table';
import type { ParameterSet } from './parameters';
import { Rng } from './rng';
import { readSafetensors, type NamedArray } from './safetensors';
import { defaultSettings, usesIntents, type TrainingSettings } from './settings';

export type ItemTableFactory = (rows: number, dim: number, rng: Rng) => ItemTable;

export class RecommenderModel implements Ranker {
  readonly table: ItemTable;
  readonly encoder: SasrecEncoder;
  readonly diffusion?: Diffusion;

  constructor(
    readonly numItems: number,
    readonly settings: TrainingSettings,
    rng: Rng,
    tableFactory?: ItemTableFactory,
  ) {
    const rows = tableRows(numItems);
    this.table = tableFactory ? tableFactory(rows, settings.hiddenSize, rng) : new IdItemTable(rows, settings.hiddenSize, rng, settings.initializerRange);
    this.encoder = new SasrecEncoder(settings, rng);
    if (usesIntents(settings)) this.diffusion = new Diffusion(settings, rng);
  }

  /** Sequence representations h = enc(batch)[:, -1] ([rows, D]). */
  encode(batch: PaddedBatch, options: EncodeOptions, table?: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.encoder.encode(table ?? this.table.weights(), batch, options, this.sequenceInput()));
  }

  /** The table's per-position input hook, if it has one (LLMDiRec cross-attention). */
  sequenceInput(): ((ids: tf.Tensor2D) => tf.Tensor3D) | undefined {
    const table = this.table;
    return table.sequenceInput ? (ids) => table.sequenceInput!(ids) : undefined;
  }

  represent(batch: PaddedBatch): tf.Tensor2D {
    return this.encode(batch, { training: false });
  }

  itemTable(): tf.Tensor2D {
    return tf.tidy(() => tf.clone(this.table.weights())); // the caller owns (and disposes) the result
  }

  /** Parameter groups with their checkpoint prefixes. */
  groups(): { prefix: string; set: ParameterSet }[] {
    const g = [
      { prefix: 'seq_model.', set: this.table.parameters },
      { prefix: 'seq_model.', set: this.encoder.parameters },
    ];
    if (this.diffusion) g.push({ prefix: '', set: this.diffusion.parameters });
    return g;
  }

  /** Every trainable variable under its checkpoint name. */
  variables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const { prefix, set } of this.groups()) for (const [n, v] of set.vars) out.set(prefix + n, v);
    return out;
  }

  toArrays(): Map<string, NamedArray> {
    const out = new Map<string, NamedArray>();
    for (const { prefix, set } of this.groups()) for (const [n, a] of set.toArrays(prefix)) out.set(n, a);
    return out;
  }

  loadArrays(arrays: Map<string, NamedArray>, source = 'checkpoint'): void {
    for (const { prefix, set } of this.groups()) set.load(arrays, prefix, source);
  }

  dispose(): void {
    for (const { set } of this.groups()) set.dispose();
    this.table.dispose?.();
  }
}

/**
 * Refuses weights with NaN or infinite values (a diverged model, issue #12): evaluating them would
 * report metrics of a broken model. Names the first such tensor, so the user knows what is wrong.
 */
export function assertFiniteWeights(tensors: Map<string, NamedArray>, file: string): void {
  const bad = nonFiniteTensor(tensors);
  if (bad) throw new Error(`checkpoint ${file}: tensor ${bad.name} has ${bad.count} non-finite values (the model diverged; train it again with a lower learning rate)`);
}

/**
 * Loads a reference-format safetensors checkpoint (e.g. `indirec-Beauty.safetensors`) for a dataset
 * with `numItems` items. Shapes (D, L, layers) are read from the file; `heads` is not recorded in
 * the file and comes from `settings` (reference default 2). Diffusion tensors, if present, are
 * loaded when `settings.model` is 'indirec'.
 */
export function loadReferenceCheckpoint(file: string, numItems: number, settings: Partial<TrainingSettings> = {}): RecommenderModel {
  const { tensors } = readSafetensors(file);
  assertFiniteWeights(tensors, file);
  const table = tensors.get('seq_model.item_embeddings.weight');
  const positions = tensors.get('seq_model.position_embeddings.weight');
  if (!table || !positions) throw new Error(`${file}: not a reference checkpoint (seq_model.item_embeddings / position_embeddings missing)`);
  if (table.shape[0] !== tableRows(numItems)) {
    throw new Error(`${file}: item table has ${table.shape[0]} rows, the dataset needs ${tableRows(numItems)} (${numItems} items + 2)`);
  }
  let layers = 0;
  while (tensors.has(`seq_model.item_encoder.layer.${layers}.attention.query.weight`)) layers++;
  const hasDiffusion = tensors.has('diffuser.0.weight');
  const resolved: TrainingSettings = {
    ...defaultSettings,
    model: hasDiffusion ? 'indirec' : 'sasrec',
    ...settings,
    hiddenSize: table.shape[1]!,
    maxSeqLength: positions.shape[0]!,
    layers,
  };
  const model = new RecommenderModel(numItems, resolved, new Rng(0));
  model.loadArrays(tensors, file);
  return model;
}
