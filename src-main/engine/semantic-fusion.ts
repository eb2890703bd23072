/**
 * LLMDiRec's dual-view item table (paper §3.1, docs/model.md §16): a trainable ID view E_id, a
 * frozen semantic view S (any d_s), a trainable adapter A: R^{d_s} → R^D and a fusion F. It
 * implements the engine's `ItemTable`, so the fused table replaces E everywhere InDiRec reads it:
 * encoder input, full-softmax scoring and the diffusion target x0.
 *
 * Defined behaviour for rows without a semantic vector (padding row 0, the mask row V−1, items
 * without text): the fused row is the ID row, e = e_id, and such rows are left out of L_align.
 * (Row 0 stays InDiRec's row 0; the encoder masks it as a key.)
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ItemTable, StepItemTable, TableViewStatistics } from './item-table';
import { dense, matMul } from './kernels';
import type { ItemTableFactory } from './model';
import { ParameterSet } from './parameters';
import type { Rng } from './rng';
import type { SemanticTable } from '../semantic/embedding-store';
import { centerSemanticRows, zeroAdapterBiases, type AdapterBias, type SemanticInput } from './semantic-fusion-init';
import { fusedViewStatistics } from './semantic-fusion-statistics';

export type FusionKind = 'gated' | 'weighted' | 'concat' | 'crossattn';

export interface SemanticFusionSettings {
  /** §3.1: gated is the paper's model; the others are Table 4's variants. */
  fusion: FusionKind;
  /**
   * Hidden sizes of the adapter; default [d_s/2] = LLM-ESR's Linear(d_s→d_s/2)→Linear(d_s/2→D).
   * [] makes it one Linear(d_s→D).
   */
  adapterHidden?: number[];
  /** LLM-ESR uses no non-linearity between the two layers. */
  adapterActivation: 'none' | 'gelu';
  /**
   * λ_align of §3.3. The paper gives no value; 0.1 keeps the term an order below L_rec at init
   * (1 − cos ≈ 1) and is meant to be tuned.
   */
  alignWeight: number;
  /** Std of the ID table's N(0, σ) init (InDiRec: 0.02). */
  initializerRange: number;
  /**
   * Init of the adapter and fusion layers. 'pytorch-default' = nn.Linear's U(±1/√in), what LLM-ESR's
   * adapter gets; 'normal' = N(0, initializerRange) like InDiRec's own layers. With 'normal' the
   * adapted vectors start ~1e-3 in size and cross-attention scores ~1e-6: attention stays uniform
   * and its query/key barely learn (measured: 1e-8 change of W_q in two epochs of the test data).
   */
  layerInit: 'pytorch-default' | 'normal';
  /**
   * The frozen rows as given ('raw') or centred on their mean (semantic-fusion-init.ts). The table
   * fuses what it is given unless told; a new run is told 'centered' (settings.ts llmdirecDefaults).
   */
  semanticInput: SemanticInput;
  /** The adapter's biases: nn.Linear's U(±1/√in) ('pytorch-default') or 0 (semantic-fusion-init.ts). */
  adapterBias: AdapterBias;
}

export const defaultFusionSettings: SemanticFusionSettings = {
  fusion: 'gated',
  adapterActivation: 'none',
  alignWeight: 0.1,
  initializerRange: 0.02,
  layerInit: 'pytorch-default',
  semanticInput: 'raw',
  adapterBias: 'pytorch-default',
};

/**
 * Benchmark switch: `false` computes the gated table with tfjs's own ops and tape, as every other
 * variant does (twice per training step: once for the generated view, once on the tape).
 */
export const gatedTableOptions = { writtenGradient: true };

/**
 * The gated table's forward over every row and the intermediates its gradient reads
 * (`gatedForward`); a type, not an interface, because tf.tidy returns only index-signature objects.
 */
