/**
 * The item-embedding table as a replaceable module (docs/model.md §16). InDiRec uses one trainable
 * ID table `E` for three things: encoder input, output scoring (h·Eᵀ) and the diffusion target x0
 * (docs/model.md §3, §7). Every one of those reads `weights()`, so LLMDiRec's fused dual-view table
 * (ID view ⊕ adapted frozen semantic view) plugs in by implementing this interface.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ParameterSet } from './parameters';
import type { Rng } from './rng';

export interface ItemTable {
  /** V = numItems + 2 rows (padding 0, items, mask row). */
  readonly rows: number;
  readonly dim: number;
  /** The V×D table, computed from the trainable parameters; call inside a tidy/gradient scope. */
  weights(): tf.Tensor2D;
  /** Trainable parameters (named; the optimiser and checkpoints use these names). */
  readonly parameters: ParameterSet;
  /**
   * Optional: the table of one training step, computed once outside the gradient tape, for tables
   * that are expensive to compute (LLMDiRec's fused table over every item). The step reads `value`
   * for its no-gradient uses (the generated view) and `taped()` inside the gradient scope.
   */
  stepWeights?(): StepItemTable;
  /** Optional extra loss term (e.g. LLMDiRec's alignment loss) added to the total, with its name. */
  auxiliaryLoss?(items: tf.Tensor1D): { name: string; value: tf.Scalar } | undefined;
  /** Optional per-position encoder input ([b, w] ids → [b, w, D]) replacing the row gather (LLMDiRec cross-attention fusion). */
  sequenceInput?(ids: tf.Tensor2D): tf.Tensor3D;
  /** Frees tensors the table owns besides its parameters (e.g. a frozen semantic view). */
  dispose?(): void;
  /** Sizes and likeness of the table's rows and views for the per-epoch diagnostics (diagnostics.ts); `sample` = item rows for the cosine. */
  viewStatistics?(sample: Int32Array): TableViewStatistics;
}

/** One step's table (`ItemTable.stepWeights`); dispose it after the step's gradient. */
export interface StepItemTable {
  /** The V×D table (no gradient). */
  readonly value: tf.Tensor2D;
  /** The same table on the gradient tape, with its gradient to the parameters, not computed again. */
  taped(): tf.Tensor2D;
  dispose(): void;
}

/**
 * What the per-epoch diagnostics record about an item table: mean row norms and mean pairwise
 * cosine of the (fused) rows; a dual-view table adds its ID view, adapted semantic view, gate and
 * alignment (1 − cos(e_id, A(s)) averaged over its items with text).
 */
export interface TableViewStatistics {
  fusedNorm: number;
  fusedCosine: number;
  idNorm?: number;
  idCosine?: number;
  semanticNorm?: number;
  semanticCosine?: number;
  gateMean?: number;
  /** Standard deviation of the gate over items and dimensions. */
  gateSpread?: number;
  alignLoss?: number;
}

/** InDiRec's plain ID table `item_embeddings.weight` ~ N(0, 0.02) (incl. row 0, §3). */
export class IdItemTable implements ItemTable {
  readonly parameters = new ParameterSet();

  constructor(
    readonly rows: number,
    readonly dim: number,
    rng: Rng,
    initializerRange = 0.02,
  ) {
    this.parameters.add('item_embeddings.weight', tf.randomNormal([rows, dim], 0, initializerRange, 'float32', rng.seed()));
  }

  weights(): tf.Tensor2D {
    return this.parameters.get('item_embeddings.weight') as unknown as tf.Tensor2D;
  }
}
