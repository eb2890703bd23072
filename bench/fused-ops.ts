/**
 * The fused encoder kernels against the composite tfjs ops they replace, forward + backward, at the
 * shapes of a Beauty InDiRec step (B = 256 rows of width w, d = 64, 2 heads). Runs alternate
 * (composite, fused, composite, …) so load on a shared machine hits both alike; prints the median
 * ms of each and the ratio.
 *
 *   npm run bench:kernels [-- --width 20 --rows 256 --repeats 7]
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { initBackend } from '../src-main/engine/backend';
import { SasrecEncoder } from '../src-main/engine/encoder';
import { padBatch } from '../src-main/engine/data';
import { layerNorm } from '../src-main/engine/fused-ops';
import { fusedOptions } from '../src-main/engine/heap-kernels';
import { Rng } from '../src-main/engine/rng';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '256' }, repeats: { type: 'string', default: '7' } } });
const [rows, repeats] = [Number(values.rows), Number(values.repeats)];
console.log(`backend ${await initBackend('wasm')}, ${rows} rows, median of ${repeats} alternating runs`);

const d = 64;
const x = tf.randomNormal([rows * 20, d], 0, 1, 'float32', 1);
const gamma = tf.ones([d]);
const beta = tf.zeros([d]);
const encoder = new SasrecEncoder({ hiddenSize: d, layers: 2, heads: 2, maxSeqLength: 50, attentionDropout: 0.5, hiddenDropout: 0.5, initializerRange: 0.02 }, new Rng(1));
const table = tf.randomNormal([12103, d], 0, 0.02, 'float32', 3) as tf.Tensor2D;
const sequenceRng = new Rng(5);
const sequencesOf = (w: number) => Array.from({ length: rows }, () => Int32Array.from({ length: w }, () => 1 + Math.floor(sequenceRng.next() * 12102)));
const encoderCase = (w: number) => {
  const batch = padBatch(sequencesOf(w), 50);
  return () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(encoder.encode(table, batch, { training: true, rng: new Rng(9) })) as tf.Scalar);
    tf.dispose([value, ...Object.values(grads)]);
  };
};

const cases: Record<string, () => void> = {
  'layer norm [rows·20, 64], forward + backward': () => tf.dispose(tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(layerNorm(a, g, b)))([x, gamma, beta])),
  'encoder (2 layers, dropout), forward + backward, width 8': encoderCase(8),
  'encoder, width 20': encoderCase(20),
  'encoder, width 50': encoderCase(50),
};
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, run] of Object.entries(cases)) {
  const times: Record<'composite' | 'fused', number[]> = { composite: [], fused: [] };
  for (let k = 0; k <= repeats; k++) {
    for (const mode of ['composite', 'fused'] as const) {
      fusedOptions.enabled = mode === 'fused';
      const t0 = cpuMs();
      run();
      if (k > 0) times[mode].push(cpuMs() - t0); // k = 0 warms up
    }
  }
  const [c, f] = [median(times.composite), median(times.fused)];
  console.log(JSON.stringify({ case: name, 'composite CPU ms': +c.toFixed(1), 'fused CPU ms': +f.toFixed(1), 'composite / fused': +(c / f).toFixed(2) }));
}
fusedOptions.enabled = true;
