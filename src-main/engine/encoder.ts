/**
 * SASRec sequence encoder exactly as in docs/model.md §3 (S3-Rec/ICLRec lineage): post-LN blocks,
 * TF-style LayerNorm (eps 1e-12, biased variance), erf GELU, additive −10000 mask, learned absolute
 * positions over the left-padded window, read-out at the last position.
 *
 * Speed (exact, no approximation): callers pass trimmed batches (`padBatch`) whose kept columns are
 * positions L-width..L-1; and because only the last position of the last layer is ever read, the last
 * layer computes attention and its feed-forward for the last query only. On wasm the sequences are
 * packed instead (`encodePacked`): token rows back to back, no padding at all, one pass per encoding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { batchMatMul, dense } from './kernels';
import { gelu, layerNorm } from './fused-ops';
import { packedAttention, packedAttentionHere, queryLayout } from './packed-attention';
import { dropout, dropoutKeep } from './dropout';
import { attention, fusedAttentionHere } from './fused-attention';
import { ParameterSet } from './parameters';
import { padBatch, type PaddedBatch } from './data';
import type { Rng } from './rng';

export interface EncoderSettings {
  hiddenSize: number;
  layers: number;
  heads: number;
  maxSeqLength: number;
  attentionDropout: number;
  hiddenDropout: number;
  initializerRange: number;
  /** Benchmark switch: `false` runs the last layer for every position (the plain implementation). */
  lastQueryOnly?: boolean;
}

export interface EncodeOptions {
  /** Dropout on (train mode). Requires `rng`. */
  training: boolean;
  rng?: Rng;
}

export class SasrecEncoder {
  /**
   * Representations of variable-length sequences ([n, D], input order). Rows are encoded in
   * length groups, each trimmed to its own width, and put back in order: the same function as one
   * padded batch (rows never interact in the encoder), with far fewer padded columns.
   */
  encodeSequences(
    table: tf.Tensor2D,
    inputs: readonly Int32Array[],
    options: EncodeOptions,
    maxGroups = 8,
    sequenceInput?: (ids: tf.Tensor2D) => tf.Tensor3D,
  ): tf.Tensor2D {
    const L = this.settings.maxSeqLength;
    if (this.packedHere(inputs, sequenceInput)) return this.encodePacked(table, inputs, options);
    const groups = lengthGroups(inputs.map((s) => Math.min(s.length, L)), maxGroups);
    if (groups.length === 1) return this.encode(table, padBatch(inputs, L), options, sequenceInput);
    return tf.tidy(() => {
      const parts = groups.map((g) => this.encode(table, padBatch(g.map((i) => inputs[i]!), L), options, sequenceInput));
      const position = new Int32Array(inputs.length);
      groups.flat().forEach((row, k) => (position[row] = k));
      return tf.gather(tf.concat(parts, 0), tf.tensor1d(position, 'int32')) as tf.Tensor2D;
    });
  }

  readonly parameters = new ParameterSet();

  /** Whether these sequences can be encoded packed: the wasm kernel is there, no per-position input hook, no empty row. */
  private packedHere(inputs: readonly Int32Array[], sequenceInput: unknown): boolean {
    const { hiddenSize: d, heads } = this.settings;
    return !sequenceInput && packedAttentionHere(d / heads) && inputs.every((s) => s.length > 0);
  }