type GatedForward = {
  a: tf.Tensor2D;
  g: tf.Tensor2D;
  keep: tf.Tensor2D;
  diff: tf.Tensor2D;
  value: tf.Tensor2D;
};

export class FusedItemTable implements ItemTable {
  readonly parameters = new ParameterSet();
  /** Frozen S with a zero mask row appended: [V, d_s]. Not a parameter: never trained or checkpointed. */
  private readonly semantic: tf.Tensor2D;
  /** Sᵀ, kept once: the adapter's weight gradient over the whole table is Sᵀ·dy (see `frozenProduct`). */
  private readonly semanticT: tf.Tensor2D;
  /** 1 where a row has a semantic vector: [V, 1]. */
  private readonly hasText: tf.Tensor2D;
  private readonly hasTextRows: Uint8Array;
  private readonly adapterLayers: number;
  readonly settings: SemanticFusionSettings;
  /** Present only for cross-attention: the engine's encoder then takes its input from here. */
  readonly sequenceInput?: (ids: tf.Tensor2D) => tf.Tensor3D;

  constructor(
    readonly rows: number,
    readonly dim: number,
    semantic: SemanticTable,
    rng: Rng,
    settings: Partial<SemanticFusionSettings> = {},
  ) {
    this.settings = { ...defaultFusionSettings, ...settings };
    const { dims: ds } = semantic;
    const numItems = semantic.table.length / ds - 1;
    if (rows !== numItems + 2) throw new Error(`Semantic table has ${numItems} items; the item table needs ${rows - 2}`);
    const std = this.settings.initializerRange;
    const padded = new Float32Array(rows * ds);
    padded.set(semantic.table);
    this.hasTextRows = new Uint8Array(rows);
    this.hasTextRows.set(semantic.hasText);
    this.hasTextRows[0] = 0;
    if (this.settings.semanticInput === 'centered') centerSemanticRows(padded, this.hasTextRows, ds);
    this.semantic = tf.tensor2d(padded, [rows, ds]);
    this.semanticT = tf.transpose(this.semantic);
    this.hasText = tf.tensor2d(Float32Array.from(this.hasTextRows), [rows, 1]);

    const p = this.parameters;
    p.add('item_embeddings.weight', tf.randomNormal([rows, dim], 0, std, 'float32', rng.seed()));
    const init = this.settings.layerInit === 'normal' ? { std } : 'pytorch-default';
    const sizes = [ds, ...(this.settings.adapterHidden ?? [Math.max(1, Math.floor(ds / 2))]), dim];
    this.adapterLayers = sizes.length - 1;
    for (let l = 0; l < this.adapterLayers; l++) p.addLinear(`semantic_adapter.${l}`, sizes[l]!, sizes[l + 1]!, init, rng, this.settings.adapterBias !== 'none');
    if (this.settings.adapterBias === 'zero') zeroAdapterBiases(p, this.adapterLayers);
    switch (this.settings.fusion) {
      case 'gated':
        p.addLinear('fusion.gate', 2 * dim, dim, init, rng);
        break;
      case 'weighted':
        // α = σ(θ), θ = 0 → both views weigh ½ at the start.
        p.add('fusion.alpha_logit', tf.zeros([1]));
        break;
      case 'concat':
        p.addLinear('fusion.project', 2 * dim, dim, init, rng);
        break;
      case 'crossattn':
        for (const n of ['query', 'key', 'value', 'output']) p.addLinear(`fusion.${n}`, dim, dim, init, rng);
        this.sequenceInput = (ids) => this.crossAttentionInput(ids);
        break;
    }
  }

  private linear(x: tf.Tensor, name: string): tf.Tensor {
    return dense(x, this.parameters.get(`${name}.weight`) as tf.Tensor2D, this.parameters.vars.get(`${name}.bias`) as tf.Tensor1D | undefined);
  }

