/**
 * Training speed on a benchmark dataset: ms/step for sasrec, indirec and llmdirec on 1 worker and on N
 * (data-parallel, exact), the clustering pass on each, the projected epoch time (steps + clustering)
 * and the scaling efficiency t₁ / (N·t_N), all measured in the same run; `--plain` adds the plain
 * padded implementation as a baseline for the engine's single-worker optimisations; "composite ops"
 * is the engine without its fused layer-norm/GELU/attention kernels (the baseline for those).
 *
 *   npm run bench:train -- --dataset beauty [--workers N] [--steps 5] [--backend wasm|cpu|auto] [--threads N] [--plain] [--skip-cluster] [--models sasrec,indirec,llmdirec]
 *
 * `--workers N` defaults to one per core; `--threads N` sets the wasm backend's threads per worker.
 * LLMDiRec runs on one worker over a random 512-d semantic table (the sequence file has no texts;
 * the step's cost does not depend on the vectors): the gated table with its written-out gradient,
 * once per step (default), against tfjs's tape over the same ops, twice per step (before).
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backendDescription, initBackend, type BackendPreference } from '../src-main/engine/backend';
import { readSequenceFile } from '../src-main/engine/data';
import { fusedOptions } from '../src-main/engine/heap-kernels';
import { kernelOptions } from '../src-main/engine/kernels';
import { packedOptions } from '../src-main/engine/packed-attention';
import { Rng } from '../src-main/engine/rng';
import { resolveSettings, type TrainingSettings } from '../src-main/engine/settings';
import { gatedTableOptions, fusedItemTableFactory } from '../src-main/engine/semantic-fusion';
import { Trainer } from '../src-main/engine/trainer';

const { values } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'beauty' },
    steps: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'auto' },
    'skip-cluster': { type: 'boolean', default: false },
    threads: { type: 'string' },
    workers: { type: 'string', default: String(availableParallelism()) },
    plain: { type: 'boolean', default: false },
    models: { type: 'string', default: 'sasrec,indirec,llmdirec' },
  },
});
if (values.threads) process.env.LLMDIREC_WASM_THREADS = values.threads;
const datasets = resolve(import.meta.dirname, '../../shared/datasets');
if (!existsSync(datasets)) {
  console.log(`skipped: ${datasets} not found (../shared is absent)`);
  process.exit(0);
}
const file = readdirSync(datasets).find((f) => f.toLowerCase().startsWith(values.dataset!.toLowerCase()) && f.endsWith('.txt'));
if (!file) throw new Error(`No dataset file for "${values.dataset}" in ${datasets}`);
await initBackend(values.backend as BackendPreference);
/** Whether the products run on a native BLAS library here (then the variants without it are the baseline). */
const nativeProducts = kernelOptions.nativeProducts;
const data = readSequenceFile(join(datasets, file));
const steps = Number(values.steps);
console.log(`dataset ${file}, backend ${backendDescription()}, ${steps} timed steps per variant (after one warm-up step); CPU shared with other work: timings are noisy`);

const workerCounts = [...new Set([1, Number(values.workers)])];

interface Variant {
  name: string;
  overrides: Partial<TrainingSettings>;
  plain?: boolean;
  /** false: the composite tfjs ops instead of the fused layer norm, GELU and attention kernels. */
  fused?: boolean;
  /** false: padded length groups instead of packed sequences. */
  packed?: boolean;
  /** false: wasm's own matrix products instead of the native BLAS library (where one loaded). */
  blas?: boolean;
}

/** Sets the kernel switches here and, through the environment, in the replicas started next. */
function useKernels(fused: boolean, packed: boolean, blas: boolean): void {
  fusedOptions.enabled = fused;
  process.env.LLMDIREC_FUSED = fused ? '1' : '0';
  packedOptions.enabled = packed;
  process.env.LLMDIREC_PACKED = packed ? '1' : '0';
  kernelOptions.nativeProducts = blas && nativeProducts;
  if (blas) delete process.env.LLMDIREC_BLAS;
  else process.env.LLMDIREC_BLAS = '0';
}

/** ms per training step of a new trainer (after one warm-up step), and its steps per epoch; disposes it. */
async function timeSteps(trainer: Trainer): Promise<{ ms: number; stepsPerEpoch: number }> {
  await trainer.startWorkers();
  trainer.beginEpoch(16384); // (indirec: a quick clustering of some samples so conditions exist; not timed here)
  trainer.trainStep(trainer.batchIds(0));
  const t0 = performance.now();
  for (let k = 1; k <= steps; k++) trainer.trainStep(trainer.batchIds(k));
  const ms = (performance.now() - t0) / steps;
  const stepsPerEpoch = trainer.stepsPerEpoch;
  trainer.dispose();
  return { ms, stepsPerEpoch };
}

