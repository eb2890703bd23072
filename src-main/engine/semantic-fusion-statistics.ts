/**
 * The fused table's per-epoch view statistics (engine/diagnostics.ts, issue #13): over the items that
 * have a semantic vector, the mean row norm of the ID view e_id, the adapted semantic view A(s) and the
 * fused row e; their mean pairwise cosine on a fixed sample of items (1 = all rows alike, the failure
 * the diagnostics look for); the gated fusion's gate (mean and spread over items and dimensions); and
 * the alignment 1 − cos(e_id, A(s)) averaged over all of them (what L_align is over a batch's items).
 */
import * as tf from '@tensorflow/tfjs-core';
import { meanPairwiseCosine, meanRowNorm } from './diagnostics';
import type { TableViewStatistics } from './item-table';

/** The table's views over all its rows ([V, D] each; the gate only for gated fusion). Caller disposes. */
export interface FusedViews {
  id: tf.Tensor2D;
  adapted: tf.Tensor2D;
  fused: tf.Tensor2D;
  gate?: tf.Tensor2D;
  /** Row indices that have a semantic vector. */
  withText: Int32Array;
}

export function fusedViewStatistics(views: FusedViews, sample: Int32Array): TableViewStatistics {
  const inSample = new Set(views.withText);
  const sampled = Int32Array.from(sample.filter((r) => inSample.has(r)));
  const rows = sampled.length >= 2 ? sampled : views.withText.subarray(0, Math.min(views.withText.length, sample.length));
  const parts = tf.tidy(() => {
    const text = tf.tensor1d(views.withText, 'int32');
    const few = tf.tensor1d(rows, 'int32');
    const pick = (x: tf.Tensor2D, at: tf.Tensor1D) => tf.gather(x, at) as tf.Tensor2D;
    const id = pick(views.id, text);
    const a = pick(views.adapted, text);
    const norm = (x: tf.Tensor2D) => tf.sqrt(tf.add(tf.sum(tf.square(x), 1), 1e-12));
    const align = tf.mean(tf.sub(1, tf.div(tf.sum(tf.mul(id, a), 1), tf.mul(norm(id), norm(a)))));
    const gate = views.gate ? pick(views.gate, text) : undefined;
    const moments = gate ? tf.moments(gate) : undefined;
    return {
      id, a, fused: pick(views.fused, text), align,
      idFew: pick(views.id, few), aFew: pick(views.adapted, few), fusedFew: pick(views.fused, few),
      gateMean: moments?.mean, gateVariance: moments?.variance,
    };
  });
  try {
    const scalar = (t: tf.Tensor | undefined) => (t ? t.dataSync()[0]! : undefined);
    const variance = scalar(parts.gateVariance);
    const out: TableViewStatistics = {
      fusedNorm: meanRowNorm(parts.fused),
      fusedCosine: meanPairwiseCosine(parts.fusedFew),
      idNorm: meanRowNorm(parts.id),
      idCosine: meanPairwiseCosine(parts.idFew),
      semanticNorm: meanRowNorm(parts.a),
      semanticCosine: meanPairwiseCosine(parts.aFew),
      alignLoss: scalar(parts.align),
    };
    if (parts.gateMean) Object.assign(out, { gateMean: scalar(parts.gateMean), gateSpread: Math.sqrt(Math.max(0, variance!)) });
    return out;
  } finally {
    tf.dispose(Object.values(parts).filter((t): t is tf.Tensor => t !== undefined));
  }
}