  /**
   * S·W over the whole frozen table with its gradient for W only, Sᵀ·dy as an untransposed product
   * with the kept Sᵀ: no gradient for S (12k × d_s, never used) and no per-step transpose of S.
   */
  private readonly frozenProduct = tf.customGrad(((w: tf.Tensor2D, save: tf.GradSaveFunc) => {
    save([]);
    return { value: matMul(this.semantic, w), gradFunc: (dy: tf.Tensor2D) => [matMul(this.semanticT, dy)] };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (w: tf.Tensor2D) => tf.Tensor2D;

  /**
   * The adapter without a non-linearity is one affine map, x·(W₁⋯Wₙ) + c with c the chained biases:
   * the same function and gradients as layer by layer, with d_s·D instead of d_s·(d_s/2) multiply-adds
   * per row (4.5× fewer for the default 512 → 256 → 64).
   */
  private affineAdapter(): { weight: tf.Tensor2D; bias: tf.Tensor1D } {
    let weight = this.parameters.get('semantic_adapter.0.weight') as tf.Tensor2D;
    let bias = this.adapterBias(0);
    for (let l = 1; l < this.adapterLayers; l++) {
      const w = this.parameters.get(`semantic_adapter.${l}.weight`) as tf.Tensor2D;
      weight = matMul(weight, w);
      bias = bias ? (tf.reshape(dense(tf.reshape(bias, [1, -1]), w, this.adapterBias(l)), [-1]) as tf.Tensor1D) : this.adapterBias(l);
    }
    return { weight, bias: bias ?? tf.zeros([this.dim]) };
  }

  /** Layer l's bias; none with `adapterBias: 'none'`. */
  private adapterBias(l: number): tf.Tensor1D | undefined {
    return this.parameters.vars.get(`semantic_adapter.${l}.bias`) as tf.Tensor1D | undefined;
  }

  /** A(s) for the given semantic rows ([n, d_s] → [n, D]). */
  adapt(s: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => this.adapter((w) => matMul(s, w)));
  }

  /** A(S) for every row of the table (the frozen rows as prepared: centred with `semanticInput: 'centered'`). */
  adaptTable(): tf.Tensor2D {
    return tf.tidy(() => this.adapter((w) => this.frozenProduct(w)));
  }

  /** The adapter, given how its input multiplies a weight matrix (x·W): one affine map without activation, else layer by layer with GELU between. */
  private adapter(times: (w: tf.Tensor2D) => tf.Tensor2D): tf.Tensor2D {
    if (this.settings.adapterActivation === 'none') {
      const { weight, bias } = this.affineAdapter();
      return tf.add(times(weight), bias);
    }
    const first = this.adapterBias(0);
    let x: tf.Tensor = times(this.parameters.get('semantic_adapter.0.weight') as tf.Tensor2D);
    if (first) x = tf.add(x, first);
    for (let l = 1; l < this.adapterLayers; l++) {
      x = this.linear(tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))), `semantic_adapter.${l}`);
    }
    return x as tf.Tensor2D;
  }

  /** F(e_id, a) row-wise, before the no-text rows fall back to e_id. */
  private fuse(id: tf.Tensor2D, a: tf.Tensor2D): tf.Tensor2D {
    switch (this.settings.fusion) {
      case 'gated': {
        // g = σ(W_g[e_id; A(s)] + b_g), e = g⊙e_id + (1−g)⊙A(s)
        const g = tf.sigmoid(this.linear(tf.concat([id, a], 1), 'fusion.gate'));
        return tf.add(tf.mul(g, id), tf.mul(tf.sub(1, g), a)) as tf.Tensor2D;
      }
      case 'weighted': {
        const alpha = tf.sigmoid(this.parameters.get('fusion.alpha_logit'));
        return tf.add(tf.mul(alpha, id), tf.mul(tf.sub(1, alpha), a)) as tf.Tensor2D;
      }
      case 'concat':
        return this.linear(tf.concat([id, a], 1), 'fusion.project') as tf.Tensor2D;
      case 'crossattn':
        // An item attending over its own semantic view alone: softmax over one key is 1, so the
        // table row is e_id + W_o·W_v·A(s); `sequenceInput` gives the per-position form.
        return tf.add(id, this.linear(this.linear(a, 'fusion.value'), 'fusion.output')) as tf.Tensor2D;
    }
  }

  /** The paper's table (gated fusion, adapter without activation) has the fast path below. */
  private get gatedAffine(): boolean {
    return this.settings.fusion === 'gated' && this.settings.adapterActivation === 'none' && gatedTableOptions.writtenGradient;
  }

  /**
   * The gated table's forward from the adapter's affine map (weight, bias) and the gate's
   * parameters, with what its gradient needs (see `gatedGradient`):
   * out = e_id + keep⊙diff, keep = hasText⊙(1−g), diff = A(s) − e_id, g = σ([e_id; A(s)]·W_g + b_g).
   */
  private gatedForward(id: tf.Tensor2D, weight: tf.Tensor2D, bias: tf.Tensor1D, gateWeight: tf.Tensor2D, gateBias: tf.Tensor1D): GatedForward {
    return tf.tidy(() => {
      const a = tf.add(matMul(this.semantic, weight), bias) as tf.Tensor2D;
      const g = tf.sigmoid(dense(tf.concat([id, a], 1), gateWeight, gateBias)) as tf.Tensor2D;
      const keep = tf.mul(this.hasText, tf.sub(1, g)) as tf.Tensor2D;
      const diff = tf.sub(a, id) as tf.Tensor2D;
      return { a, g, keep, diff, value: tf.add(id, tf.mul(keep, diff)) as tf.Tensor2D };
    });
  }

  /**
   * The gated table's gradient written out ([d e_id, d weight, d bias, d W_g, d b_g]); tfjs's tape
   * over the same ops cost 3× the forward on Beauty's 12k rows. With u = keep⊙dy:
   * d A = u + dZ·W_g,bottomᵀ, d e_id = dy − u + dZ·W_g,topᵀ, dZ = −dy⊙diff⊙keep⊙g (= dg·g(1−g)
   * with dg = −hasText⊙dy⊙diff), d W_g = [e_id; A]ᵀ·dZ, and the adapter's d weight = Sᵀ·d A.
   */
  private gatedGradient(f: Omit<GatedForward, 'value'>, dy: tf.Tensor2D, id: tf.Tensor2D, gateWeight: tf.Tensor2D): tf.Tensor[] {
    const D = this.dim;
    const u = tf.mul(f.keep, dy);
    const dz = tf.neg(tf.mul(tf.mul(dy, f.diff), tf.mul(f.keep, f.g))) as tf.Tensor2D;
    const top = tf.slice(gateWeight, [0, 0], [D, D]) as tf.Tensor2D;
    const bottom = tf.slice(gateWeight, [D, 0], [D, D]) as tf.Tensor2D;
    const dA = tf.add(u, matMul(dz, bottom, false, true)) as tf.Tensor2D;
    const dId = tf.add(tf.sub(dy, u), matMul(dz, top, false, true));
    const dGate = tf.concat([matMul(id, dz, true, false), matMul(f.a, dz, true, false)], 0);
    return [dId, matMul(this.semanticT, dA), tf.sum(dA, 0), dGate, tf.sum(dz, 0)];
  }

  /** What the gated table is computed from: e_id, the adapter's affine map (weight, bias), W_g, b_g. */
  private gatedInputs(): [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D] {
    const { weight, bias } = this.affineAdapter();
    const p = (name: string) => this.parameters.get(name) as unknown as tf.Tensor;
    return [p('item_embeddings.weight') as tf.Tensor2D, weight, bias, p('fusion.gate.weight') as tf.Tensor2D, p('fusion.gate.bias') as tf.Tensor1D];
  }

  /** The gated table as one tape node; with `precomputed` (a step's forward) it is not computed again. */
  private gatedTable(precomputed?: GatedForward): tf.Tensor2D {
    return tf.tidy(() => {
      const node = tf.customGrad(((id: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, gw: tf.Tensor2D, gb: tf.Tensor1D, save: tf.GradSaveFunc) => {
        if (precomputed) {
          save([]);
          return { value: tf.clone(precomputed.value), gradFunc: (dy: tf.Tensor2D) => this.gatedGradient(precomputed, dy, id, gw) };
        }
        const f = this.gatedForward(id, w, b, gw, gb);
        save([f.a, f.g, f.keep, f.diff]);
        return { value: f.value, gradFunc: (dy: tf.Tensor2D, [a, g, keep, diff]: tf.Tensor[]) => this.gatedGradient({ a, g, keep, diff } as Omit<GatedForward, 'value'>, dy, id, gw) };
      }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...x: tf.Tensor[]) => tf.Tensor2D;
      return node(...this.gatedInputs());
    });
  }

  /** One training step's table (ItemTable.stepWeights): the gated table's forward once for the view and the loss. */
  stepWeights(): StepItemTable {
    if (!this.gatedAffine) {
      const value = this.weights();
      return { value, taped: () => this.weights(), dispose: () => value.dispose() };
    }
    const forward = tf.tidy(() => this.gatedForward(...this.gatedInputs()));
    return { value: forward.value, taped: () => this.gatedTable(forward), dispose: () => tf.dispose(Object.values(forward)) };
  }

  weights(): tf.Tensor2D {
    if (this.gatedAffine) return this.gatedTable();
    return tf.tidy(() => {
      const id = this.parameters.get('item_embeddings.weight') as unknown as tf.Tensor2D;
      const fused = this.fuse(id, this.adaptTable());
      return tf.add(id, tf.mul(this.hasText, tf.sub(fused, id))) as tf.Tensor2D;
    });
  }

  /**
   * Cross-attention input embeddings for a left-padded batch ([b, w] ids → [b, w, D]): at each
   * position the ID view queries the adapted semantic views of the positions up to it (causal,
   * padding and no-text items masked), with a residual: x_t = e_id(t) + W_o Σ_j α_tj W_v A(s_j).
   * Only for `fusion: 'crossattn'` (exposed to the engine as `sequenceInput`); the other variants'
   * encoder input is the gathered rows of `weights()`.
   */
  crossAttentionInput(ids: tf.Tensor2D): tf.Tensor3D {
    if (this.settings.fusion !== 'crossattn') throw new Error('crossAttentionInput is the cross-attention variant only');
    return tf.tidy(() => {
      const [b, w] = ids.shape;
      const d = this.dim;
      const flat = tf.reshape(ids, [b * w]);
      const id = tf.reshape(tf.gather(this.parameters.get('item_embeddings.weight'), flat), [b, w, d]);
      const a = tf.reshape(this.adapt(tf.gather(this.semantic, flat) as tf.Tensor2D), [b, w, d]);
      const q = this.linear(id, 'fusion.query') as tf.Tensor3D;
      const k = this.linear(a, 'fusion.key') as tf.Tensor3D;
      const v = this.linear(a, 'fusion.value') as tf.Tensor3D;
      const keyOk = tf.reshape(tf.gather(this.hasText, flat), [b, 1, w]); // padding row 0 has hasText 0
      const allowed = tf.mul(keyOk, tf.linalg.bandPart(tf.ones([w, w]), -1, 0)); // [b, w, w]
      const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)), tf.mul(tf.sub(1, allowed), -1e4));
      const context = tf.matMul(tf.softmax(scores), v);
      // A position with no allowed key gets no semantic term (not a uniform mix of masked keys).
      const any = tf.cast(tf.greater(tf.sum(allowed, -1, true), 0), 'float32');
      return tf.add(id, tf.mul(any, this.linear(context, 'fusion.output'))) as tf.Tensor3D;
    });
  }

  /** L_align = mean_i (1 − cos(e_id(i), A(s(i)))) over the given items that have text (§3.3). */
  alignmentLoss(items: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      const id = tf.gather(this.parameters.get('item_embeddings.weight'), items) as tf.Tensor2D;
      const a = this.adapt(tf.gather(this.semantic, items) as tf.Tensor2D);
      const mask = tf.reshape(tf.gather(this.hasText, items), [-1]);
      // √(Σx² + ε) rather than tf.norm: the norm's gradient at a zero row (a no-text item's A(0)
      // with zero biases) is NaN, and masking by multiplication would keep the NaN (0·NaN).
      const norm = (x: tf.Tensor2D) => tf.sqrt(tf.add(tf.sum(tf.square(x), 1), 1e-12));
      const cos = tf.div(tf.sum(tf.mul(id, a), 1), tf.mul(norm(id), norm(a)));
      const count = tf.sum(mask);
      // max(count, 1): a batch of only padding/no-text items contributes 0, not NaN.
      return tf.div(tf.sum(tf.mul(tf.sub(1, cos), mask)), tf.maximum(count, 1)) as tf.Scalar;
    });
  }

  /** The engine adds this to the total loss: λ_align·L_align, named 'align'. */
  auxiliaryLoss(items: tf.Tensor1D): { name: string; value: tf.Scalar } | undefined {
    if (this.settings.alignWeight <= 0) return undefined;
    return { name: 'align', value: tf.tidy(() => tf.mul(this.alignmentLoss(items), this.settings.alignWeight) as tf.Scalar) };
  }

  /** Per-item gate of the gated fusion (mean over dimensions) for inspection: how much each item leans on its ID view. */
  gateMeans(): Float32Array | undefined {
    if (this.settings.fusion !== 'gated') return undefined;
    const means = tf.tidy(() => {
      const id = this.parameters.get('item_embeddings.weight') as unknown as tf.Tensor2D;
      const g = tf.sigmoid(this.linear(tf.concat([id, this.adaptTable()], 1), 'fusion.gate'));
      return tf.mean(g, 1);
    });
    const out = means.dataSync() as Float32Array;
    means.dispose();
    return out;
  }

  /** Norms, likeness, gate and alignment of the views (per-epoch diagnostics; `sample` = item rows for the cosine). */
  viewStatistics(sample: Int32Array): TableViewStatistics {
    const views = tf.tidy(() => {
      const id = this.parameters.get('item_embeddings.weight') as unknown as tf.Tensor2D;
      const adapted = this.adaptTable();
      const fused = this.weights();
      const gate = this.settings.fusion === 'gated' ? (tf.sigmoid(this.linear(tf.concat([id, adapted], 1), 'fusion.gate')) as tf.Tensor2D) : undefined;
      return { id: tf.clone(id), adapted, fused, ...(gate ? { gate } : {}) };
    });
    const withText = Int32Array.from(Array.from(this.hasTextRows.keys()).filter((r) => this.hasTextRows[r]));
    try {
      return fusedViewStatistics({ ...views, withText }, sample);
    } finally {
      tf.dispose(Object.values(views));
    }
  }

  /** Frees the frozen tensors (the parameters are freed with the model's parameter sets). */
  dispose(): void {
    this.semantic.dispose();
    this.semanticT.dispose();
    this.hasText.dispose();
  }
}

/**
 * What the engine's `Trainer` / `RecommenderModel` take as `tableFactory`: LLMDiRec = InDiRec with
 * this table. `onCreate` hands back the table (for gate inspection and `dispose()` of the frozen S).
 */
export function fusedItemTableFactory(
  semantic: SemanticTable,
  settings: Partial<SemanticFusionSettings> = {},
  onCreate?: (table: FusedItemTable) => void,
): ItemTableFactory {
  return (rows, dim, rng) => {
    const table = new FusedItemTable(rows, dim, semantic, rng, settings);
    onCreate?.(table);
    return table;
  };
}
