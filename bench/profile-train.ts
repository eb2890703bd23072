/**
 * Where a training step's time goes: kernel counts and times (every wasm kernel wrapped with a timer;
 * wasm kernels run synchronously, so wall time around the call is the kernel's time) and section
 * timers around the trainer's phases, for sasrec and indirec on one dataset.
 *
 *   node --import tsx bench/profile-train.ts [--dataset beauty] [--steps 3] [--model sasrec|indirec|both]
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src-main/engine/backend';
import { readSequenceFile } from '../src-main/engine/data';
import { resolveSettings } from '../src-main/engine/settings';
import { Trainer } from '../src-main/engine/trainer';

const { values } = parseArgs({ options: { dataset: { type: 'string', default: 'beauty' }, steps: { type: 'string', default: '3' }, model: { type: 'string', default: 'both' }, top: { type: 'string', default: '18' }, shapes: { type: 'string' } } });
const datasets = resolve(import.meta.dirname, '../../shared/datasets');
if (!existsSync(datasets)) {
  console.log(`skipped: ${datasets} not found (../shared is absent)`);
  process.exit(0);
}
const file = readdirSync(datasets).find((f) => f.toLowerCase().startsWith(values.dataset!.toLowerCase()) && f.endsWith('.txt'))!;
const backend = await initBackend('wasm');
const data = readSequenceFile(join(datasets, file));

const stats = new Map<string, { n: number; ms: number }>();
let on = false;
/** Kernels also broken down by input shapes and attributes (`--shapes BatchMatMul,Exp`). */
const byShape = new Set((values.shapes ?? 'BatchMatMul').split(',').filter(Boolean));
const shapes = (args: Parameters<tf.KernelFunc>[0]) =>
  Object.values(args.inputs).map((t) => `[${(t as tf.TensorInfo).shape}]`).join('·') + (args.attrs && Object.keys(args.attrs).length ? ' ' + JSON.stringify(args.attrs).slice(0, 60) : '');
for (const k of tf.getKernelsForBackend(backend)) {
  const inner = k.kernelFunc;
  tf.unregisterKernel(k.kernelName, backend);
  tf.registerKernel({
    ...k,
    kernelFunc: (args) => {
      if (!on) return inner(args);
      const t0 = performance.now();
      const out = inner(args);
      const ms = performance.now() - t0;
      for (const key of [k.kernelName, ...(byShape.has(k.kernelName) ? [`${k.kernelName} ${shapes(args)}`] : [])]) {
        const s = stats.get(key) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += ms;
        stats.set(key, s);
      }
      return out;
    },
  });
}

const steps = Number(values.steps);
for (const model of values.model === 'both' ? (['sasrec', 'indirec'] as const) : [values.model as 'sasrec' | 'indirec']) {
  const trainer = new Trainer(data, resolveSettings(file, { model, kmeansRedo: 1, kmeansIterations: 2 }));
  trainer.beginEpoch(16384);
  trainer.trainStep(trainer.batchIds(0));
  stats.clear();
  on = true;
  const t0 = performance.now();
  for (let k = 1; k <= steps; k++) trainer.trainStep(trainer.batchIds(k));
  const wall = (performance.now() - t0) / steps;
  on = false;
  const rows = [...stats.entries()].map(([name, s]) => ({ kernel: name, 'calls/step': Math.round(s.n / steps), 'ms/step': +(s.ms / steps).toFixed(1) }));
  rows.sort((a, b) => b['ms/step'] - a['ms/step']);
  const plain = rows.filter((r) => !r.kernel.includes(' ')); // shape rows repeat their kernel's time
  const kernelMs = plain.reduce((a, r) => a + r['ms/step'], 0);
  const calls = plain.reduce((a, r) => a + r['calls/step'], 0);
  console.log(`\n${model}: ${wall.toFixed(0)} ms/step wall, ${kernelMs.toFixed(0)} ms in ${calls} kernel calls (${(wall - kernelMs).toFixed(0)} ms outside kernels: tape, JS, data prep)`);
  console.table(rows.slice(0, Number(values.top)));
  trainer.dispose();
}
console.log(`tensors alive at the end: ${tf.memory().numTensors}`);
