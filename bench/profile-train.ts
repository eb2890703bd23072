/**
 * Where a training step's time goes: kernel counts and times (every wasm kernel wrapped with a timer;
 * wasm kernels run synchronously, so wall time around the call is the kernel's time) and section
 * timers around the trainer's phases, for sasrec and indirec on one dataset.
 *
 *   node --import tsx bench/profile-train.ts [--dataset beauty] [--steps 3] [--model sasrec|indirec|both] [--set lengthGroups=2 …] [--shapes BatchMatMul,Exp]
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend } from '../src-main/engine/backend';
import { readSequenceFile } from '../src-main/engine/data';
import { resolveSettings } from '../src-main/engine/settings';
import { Trainer } from '../src-main/engine/trainer';

const { values } = parseArgs({ options: { dataset: { type: 'string', default: 'beauty' }, steps: { type: 'string', default: '3' }, model: { type: 'string', default: 'both' }, top: { type: 'string', default: '18' }, shapes: { type: 'string' }, set: { type: 'string', multiple: true } } });
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
const byShape = new Set((values.shapes ?? '').split(',').filter(Boolean));
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
      const ph = phase();
      const p = phases.get(ph) ?? { n: 0, ms: 0, wall: 0 };
      p.n++;
      p.ms += ms;
      phases.set(ph, p);
      const keys = [k.kernelName, ...(byShape.has(k.kernelName) ? [`${k.kernelName} ${shapes(args)}`] : [])];
      if (k.kernelName === 'BatchMatMul') keys.push((args.inputs.a as tf.TensorInfo).shape.length > 2 ? 'BatchMatMul · batched (attention)' : 'BatchMatMul · 2-d (dense, logits)');
      for (const key of keys) {
        const s = stats.get(key) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += ms;
        stats.set(key, s);
      }
      return out;
    },
  });
}

/** Step phases: kernels are attributed by the engine's scope ('forward'/'backward' of the gradient) and our wrappers. */
const phases = new Map<string, { n: number; ms: number; wall: number }>();
let inside = '';
function phase(): string {
  const stack = (tf.engine().state as unknown as { scopeStack: { name?: string }[] }).scopeStack;
  if (inside === 'optimizer') return 'optimizer (clip + AdamW)';
  if (stack.some((s) => s.name === 'backward')) return 'backward (gradient tape)';
  if (stack.some((s) => s.name === 'forward')) return inside === 'encode' ? 'forward: encoder' : 'forward: loss, diffusion, table';
  return inside === 'encode' ? 'no-grad encodings (condition, view)' : 'other (no-grad: diffusion sampling, K-means assign)';
}
const engine = tf.engine() as unknown as { gradients: (...a: unknown[]) => unknown; endTape: () => void };
let tGrad = 0;
let tFwdEnd = 0;
const wall = (name: string, ms: number) => {
  const p = phases.get(name) ?? { n: 0, ms: 0, wall: 0 };
  p.wall += ms;
  phases.set(name, p);
};
const gradients = engine.gradients.bind(engine);
engine.gradients = (...a: unknown[]) => {
  tGrad = performance.now();
  const out = gradients(...a);
  if (on) wall('backward (gradient tape)', performance.now() - tFwdEnd);
  return out;
};
const endTape = engine.endTape.bind(engine);
engine.endTape = () => {
  tFwdEnd = performance.now();
  if (on) wall('forward (all)', tFwdEnd - tGrad);
  endTape();
};

const steps = Number(values.steps);
/** `--set lengthGroups=2` etc.: setting overrides (numbers and booleans parsed). */
const overrides = Object.fromEntries((values.set ?? []).map((kv) => {
  const [k, v] = kv.split('=') as [string, string];
  return [k, v === 'true' ? true : v === 'false' ? false : Number.isNaN(Number(v)) ? v : Number(v)];
}));
for (const model of values.model === 'both' ? (['sasrec', 'indirec'] as const) : [values.model as 'sasrec' | 'indirec']) {
  const trainer = new Trainer(data, resolveSettings(file, { model, kmeansRedo: 1, kmeansIterations: 2, ...overrides }));
  const encode = trainer.model.encoder.encodeSequences.bind(trainer.model.encoder);
  trainer.model.encoder.encodeSequences = (...a: Parameters<typeof encode>) => {
    const before = inside;
    inside = 'encode';
    try {
      return encode(...a);
    } finally {
      inside = before;
    }
  };
  const apply = trainer.optimizer.apply.bind(trainer.optimizer);
  trainer.optimizer.apply = (g) => {
    inside = 'optimizer';
    const t = performance.now();
    try {
      return apply(g);
    } finally {
      inside = '';
      if (on) wall('optimizer (clip + AdamW)', performance.now() - t);
    }
  };
  trainer.beginEpoch(16384);
  trainer.trainStep(trainer.batchIds(0));
  stats.clear();
  phases.clear();
  on = true;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let k = 1; k <= steps; k++) trainer.trainStep(trainer.batchIds(k));
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps; // this process's CPU time: less sensitive to other load than wall time
  const stepMs = (performance.now() - t0) / steps;
  on = false;
  const rows = [...stats.entries()].map(([name, s]) => ({ kernel: name, 'calls/step': Math.round(s.n / steps), 'ms/step': +(s.ms / steps).toFixed(1) }));
  rows.sort((a, b) => b['ms/step'] - a['ms/step']);
  const plain = rows.filter((r) => !r.kernel.includes(' ')); // shape and kind rows repeat their kernel's time
  const kernelMs = plain.reduce((a, r) => a + r['ms/step'], 0);
  const calls = plain.reduce((a, r) => a + r['calls/step'], 0);
  console.log(`\n${model}: ${stepMs.toFixed(0)} ms/step wall (${cpuMs.toFixed(0)} ms CPU), ${kernelMs.toFixed(0)} ms in ${calls} kernel calls (${(stepMs - kernelMs).toFixed(0)} ms outside kernels: tape, JS, data prep)`);
  console.table([...phases.entries()].map(([name, p]) => ({ phase: name, 'wall ms/step': +(p.wall / steps).toFixed(0), 'kernel ms/step': +(p.ms / steps).toFixed(0), 'kernels/step': Math.round(p.n / steps) })));
  if (Number(values.top) > 0) console.table(rows.slice(0, Number(values.top)));
  trainer.dispose();
}
console.log(`tensors alive at the end: ${tf.memory().numTensors}`);