  /**
   * h = enc(s)[:, -1] for each sequence ([n, D], input order) with the rows packed: sequence r's last
   * n_r ≤ L items are token rows segments[r] … at positions L − n_r … L − 1 (the left-padded
   * window's), every dense layer runs over the T = Σ n_r tokens once, and attention sees each
   * sequence's own keys (packed-attention.ts). The same function as the padded encoder.
   */
  encodePacked(table: tf.Tensor2D, inputs: readonly Int32Array[], options: EncodeOptions): tf.Tensor2D {
    const { heads, layers, maxSeqLength: L } = this.settings;
    const B = inputs.length;
    const segments = new Array<number>(B + 1);
    segments[0] = 0;
    for (let r = 0; r < B; r++) segments[r + 1] = segments[r]! + Math.min(inputs[r]!.length, L);
    const T = segments[B]!;
    const ids = new Int32Array(T);
    const positions = new Int32Array(T);
    const lastToken = new Int32Array(B);
    for (let r = 0; r < B; r++) {
      const s = inputs[r]!;
      const n = segments[r + 1]! - segments[r]!;
      ids.set(s.subarray(s.length - n), segments[r]!);
      for (let j = 0; j < n; j++) positions[segments[r]! + j] = L - n + j;
      lastToken[r] = segments[r + 1]! - 1;
    }
    const allQueries = queryLayout(segments, false, heads);
    const lastQueries = queryLayout(segments, true, heads);
    const lastOnly = this.settings.lastQueryOnly !== false;
    return tf.tidy(() => {
      const last = tf.tensor1d(lastToken, 'int32');
      const embedded = tf.add(tf.gather(table, tf.tensor1d(ids, 'int32')), tf.gather(this.w('position_embeddings.weight'), tf.tensor1d(positions, 'int32')));
      let x: tf.Tensor = layerNorm(embedded, this.w('LayerNorm.weight'), this.w('LayerNorm.bias'));
      x = this.dropout(x, this.settings.hiddenDropout, options);
      for (let l = 0; l < layers; l++) {
        const pre = `item_encoder.layer.${l}`;
        const lin = (t: tf.Tensor, n: string) => dense(t, this.w(`${pre}.${n}.weight`) as tf.Tensor2D, this.w(`${pre}.${n}.bias`) as tf.Tensor1D) as tf.Tensor2D;
        const onlyLast = l === layers - 1 && lastOnly;
        const layout = onlyLast ? lastQueries : allQueries;
        const residual = onlyLast ? tf.gather(x, last) : x;
        const keep = options.training && this.settings.attentionDropout > 0 ? dropoutKeep([layout.total], this.settings.attentionDropout, this.seed(options)) : undefined;
        const context = packedAttention({ q: lin(residual, 'attention.query'), k: lin(x, 'attention.key'), v: lin(x, 'attention.value'), layout, heads, keep });
        let h = this.dropout(lin(context, 'attention.dense'), this.settings.hiddenDropout, options);
        x = layerNorm(tf.add(h, residual), this.w(`${pre}.attention.LayerNorm.weight`), this.w(`${pre}.attention.LayerNorm.bias`));
        h = lin(gelu(lin(x, 'intermediate.dense_1')), 'intermediate.dense_2');
        h = this.dropout(h, this.settings.hiddenDropout, options);
        x = layerNorm(tf.add(h, x), this.w(`${pre}.intermediate.LayerNorm.weight`), this.w(`${pre}.intermediate.LayerNorm.bias`));
      }
      return (lastOnly && layers > 0 ? x : tf.gather(x, last)) as tf.Tensor2D; // the last layer already read the last tokens
    });
  }

  constructor(
    readonly settings: EncoderSettings,
    rng: Rng,
  ) {
    const { hiddenSize: d, layers, maxSeqLength, initializerRange: std } = settings;
    const p = this.parameters;
    p.add('position_embeddings.weight', tf.randomNormal([maxSeqLength, d], 0, std, 'float32', rng.seed()));
    p.addLayerNorm('LayerNorm', d);
    for (let l = 0; l < layers; l++) {
      const pre = `item_encoder.layer.${l}`;
      for (const n of ['query', 'key', 'value', 'dense']) p.addLinear(`${pre}.attention.${n}`, d, d, { std }, rng);
      p.addLayerNorm(`${pre}.attention.LayerNorm`, d);
      p.addLinear(`${pre}.intermediate.dense_1`, d, 4 * d, { std }, rng);
      p.addLinear(`${pre}.intermediate.dense_2`, 4 * d, d, { std }, rng);
      p.addLayerNorm(`${pre}.intermediate.LayerNorm`, d);
    }
  }

  private w(name: string): tf.Tensor {
    return this.parameters.get(name);
  }

  private dropout(x: tf.Tensor, rate: number, options: EncodeOptions): tf.Tensor {
    if (!options.training || rate <= 0) return x;
    return dropout(x, rate, this.seed(options));
  }

  private seed(options: EncodeOptions): number {
    if (!options.rng) throw new Error('Training-mode encoding needs a random source');
    return options.rng.seed();
  }

