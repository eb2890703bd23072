/**
 * Named trainable tensors with the reference's names (docs/model.md §15: PyTorch state-dict names).
 * Linear weights are kept as [in, out] so `x·W` is an untransposed product (the fast wasm path);
 * checkpoints store them as PyTorch does, [out, in].
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedArray } from './safetensors';
import type { Rng } from './rng';

export class ParameterSet {
  readonly vars = new Map<string, tf.Variable>();
  private readonly linear = new Set<string>();

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`No parameter ${name}`);
    return v;
  }

  add(name: string, init: tf.Tensor): tf.Variable {
    const v = tf.variable(init);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }

  /** PyTorch `nn.Linear(in, out)`: weight N(0, std) or U(±1/√in), bias 0 or U(±1/√in) (§3, §7); `bias: false` = `nn.Linear(…, bias=False)`. */
  addLinear(name: string, inDim: number, outDim: number, init: { std: number } | 'pytorch-default', rng: Rng, bias = true): void {
    this.linear.add(`${name}.weight`);
    if (init === 'pytorch-default') {
      const bound = 1 / Math.sqrt(inDim);
      this.add(`${name}.weight`, tf.randomUniform([inDim, outDim], -bound, bound, 'float32', rng.seed()));
      if (bias) this.add(`${name}.bias`, tf.randomUniform([outDim], -bound, bound, 'float32', rng.seed()));
    } else {
      this.add(`${name}.weight`, tf.randomNormal([inDim, outDim], 0, init.std, 'float32', rng.seed()));
      if (bias) this.add(`${name}.bias`, tf.zeros([outDim]));
    }
  }

  addLayerNorm(name: string, dim: number): void {
    this.add(`${name}.weight`, tf.ones([dim]));
    this.add(`${name}.bias`, tf.zeros([dim]));
  }

  /** Snapshot in the reference layout, with an optional name prefix (e.g. `seq_model.`). */
  toArrays(prefix = ''): Map<string, NamedArray> {
    const out = new Map<string, NamedArray>();
    for (const [name, v] of this.vars) {
      const t = this.linear.has(name) ? tf.tidy(() => tf.transpose(v)) : v;
      out.set(prefix + name, { shape: t.shape.slice(), data: t.dataSync() as Float32Array });
      if (t !== v) t.dispose();
    }
    return out;
  }

  /** Assigns every parameter from reference-layout arrays; throws naming the first missing or misshaped one. */
  load(arrays: Map<string, NamedArray>, prefix = '', source = 'checkpoint'): void {
    for (const [name, v] of this.vars) {
      const a = arrays.get(prefix + name);
      if (!a) throw new Error(`${source}: tensor ${prefix + name} is missing`);
      const isLinear = this.linear.has(name);
      const expected = isLinear ? [v.shape[1], v.shape[0]] : v.shape;
      if (a.shape.join(',') !== expected.join(',')) {
        throw new Error(`${source}: tensor ${prefix + name} has shape [${a.shape}], expected [${expected}]`);
      }
      tf.tidy(() => {
        const t = tf.tensor(a.data, a.shape);
        v.assign(isLinear ? tf.transpose(t) : t);
      });
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}
