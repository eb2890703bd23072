/**
 * How the fused table's frozen semantic rows are prepared and its adapter initialised — the settings
 * issue #13's diagnostics test (docs/experiments.md §5). The paper states neither: it says the
 * semantic view is frozen and the adapter "lightweight, preserving semantic structure" (§3.1).
 *
 * - `semanticInput: 'centered'`: subtract the mean semantic vector of the items with text and rescale
 *   so the mean row norm stays 1. Sentence encoders' unit vectors share a large common direction
 *   (their mean pairwise cosine is far above 0); any linear adapter maps it to one vector added to
 *   every item. AlphaFuse centres the language embeddings before its SVD for the same reason.
 * - `adapterBias: 'zero'`: the adapter's biases start at 0 instead of nn.Linear's U(±1/√in), which
 *   over unit-norm inputs are as large as the weights' item-specific output (one shared vector again).
 * - `adapterBias: 'none'`: the adapter has no biases. Trained biases grow back the shared vector: the
 *   full-softmax loss does not change when one vector is added to every item's row, so nothing holds
 *   them back, and Adam's normalised steps make them large (docs/experiments.md §7: a shared vector of
 *   norm 12 against the ID rows' 1.15 after 24 Beauty epochs). With centred rows and no bias, the adapted view's mean over the items
 *   with text is exactly 0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ParameterSet } from './parameters';

export type SemanticInput = 'raw' | 'centered';
export type AdapterBias = 'pytorch-default' | 'zero' | 'none';

/**
 * The rows with text (`hasText[r]`) of a row-major [rows, dims] table centred on their mean and
 * rescaled to mean norm 1 (in place); rows without text stay 0. No-op with fewer than two such rows.
 */
export function centerSemanticRows(table: Float32Array, hasText: Uint8Array, dims: number): void {
  const rows = hasText.length;
  const mean = new Float64Array(dims);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    if (!hasText[r]) continue;
    n++;
    for (let d = 0; d < dims; d++) mean[d]! += table[r * dims + d]!;
  }
  if (n < 2) return;
  for (let d = 0; d < dims; d++) mean[d]! /= n;
  let normSum = 0;
  for (let r = 0; r < rows; r++) {
    if (!hasText[r]) continue;
    let sq = 0;
    for (let d = 0; d < dims; d++) {
      const v = table[r * dims + d]! - mean[d]!;
      table[r * dims + d] = v;
      sq += v * v;
    }
    normSum += Math.sqrt(sq);
  }
  const scale = normSum > 0 ? n / normSum : 1;
  for (let r = 0; r < rows; r++) if (hasText[r]) for (let d = 0; d < dims; d++) table[r * dims + d]! *= scale;
}

/** Sets the biases of the adapter's `layers` linear layers to 0 (the weights keep their init). */
export function zeroAdapterBiases(parameters: ParameterSet, layers: number): void {
  for (let l = 0; l < layers; l++) {
    const bias = parameters.get(`semantic_adapter.${l}.bias`);
    tf.tidy(() => bias.assign(tf.zerosLike(bias)));
  }
}