  /**
   * Sequence representations h = enc(ids)[:, -1] ([rows, D]) for a padded batch, using `table`
   * (the V×D item table, docs/model.md §3 step 1) for the input embeddings.
   */
  encode(table: tf.Tensor2D, batch: PaddedBatch, options: EncodeOptions, sequenceInput?: (ids: tf.Tensor2D) => tf.Tensor3D): tf.Tensor2D {
    const { hiddenSize: d, heads, layers, maxSeqLength: L } = this.settings;
    const { rows: b, width: w } = batch;
    if (w > L || w < 1) throw new Error(`Batch width ${w} outside 1..${L}`);
    if (!sequenceInput && packedAttentionHere(d / heads)) {
      const inputs = unpad(batch);
      if (inputs) return this.encodePacked(table, inputs, options);
    }
    const dh = d / heads;
    const scale = 1 / Math.sqrt(dh);
    return tf.tidy(() => {
      const ids = tf.tensor2d(batch.ids, [b, w], 'int32');
      const flatIds = tf.reshape(ids, [b * w]);
      const positions = tf.slice(this.w('position_embeddings.weight'), [L - w, 0], [w, d]);
      const embedded = sequenceInput ? sequenceInput(ids) : tf.reshape(tf.gather(table, flatIds), [b, w, d]);
      let x: tf.Tensor = tf.add(embedded, positions);
      x = layerNorm(x, this.w('LayerNorm.weight'), this.w('LayerNorm.bias'));
      x = this.dropout(x, this.settings.hiddenDropout, options);

      const keyOk = tf.cast(tf.greater(ids, 0), 'float32'); // [b, w]
      const fused = fusedAttentionHere(dh);
      // Additive mask (§3 step 2): (1 − key_ok·causal)·(−10000); the fused kernel applies it itself.
      const causal = fused ? undefined : tf.linalg.bandPart(tf.ones([w, w]), -1, 0); // lower triangle incl. diagonal
      const fullMask = fused ? undefined : tf.mul(tf.sub(1, tf.mul(tf.reshape(keyOk, [b, 1, 1, w]), causal!)), -10000); // [b,1,w,w]
      const lastMask = fused ? undefined : tf.mul(tf.sub(1, tf.reshape(keyOk, [b, 1, w])), -10000); // [b,1,w]; causal is all-ones for the last query
      // tf.dropout's multiplier from the same seed, for the fused kernel: the same masks as the composite.
      const keep = (queries: number) =>
        options.training && this.settings.attentionDropout > 0 ? dropoutKeep([b, heads, queries, w], this.settings.attentionDropout, this.seed(options)) : undefined;

      const split = (t: tf.Tensor, perm: number[]) => tf.transpose(tf.reshape(t, [b, w, heads, dh]), perm);
      for (let l = 0; l < layers; l++) {
        const pre = `item_encoder.layer.${l}`;
        const lin = (t: tf.Tensor, n: string) => dense(t, this.w(`${pre}.${n}.weight`) as tf.Tensor2D, this.w(`${pre}.${n}.bias`) as tf.Tensor1D);
        const last = l === layers - 1 && this.settings.lastQueryOnly !== false;
        const k = lin(x, 'attention.key');
        let context: tf.Tensor;
        let residual: tf.Tensor;
        if (fused) {
          const v = lin(x, 'attention.value') as tf.Tensor3D;
          residual = last ? tf.reshape(tf.slice(x, [0, w - 1, 0], [b, 1, d]), [b, d]) : x;
          const q = tf.reshape(lin(residual, 'attention.query'), [b, last ? 1 : w, d]) as tf.Tensor3D;
          context = attention({ q, k: k as tf.Tensor3D, v, keyOk: keyOk as tf.Tensor2D, heads, keep: keep(last ? 1 : w) });
          if (last) context = tf.reshape(context, [b, d]);
        } else if (!last) {
          const v = split(lin(x, 'attention.value'), [0, 2, 1, 3]); // [b,h,w,dh]
          const q = split(lin(x, 'attention.query'), [0, 2, 1, 3]); // [b,h,w,dh]
          const kT = split(k, [0, 2, 3, 1]); // [b,h,dh,w]
          let probs = tf.softmax(tf.add(tf.mul(batchMatMul(q, kT), scale), fullMask!));
          probs = this.dropout(probs, this.settings.attentionDropout, options);
          context = tf.reshape(tf.transpose(batchMatMul(probs, v), [0, 2, 1, 3]), [b, w, d]);
          residual = x;
        } else {
          // Only the last query is read (§3 step 4): scores as a broadcast product, no w×w matrix.
          const v = split(lin(x, 'attention.value'), [0, 2, 1, 3]); // [b,h,w,dh]
          residual = tf.reshape(tf.slice(x, [0, w - 1, 0], [b, 1, d]), [b, d]);
          const q = tf.reshape(lin(residual, 'attention.query'), [b, heads, 1, dh]);
          const kh = split(k, [0, 2, 1, 3]); // [b,h,w,dh]
          let probs = tf.softmax(tf.add(tf.mul(tf.sum(tf.mul(q, kh), -1), scale), lastMask!)); // [b,h,w]
          probs = this.dropout(probs, this.settings.attentionDropout, options);
          context = tf.reshape(tf.sum(tf.mul(tf.expandDims(probs, -1), v), 2), [b, d]);
        }
        let h = this.dropout(lin(context, 'attention.dense'), this.settings.hiddenDropout, options);
        x = layerNorm(tf.add(h, residual), this.w(`${pre}.attention.LayerNorm.weight`), this.w(`${pre}.attention.LayerNorm.bias`));
        h = lin(gelu(lin(x, 'intermediate.dense_1')), 'intermediate.dense_2');
        h = this.dropout(h, this.settings.hiddenDropout, options);
        x = layerNorm(tf.add(h, x), this.w(`${pre}.intermediate.LayerNorm.weight`), this.w(`${pre}.intermediate.LayerNorm.bias`));
      }
      if (x.rank === 3) x = tf.reshape(tf.slice(x, [0, w - 1, 0], [b, 1, d]), [b, d]); // full last layer: read position L-1
      return x as tf.Tensor2D; // [b, d]
    });
  }
}