async function msPerStep(model: 'sasrec' | 'indirec', v: Variant, workers: number): Promise<{ ms: number; stepsPerEpoch: number }> {
  kernelOptions.explicitTranspose = !v.plain;
  useKernels(v.fused !== false && !v.plain, v.packed !== false && v.fused !== false && !v.plain, v.blas !== false && !v.plain);
  const settings = { ...resolveSettings(file!, { model, kmeansRedo: 1, kmeansIterations: 2, workers, ...v.overrides }), lastQueryOnly: !v.plain };
  const timing = await timeSteps(new Trainer(data, settings));
  kernelOptions.explicitTranspose = true;
  useKernels(true, true, true);
  return timing;
}

const variants: Variant[] = [
  ...(values.plain ? [{ name: 'plain padded', overrides: { trimPadding: false }, plain: true }] : []),
  { name: 'engine, composite ops', overrides: {}, fused: false, blas: false },
  { name: 'padded length groups, fused kernels (previous default)', overrides: {}, packed: false, blas: false },
  { name: 'packed sequences, wasm products', overrides: {}, blas: false },
  ...(nativeProducts ? [{ name: 'packed sequences, native BLAS products (default)', overrides: {} }] : []),
];

const rows: Record<string, string | number>[] = [];
const clusteringSeconds = new Map<number, number>();
if (!values['skip-cluster']) {
  for (const workers of workerCounts) {
    const trainer = new Trainer(data, resolveSettings(file, { model: 'indirec', workers }));
    await trainer.startWorkers();
    const t0 = performance.now();
    const c = trainer.cluster();
    clusteringSeconds.set(workers, (performance.now() - t0) / 1000);
    console.log(`clustering pass, ${workers} worker(s) (encode ${trainer.samples.count} samples + K-means K=${trainer.settings.intents}, ${trainer.settings.kmeansRedo}×${trainer.settings.kmeansIterations} iterations): ${clusteringSeconds.get(workers)!.toFixed(1)} s, ${c.sizes.filter((n) => n > 0).length} non-empty clusters`);
    if (workers === 1) {
      const e0 = performance.now();
      const m = await trainer.evaluate('test');
      console.log(`full evaluation of ${m.users} users (untrained weights, timing only): ${((performance.now() - e0) / 1000).toFixed(1)} s`);
    }
    trainer.dispose();
  }
}
const models = new Set(values.models!.split(','));
for (const model of (['sasrec', 'indirec'] as const).filter((m) => models.has(m))) {
  for (const v of variants) {
    let single = 0;
    for (const workers of v.plain ? [1] : workerCounts) {
      const { ms, stepsPerEpoch } = await msPerStep(model, v, workers);
      if (workers === 1) single = ms;
      const epochSeconds = (ms * stepsPerEpoch) / 1000 + (model === 'indirec' ? (clusteringSeconds.get(workers) ?? 0) : 0);
      rows.push({ model, variant: v.name, workers, 'ms/step': Math.round(ms), 'scaling efficiency': (single / (workers * ms)).toFixed(2), 'projected epoch (min)': (epochSeconds / 60).toFixed(1) });
      console.log(JSON.stringify(rows[rows.length - 1]));
    }
  }
}
// LLMDiRec: one worker (a replica would rebuild the table from a store), the same settings as InDiRec's.
const semanticDims = 512;
const semantic = { dims: semanticDims, table: new Float32Array((data.numItems + 1) * semanticDims), hasText: new Uint8Array(data.numItems + 1).fill(1) };
semantic.hasText[0] = 0;
const rng = new Rng(2022);
for (let i = semanticDims; i < semantic.table.length; i++) semantic.table[i] = (rng.next() - 0.5) * 0.09; // ≈ unit rows
let tapeMs = 0;
for (const written of models.has('llmdirec') ? [false, true] : []) {
  gatedTableOptions.writtenGradient = written;
  const settings = resolveSettings(file, { model: 'indirec', kmeansRedo: 1, kmeansIterations: 2, workers: 1 });
  const { ms, stepsPerEpoch } = await timeSteps(new Trainer(data, settings, { tableFactory: fusedItemTableFactory(semantic) }));
  if (!written) tapeMs = ms;
  const epochSeconds = (ms * stepsPerEpoch) / 1000 + (clusteringSeconds.get(1) ?? 0);
  const variant = written ? 'gated table, written-out gradient, once per step (default)' : 'gated table on the tape, twice per step (before)';
  rows.push({ model: 'llmdirec', variant, workers: 1, 'ms/step': Math.round(ms), 'speed-up': (tapeMs / ms).toFixed(2), 'projected epoch (min)': (epochSeconds / 60).toFixed(1) });
  console.log(JSON.stringify(rows[rows.length - 1]));
}
gatedTableOptions.writtenGradient = true;
console.table(rows);
console.log(`tensors alive at the end: ${tf.memory().numTensors}`);
