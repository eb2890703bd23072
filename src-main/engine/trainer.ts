/**
 * Training loop for `sasrec` (rec loss only) and `indirec` (docs/model.md §2–§10), driven step by
 * step: `beginEpoch()` (intent clustering, shuffled order), `step()` per mini-batch, `endEpoch()`.
 * `runEpoch()` strings them together with hooks for progress, pause and cancel. All randomness
 * comes from one seeded `Rng` whose state is part of the checkpoint, so runs are reproducible and
 * a resumed run continues the same stream.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leaveOneOutCases, sampleInput, trainingSamples, type SequenceData, type Split, type TrainingSamples } from './data';
import { allocateExchange, Exchange, parameterLayout, ReplicaPool, type TableSource } from './data-parallel';
import { evaluateRanking, type RankingMetrics } from './evaluate';
import { kmeans, assignNearest } from './kmeans';
import { RecommenderModel, type ItemTableFactory } from './model';
import { AdamW } from './optimizer';
import { Rng } from './rng';
import type { NamedArray } from './safetensors';
import { usesIntents, type TrainingSettings } from './settings';
import { encodeSampleChunks, shardGradients, type SampleSource, type StepPlan } from './train-step';

/** Per-step values: total, rec, gradNorm, and diff/cl (indirec) and any item-table term (e.g. align). */
export type StepLosses = { total: number; rec: number; gradNorm: number } & Record<string, number>;

export interface ClusteringSummary {
  sizes: number[];
  objective: number;
  seconds: number;
  /** Intent of each prefix of the fixed stability sample (`stabilitySample`), in sample order. */
  sampleAssignments: Int32Array;
}

/** Training prefixes whose intents are recorded every epoch, for prototype stability (ARI) across epochs. */
export const STABILITY_SAMPLE = { size: 5000, seed: 20240601 } as const;

/**
 * The fixed seeded sample of the `n` clustered prefixes (sorted ids): the same every epoch of a run
 * (n does not change), and drawn from its own generator so the training stream is untouched.
 */
export function stabilitySample(n: number, size: number = STABILITY_SAMPLE.size, seed: number = STABILITY_SAMPLE.seed): Int32Array {
  if (n <= size) return Int32Array.from({ length: n }, (_, i) => i);
  return new Rng(seed).permutation(n).subarray(0, size).sort();
}

export interface EpochSummary {
  epoch: number;
  steps: number;
  /** Mean of each loss component over the epoch's steps. */
  losses: Record<string, number>;
  clustering?: ClusteringSummary;
  seconds: number;
}

export interface EpochHooks {
  signal?: AbortSignal;
  whilePaused?: () => Promise<void>;
  onStep?: (step: number, steps: number, losses: StepLosses) => void;
  onClustering?: (summary: ClusteringSummary) => void;
}

/** Sets a variable to values read from shared memory. */
const assignValues = (v: tf.Variable, values: Float32Array) => tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));

export class Trainer {
  readonly model: RecommenderModel;
  readonly optimizer: AdamW;
  readonly samples: TrainingSamples;
  rng: Rng;
  /** Next epoch to run (0-based). */
  epoch = 0;
  private centroids?: Float32Array;
  /** cluster → sample ids (accumulating over epochs by default, §5). */
  private members: number[][] = [];
  private order: Int32Array = new Int32Array(0);
  /** Workers that share each step (settings.workers, capped by the batch); ranks 1… are `pool`'s. */
  readonly workers: number;
  private pool?: ReplicaPool;
  private readonly tableSource?: TableSource;
  private readonly source: SampleSource;
  /**
   * True right after a shared optimiser step, when rank 0's variables were just taken from the shared
   * parameters: the next step need not publish them again. Anything else that sets the variables
   * (restoreState) clears it; evaluation and clustering always publish.
   */
  private sharedParametersCurrent = false;

  /**
   * `tableSource` tells replica workers where to rebuild a custom item table (`tableFactory`) from;
   * without it a custom table trains on one worker.
   */
  constructor(
    readonly data: SequenceData,
    readonly settings: TrainingSettings,
    options: { tableFactory?: ItemTableFactory; tableSource?: TableSource } = {},
  ) {
    this.rng = new Rng(settings.seed);
    this.model = new RecommenderModel(data.numItems, settings, this.rng, options.tableFactory);
    this.optimizer = new AdamW(settings, this.model.variables());
    this.samples = trainingSamples(data);
    this.source = { input: (i) => this.input(i), target: (i) => this.samples.target[i]! };
    this.tableSource = options.tableSource;
    this.workers = Math.max(1, Math.min(settings.workers ?? 1, settings.batchSize));
    if (this.workers > 1 && options.tableFactory && !options.tableSource) {
      throw new Error('A custom item table trains on several workers only with its source (tableSource)');
    }
    if (this.samples.count < settings.batchSize && settings.dropLast) {
      throw new Error(`Only ${this.samples.count} training samples, fewer than one batch of ${settings.batchSize}`);
    }
  }