/** A left-padded batch's rows without their padding, or undefined where a row holds no item. */
function unpad(batch: PaddedBatch): Int32Array[] | undefined {
  const { ids, rows, width } = batch;
  const out: Int32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const row = ids.subarray(r * width, (r + 1) * width);
    let start = 0;
    while (start < width && row[start] === 0) start++;
    if (start === width) return undefined;
    out.push(row.subarray(start));
  }
  return out;
}

/**
 * Splits a batch's sequences into at most `maxGroups` groups of similar length (a DP over the
 * sorted lengths minimising Σ rows·width·(1 + width/32) + a per-group overhead), so each group is
 * trimmed to its own width. Returns groups of original row indices.
 */
export function lengthGroups(lengths: readonly number[], maxGroups: number, overhead = 2048): number[][] {
  const order = Array.from(lengths.keys()).sort((a, b) => lengths[a]! - lengths[b]!);
  const n = order.length;
  if (maxGroups <= 1 || n <= 1) return [order];
  const w = order.map((i) => Math.max(1, lengths[i]!));
  const cost = (from: number, to: number) => (to - from) * w[to - 1]! * (1 + w[to - 1]! / 32) + overhead; // rows [from, to)
  // best[g][j]: minimal cost of the first j sorted rows in g groups.
  const best = Array.from({ length: maxGroups + 1 }, () => new Float64Array(n + 1).fill(Infinity));
  const cut = Array.from({ length: maxGroups + 1 }, () => new Int32Array(n + 1));
  best[0]![0] = 0;
  for (let g = 1; g <= maxGroups; g++) {
    for (let j = 1; j <= n; j++) {
      for (let i = g - 1; i < j; i++) {
        // Only cut where the width changes: equal widths gain nothing from a split.
        if (i > 0 && w[i - 1] === w[i]) continue;
        const c = best[g - 1]![i]! + cost(i, j);
        if (c < best[g]![j]!) {
          best[g]![j] = c;
          cut[g]![j] = i;
        }
      }
    }
  }
  let g = 1;
  for (let k = 2; k <= maxGroups; k++) if (best[k]![n]! < best[g]![n]!) g = k;
  const groups: number[][] = [];
  for (let j = n; g > 0; g--) {
    const i = cut[g]![j]!;
    groups.unshift(order.slice(i, j));
    j = i;
  }
  return groups;
}