  /** cluster → sample ids, read-only (the per-epoch diagnostics draw their conditions from it). */
  get intentMembers(): readonly (readonly number[])[] {
    return this.members;
  }

  get stepsPerEpoch(): number {
    const n = this.samples.count / this.settings.batchSize;
    return this.settings.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  private input(i: number): Int32Array {
    return sampleInput(this.data, this.samples, i, this.settings.maxSeqLength);
  }

  /**
   * Starts the replica workers of a multi-worker trainer (no-op for one worker or when started);
   * `runEpoch` calls it, step-wise callers call it before the first step.
   */
  async startWorkers(): Promise<void> {
    if (this.workers === 1 || this.pool) return;
    const vars = this.model.variables();
    const layout = parameterLayout(vars);
    const s = this.settings;
    const buffers = allocateExchange(layout, this.workers, s.batchSize, s.hiddenSize, this.samples.count, this.data.sequences.length);
    const exchange = new Exchange(buffers, layout, this.workers, s.batchSize, s.hiddenSize);
    this.pool = await ReplicaPool.start({ workers: this.workers, backend: tf.getBackend(), settings: s, data: this.data, table: this.tableSource, layout, buffers }, exchange);
    // From here on the moments live in shared memory, where every rank updates its part (data-parallel.ts).
    this.optimizer.writeMoments(layout.names, layout.offsets, exchange.m, exchange.v);
  }

  /** Runs `work` on rank 0; a throw releases the replicas waiting for it, then propagates. */
  private asRankZero<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      this.pool?.exchange.fail(`worker 0: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  private requirePool(): ReplicaPool | undefined {
    if (this.workers > 1 && !this.pool) throw new Error(`This trainer uses ${this.workers} workers: await startWorkers() first`);
    return this.pool;
  }

  /** Representations of the first `n` (default all) training samples in sample order (eval mode, §5), split across the workers. */
  sampleRepresentations(n = this.samples.count): Float32Array {
    const pool = this.requirePool();
    if (!pool) {
      const out = new Float32Array(n * this.settings.hiddenSize);
      encodeSampleChunks(this.model, this.settings, this.source, n, 0, 1, out);
      return out;
    }
    pool.post(this.model.variables(), { type: 'encode', count: n });
    return this.asRankZero(() => {
      encodeSampleChunks(this.model, this.settings, this.source, n, 0, this.workers, pool.exchange.encoded);
      pool.exchange.barrier(this.workers);
      return pool.exchange.encoded.slice(0, n * this.settings.hiddenSize);
    });
  }

  /**
   * §5: K-means over the representations of the training samples, warm-started from last epoch.
   * `limit` clusters only the first samples (benchmarks).
   */
  cluster(limit?: number): ClusteringSummary {
    const t0 = performance.now();
    const s = this.settings;
    // The reference clusters the drop_last prefix of the sequential loader (§5).
    const n = Math.min(limit ?? Infinity, s.dropLast ? this.stepsPerEpoch * s.batchSize : this.samples.count);
    const x = this.sampleRepresentations(n);
    const result = kmeans(x, n, s.hiddenSize, {
      k: s.intents,
      iterations: s.kmeansIterations,
      redo: s.kmeansRedo,
      seed: s.kmeansSeed + (s.kmeansWarmStart ? 0 : this.epoch),
      maxPointsPerCentroid: s.kmeansMaxPointsPerCentroid,
      initial: s.kmeansWarmStart ? this.centroids : undefined,
    });
    this.centroids = result.centroids;
    if (s.clusterMembers === 'current' || this.members.length !== s.intents) this.members = Array.from({ length: s.intents }, () => []);
    result.assignments.forEach((c, i) => this.members[c]!.push(i));
    const sampleAssignments = Int32Array.from(stabilitySample(n), (i) => result.assignments[i]!);
    return { sizes: Array.from(result.sizes), objective: result.objective, seconds: (performance.now() - t0) / 1000, sampleAssignments };
  }

  beginEpoch(clusterLimit?: number): ClusteringSummary | undefined {
    const clustering = usesIntents(this.settings) && this.samples.count > this.settings.intents ? this.cluster(clusterLimit) : undefined;
    this.order = this.epochOrder();
    return clustering;
  }

  /** Shuffled sample order; with `lengthBuckets`, batches hold similar lengths (then batches are shuffled). */
  private epochOrder(): Int32Array {
    const perm = this.rng.permutation(this.samples.count);
    if (!this.settings.lengthBuckets) return perm;
    const B = this.settings.batchSize;
    const L = this.settings.maxSeqLength;
    const span = B * 50;
    const out = new Int32Array(perm.length);
    const batches: Int32Array[] = [];
    for (let s = 0; s < perm.length; s += span) {
      const part = Array.from(perm.subarray(s, s + span)).sort((a, b) => Math.min(this.samples.end[a]!, L) - Math.min(this.samples.end[b]!, L));
      for (let b = 0; b < part.length; b += B) batches.push(Int32Array.from(part.slice(b, b + B)));
    }
    const shuffled = this.rng.permutation(batches.length);
    let at = 0;
    for (const j of shuffled) {
      out.set(batches[j]!, at);
      at += batches[j]!.length;
    }
    return out;
  }

  /** Condition sequences (§6) as sample ids: B members drawn with replacement from the batch's (or each sample's) intent cluster. */
  private conditionIds(ids: Int32Array): Int32Array {
    const s = this.settings;
    const draw = (c: number) => {
      const list = this.members[c]!;
      return list.length ? list[this.rng.int(list.length)]! : ids[this.rng.int(ids.length)]!;
    };
    const nearest = (rows: Int32Array[]) => {
      const h = tf.tidy(() => this.model.encoder.encodeSequences(this.model.table.weights(), rows, { training: true, rng: this.rng }, s.lengthGroups, this.model.sequenceInput())); // no grad, train mode (§6)
      const x = h.dataSync() as Float32Array;
      h.dispose();
      return assignNearest(x, rows.length, s.hiddenSize, this.centroids!, s.intents).labels;
    };
    if (s.conditioning === 'batch-cluster') {
      // Only sample 0's cluster is used by the reference, so only row 0 is encoded.
      const c = nearest([this.input(ids[0]!)])[0]!;
      return Int32Array.from(ids, () => draw(c));
    }
    const labels = nearest(Array.from(ids, (i) => this.input(i)));
    return Int32Array.from(labels, (c) => draw(c));
  }

  /** Everything random of a step except dropout, drawn here once whatever the worker count (train-step.ts). */
  private planStep(ids: Int32Array): StepPlan {
    const plan: StepPlan = { ids: Int32Array.from(ids), dropoutSeed: 0, shards: Math.min(this.workers, ids.length), optimizerStep: this.optimizer.step + 1 };
    const diffusion = this.model.diffusion;
    if (usesIntents(this.settings) && diffusion && this.centroids) {
      plan.condIds = this.conditionIds(ids);
      plan.view = diffusion.drawSample(this.rng);
      plan.noise = diffusion.drawLoss(ids.length, this.rng);
    }
    plan.dropoutSeed = this.rng.seed();
    return plan;
  }

  /** One optimisation step on the given sample ids (§9 order), shared by the trainer's workers. */
  trainStep(ids: Int32Array): StepLosses {
    const s = this.settings;
    const pool = this.requirePool();
    const plan = this.planStep(ids);
    const vars = this.model.variables();
    if (pool) pool.post(vars, { type: 'step', plan }, !this.sharedParametersCurrent);
    return this.asRankZero(() => {
      const share = shardGradients(this.model, s, this.source, plan, 0, pool?.exchange.rows(plan.shards));
      let gradNorm: number;
      let parts = share.parts;
      if (pool) {
        pool.exchange.writeShare(0, share);
        tf.dispose([...share.grads.values()]);
        gradNorm = pool.exchange.update(0, plan.shards, s, plan.optimizerStep);
        this.optimizer.step = plan.optimizerStep;
        parts = pool.exchange.lossParts(share.parts, plan.shards);
        pool.exchange.readParameters(vars, assignValues);
        this.sharedParametersCurrent = true;
      } else {
        gradNorm = this.optimizer.apply(share.grads);
        tf.dispose([...share.grads.values()]);
      }
      const weight: Record<string, number> = { rec: s.recWeight, diff: s.diffWeight, cl: s.clWeight }; // the table's own term comes weighted
      const total = Object.entries(parts).reduce((sum, [name, v]) => sum + (weight[name] ?? 1) * v, 0);
      return { ...parts, total, gradNorm } as StepLosses;
    });
  }

  /** Sample ids of step `k` of the current epoch. */
  batchIds(k: number): Int32Array {
    const B = this.settings.batchSize;
    return this.order.subarray(k * B, Math.min((k + 1) * B, this.order.length));
  }

  async runEpoch(hooks: EpochHooks = {}): Promise<EpochSummary> {
    await this.startWorkers();
    const t0 = performance.now();
    const clustering = this.beginEpoch();
    if (clustering) hooks.onClustering?.(clustering);
    const steps = this.stepsPerEpoch;
    const sums: Record<string, number> = {};
    for (let k = 0; k < steps; k++) {
      if (hooks.whilePaused) await hooks.whilePaused();
      if (hooks.signal?.aborted) throw Object.assign(new Error('Cancelled'), { name: 'AbortError' });
      const losses = this.trainStep(this.batchIds(k));
      for (const [name, v] of Object.entries(losses)) sums[name] = (sums[name] ?? 0) + v;
      hooks.onStep?.(k + 1, steps, losses);
      // Yield to the event loop so cancel/pause messages are seen between steps.
      await new Promise((r) => setImmediate(r));
    }
    const losses = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / steps]));
    const summary: EpochSummary = { epoch: this.epoch, steps, losses, clustering, seconds: (performance.now() - t0) / 1000 };
    this.epoch++;
    return summary;
  }

  /** Full-ranking evaluation (§10), split across the workers. */
  evaluate(split: Split, signal?: AbortSignal): Promise<RankingMetrics> {
    const options = { maxSeqLength: this.settings.maxSeqLength, batchSize: this.settings.evalBatchSize, signal };
    const cases = leaveOneOutCases(this.data, split);
    const pool = this.requirePool();
    return pool ? pool.evaluate(this.model, cases, split, options) : evaluateRanking(this.model, cases, options);
  }

  /** Full training state (model, optimiser, RNG, intents) as named arrays for a checkpoint file. */
  stateArrays(): Map<string, NamedArray> {
    const exchange = this.pool?.exchange;
    if (exchange) this.optimizer.readMoments(exchange.layout.names, exchange.layout.offsets, exchange.m, exchange.v);
    const out = this.model.toArrays();
    for (const [k, v] of this.optimizer.toArrays()) out.set(k, v);
    out.set('trainer.rng', { shape: [4], data: Int32Array.from(this.rng.state(), (x) => x | 0) });
    out.set('trainer.epoch', { shape: [1], data: Int32Array.of(this.epoch) });
    if (this.centroids) out.set('trainer.centroids', { shape: [this.settings.intents, this.settings.hiddenSize], data: this.centroids });
    if (this.members.length) {
      const offsets = new Int32Array(this.members.length + 1);
      this.members.forEach((m, c) => (offsets[c + 1] = offsets[c]! + m.length));
      const flat = new Int32Array(offsets[this.members.length]!);
      this.members.forEach((m, c) => flat.set(m, offsets[c]!));
      out.set('trainer.memberOffsets', { shape: [offsets.length], data: offsets });
      out.set('trainer.members', { shape: [flat.length], data: flat });
    }
    return out;
  }

  restoreState(arrays: Map<string, NamedArray>): void {
    this.model.loadArrays(arrays);
    this.sharedParametersCurrent = false;
    this.optimizer.loadArrays(arrays);
    const exchange = this.pool?.exchange;
    if (exchange) this.optimizer.writeMoments(exchange.layout.names, exchange.layout.offsets, exchange.m, exchange.v);
    this.rng = new Rng(Array.from(arrays.get('trainer.rng')!.data, (x) => x >>> 0));
    this.epoch = arrays.get('trainer.epoch')!.data[0]!;
    const c = arrays.get('trainer.centroids');
    this.centroids = c ? Float32Array.from(c.data) : undefined;
    const offsets = arrays.get('trainer.memberOffsets')?.data;
    const flat = arrays.get('trainer.members')?.data;
    this.members = offsets && flat ? Array.from({ length: offsets.length - 1 }, (_, k) => Array.from(flat.subarray(offsets[k]!, offsets[k + 1]!))) : [];
  }

  dispose(): void {
    this.pool?.dispose();
    this.pool = undefined;
    this.model.dispose();
    this.optimizer.dispose();
  }
}
