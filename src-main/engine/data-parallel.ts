/**
 * Data-parallel training over worker threads. Rank 0 is the trainer's own thread (it owns the
 * optimiser and the random stream); ranks 1 … N−1 are replica workers (replica-worker.ts), each
 * with its own backend and a copy of the model. Everything numeric crosses in shared memory:
 * parameters (written by rank 0 after its update, read by the replicas before their next step),
 * gradient shares (one slot per worker, summed by rank 0 in rank order), the rows each step
 * gathers (generated views, sequence representations) and the clustering pass's encodings. Only
 * the small per-step plan travels as a message. Workers meet at a barrier on an Atomics counter;
 * a worker that fails records its message and releases everyone waiting, who then throw it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Worker } from 'node:worker_threads';
import type { EvaluationCase, SequenceData, Split } from './data';
import { answerRanks, metricsFromRanks, type EvaluateOptions, type Ranker, type RankingMetrics } from './evaluate';
import type { RowExchange, ShardResult, StepPlan } from './train-step';
import { adamwElements } from './fused-optimizer';
import { adamwStep, type AdamWSettings } from './optimizer';
import type { TrainingSettings } from './settings';
import { carryError, restoreError, type CarriedError } from '../core/errors';
import { startWorker, workerEntry } from '../core/workers';

const COUNT = 0;
const GENERATION = 1;
const FAILED = 2;
/** A worker that has not arrived after this long is taken for dead (no step takes minutes). */
const BARRIER_TIMEOUT_MS = 10 * 60_000;
/** Per worker: its share of the rec and diffusion losses. */
const LOSS_SLOTS = 2;

/** Names, shapes and flat offsets of the model's trainable variables (the same order in every replica). */
export interface ParameterLayout {
  names: string[];
  sizes: number[];
  offsets: number[];
  total: number;
}

export function parameterLayout(vars: Map<string, tf.Variable>): ParameterLayout {
  const names = [...vars.keys()];
  const sizes = names.map((n) => vars.get(n)!.size);
  const offsets: number[] = [];
  let total = 0;
  for (const size of sizes) {
    offsets.push(total);
    total += size;
  }
  return { names, sizes, offsets, total };
}

export interface ExchangeBuffers {
  control: SharedArrayBuffer;
  error: SharedArrayBuffer;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  gradFlags: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  rows: SharedArrayBuffer;
  encoded: SharedArrayBuffer;
  ranks: SharedArrayBuffer;
  /** The optimiser's moments m and v (flat, layout order), updated in place by the ranks. */
  moments: SharedArrayBuffer;
  /** Each rank's Σg² over its elements (float64). */
  norms: SharedArrayBuffer;
}

export function allocateExchange(layout: ParameterLayout, workers: number, batchRows: number, dim: number, samples: number, users: number): ExchangeBuffers {
  return {
    control: new SharedArrayBuffer(4 * 4),
    error: new SharedArrayBuffer(4096),
    params: new SharedArrayBuffer(4 * layout.total),
    grads: new SharedArrayBuffer(4 * layout.total * workers),
    gradFlags: new SharedArrayBuffer(layout.names.length * workers),
    losses: new SharedArrayBuffer(8 * LOSS_SLOTS * workers),
    rows: new SharedArrayBuffer(4 * 2 * batchRows * dim),
    encoded: new SharedArrayBuffer(4 * samples * dim),
    ranks: new SharedArrayBuffer(4 * users),
    moments: new SharedArrayBuffer(4 * layout.total * 2),
    norms: new SharedArrayBuffer(8 * workers),
  };
}

/** The shared-memory views and the barrier, the same on every rank. */
export class Exchange {
  private readonly control: Int32Array;
  readonly params: Float32Array;
  readonly encoded: Float32Array;
  /** The evaluation's answer ranks, one per user, each written by the rank that computed it. */
  readonly ranks: Int32Array;
  private readonly grads: Float32Array;
  private readonly flags: Uint8Array;
  private readonly losses: Float64Array;
  private readonly view: Float32Array;
  private readonly h: Float32Array;
  /** The optimiser's moments (AdamW.writeMoments/readMoments move them in and out). */
  readonly m: Float32Array;
  readonly v: Float32Array;
  private readonly norms: Float64Array;

  constructor(
    readonly buffers: ExchangeBuffers,
    readonly layout: ParameterLayout,
    readonly workers: number,
    batchRows: number,
    dim: number,
  ) {
    this.control = new Int32Array(buffers.control);
    this.params = new Float32Array(buffers.params);
    this.encoded = new Float32Array(buffers.encoded);
    this.ranks = new Int32Array(buffers.ranks);
    this.grads = new Float32Array(buffers.grads);
    this.flags = new Uint8Array(buffers.gradFlags);
    this.losses = new Float64Array(buffers.losses);
    this.view = new Float32Array(buffers.rows, 0, batchRows * dim);
    this.h = new Float32Array(buffers.rows, 4 * batchRows * dim, batchRows * dim);
    this.m = new Float32Array(buffers.moments, 0, layout.total);
    this.v = new Float32Array(buffers.moments, 4 * layout.total, layout.total);
    this.norms = new Float64Array(buffers.norms);
  }

  /** Blocks until `parties` ranks have arrived (a generation barrier); throws a worker's recorded failure. */
  barrier(parties: number): void {
    const c = this.control;
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, COUNT, 1) === parties - 1) {
      Atomics.store(c, COUNT, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
    } else {
      const deadline = Date.now() + BARRIER_TIMEOUT_MS;
      while (Atomics.load(c, GENERATION) === generation) {
        if (Atomics.load(c, FAILED)) break;
        if (Date.now() > deadline) this.fail(`a training worker did not answer within ${BARRIER_TIMEOUT_MS / 60_000} minutes`);
        Atomics.wait(c, GENERATION, generation, 250);
      }
    }
    if (Atomics.load(c, FAILED)) throw this.failure();
  }

  /** Records the first failure and wakes every waiting rank. */
  fail(message: string): void {
    this.record({ message });
  }

  /** `fail` with the error itself: it reaches rank 0 whole (core/errors.ts carryError), code included. */
  failWith(where: string, error: unknown): void {
    const carried = carryError(error);
    this.record({ ...carried, message: `${where}: ${carried.message}` });
  }

  private record(carried: CarriedError): void {
    if (Atomics.compareExchange(this.control, FAILED, 0, 1) === 0) {
      const room = this.buffers.error.byteLength - 4;
      let bytes = new TextEncoder().encode(JSON.stringify(carried));
      // Too long for the buffer: the code and the message's start (at most 4 bytes a character), still JSON.
      if (bytes.length > room) bytes = new TextEncoder().encode(JSON.stringify({ code: carried.code, message: carried.message.slice(0, (room - 100) >> 2) }));
      new Uint8Array(this.buffers.error, 4).set(bytes);
      new Int32Array(this.buffers.error, 0, 1)[0] = bytes.length;
    }
    Atomics.notify(this.control, GENERATION);
  }

  failure(): Error {
    const length = new Int32Array(this.buffers.error, 0, 1)[0]!;
    const carried = JSON.parse(new TextDecoder().decode(new Uint8Array(this.buffers.error, 4, length).slice())) as CarriedError;
    return restoreError(carried, 'Data-parallel training failed: ');
  }

  /** Stores the ranks a part of the evaluation computed (the others are −1). */
  writeRanks(part: Int32Array): void {
    part.forEach((rank, i) => {
      if (rank >= 0) this.ranks[i] = rank;
    });
  }

  /** The row exchange of a step computed by `parties` ranks. */
  rows(parties: number): RowExchange {
    return {
      gather: (kind, rows, values, batchRows) => {
        const buffer = kind === 'view' ? this.view : this.h;
        const d = values.length / rows.length;
        rows.forEach((row, k) => buffer.set(values.subarray(k * d, k * d + d), row * d));
        this.barrier(parties);
        return buffer.subarray(0, batchRows * d);
      },
    };
  }

  /** Rank `rank` stores its gradient share and loss shares. */
  writeShare(rank: number, share: ShardResult): void {
    const { names, offsets, sizes, total } = this.layout;
    names.forEach((name, j) => {
      const g = share.grads.get(name);
      this.flags[rank * names.length + j] = g ? 1 : 0;
      if (g) this.grads.set(g.dataSync() as Float32Array, rank * total + offsets[j]!);
      else this.grads.fill(0, rank * total + offsets[j]!, rank * total + offsets[j]! + sizes[j]!);
    });
    this.losses[rank * LOSS_SLOTS] = share.parts.rec ?? 0;
    this.losses[rank * LOSS_SLOTS + 1] = share.parts.diff ?? 0;
  }

  /**
   * The step's optimiser update, shared by the `parties` ranks that computed it (each calls this
   * after `writeShare`): rank k owns elements [k·total/parties, (k+1)·total/parties) of the flat
   * parameters; it sums the ranks' gradient shares there (in rank order, the same every step), adds
   * their squares to its part of the global norm, and once every part is in, clips and applies AdamW
   * to its elements of the shared parameters and moments. So the sum, the norm and the update are
   * split like the rest of the step rather than done by rank 0 alone; a parameter no rank has a
   * gradient for is left as it is, as one worker's optimiser does. Returns the norm before clipping.
   */
  update(rank: number, parties: number, settings: AdamWSettings, optimizerStep: number): number {
    this.barrier(parties); // every share is written
    const { names, offsets, sizes, total } = this.layout;
    const from = Math.floor((total * rank) / parties);
    const to = Math.floor((total * (rank + 1)) / parties);
    const g = this.grads;
    const owned: [number, number][] = [];
    names.forEach((_, j) => {
      const lo = Math.max(from, offsets[j]!);
      const hi = Math.min(to, offsets[j]! + sizes[j]!);
      if (lo >= hi) return;
      let any = false;
      for (let k = 0; k < parties; k++) any ||= this.flags[k * names.length + j] === 1;
      if (any) owned.push([lo, hi]);
    });
    let squares = 0;
    for (const [lo, hi] of owned) {
      for (let i = lo; i < hi; i++) {
        let sum = g[i]!;
        for (let k = 1; k < parties; k++) sum = Math.fround(sum + g[k * total + i]!);
        g[i] = sum;
        squares += sum * sum;
      }
    }
    this.norms[rank] = squares;
    this.barrier(parties); // every part of the norm is in
    let all = 0;
    for (let k = 0; k < parties; k++) all += this.norms[k]!;
    const norm = Math.sqrt(all);
    const step = adamwStep(settings, optimizerStep, norm);
    for (const [lo, hi] of owned) adamwElements(step, lo, hi, [this.params, this.m, this.v, g], [this.params, this.m, this.v]);
    this.barrier(parties); // the parameters are updated
    return norm;
  }

  /** Rank 0: the step's loss values, its own with the other ranks' shares of rec and diffusion added. */
  lossParts(own: Record<string, number>, parties: number): Record<string, number> {
    const parts = { ...own };
    for (let k = 1; k < parties; k++) {
      parts.rec = (parts.rec ?? 0) + this.losses[k * LOSS_SLOTS]!;
      if (parts.diff !== undefined) parts.diff += this.losses[k * LOSS_SLOTS + 1]!;
    }
    return parts;
  }

  /** Rank 0 publishes its parameters. */
  writeParameters(vars: Map<string, tf.Variable>): void {
    this.layout.names.forEach((name, j) => this.params.set(vars.get(name)!.dataSync() as Float32Array, this.layout.offsets[j]!));
  }

  /** A rank copies the shared parameters into its variables. */
  readParameters(vars: Map<string, tf.Variable>, assign: (v: tf.Variable, values: Float32Array) => void): void {
    this.layout.names.forEach((name, j) => assign(vars.get(name)!, this.params.slice(this.layout.offsets[j]!, this.layout.offsets[j]! + this.layout.sizes[j]!)));
  }
}

/** Where a replica finds its item table when it is not the plain ID table (LLMDiRec: the run's store). */
export interface TableSource {
  dbFile: string;
  dataset: string;
}

/** What a replica worker starts from (its workerData). */
export interface ReplicaInit {
  rank: number;
  workers: number;
  backend: string;
  settings: TrainingSettings;
  data: SequenceData;
  table?: TableSource;
  layout: ParameterLayout;
  buffers: ExchangeBuffers;
}

export type ToReplica =
  | { type: 'step'; version: number; plan: StepPlan }
  | { type: 'encode'; version: number; count: number }
  | { type: 'rank'; version: number; split: Split }
  | { type: 'stop' };
export type FromReplica = { type: 'ready' } | { type: 'failed'; error: CarriedError };

/** Rank 0's handle on the replica workers (ranks 1 … workers−1). */
export class ReplicaPool {
  private version = 0;

  private constructor(
    readonly exchange: Exchange,
    private readonly replicas: Worker[],
  ) {}

  /** Starts `init.workers − 1` replicas and waits until each has built its model. */
  static async start(init: Omit<ReplicaInit, 'rank'>, exchange: Exchange): Promise<ReplicaPool> {
    const url = workerEntry(import.meta.url, 'replica-worker');
    const replicas = Array.from({ length: init.workers - 1 }, (_, k) => startWorker(url, { ...init, rank: k + 1 } satisfies ReplicaInit));
    const pool = new ReplicaPool(exchange, replicas);
    try {
      await Promise.all(
        replicas.map(
          (w, k) =>
            new Promise<void>((resolve, reject) => {
              w.once('message', (msg: FromReplica) => (msg.type === 'ready' ? resolve() : reject(restoreError(msg.error, `training worker ${k + 1}: `))));
              w.once('error', (e) => reject(new Error(`training worker ${k + 1} crashed: ${e.message}`)));
              w.once('exit', (code) => reject(new Error(`training worker ${k + 1} exited with code ${code} while starting`)));
            }),
        ),
      );
    } catch (error) {
      pool.dispose();
      throw error;
    }
    for (const w of replicas) w.unref(); // an idle pool must not keep a finished process alive
    return pool;
  }

  /**
   * Publishes the current parameters (unless the shared ones already are rank 0's: `publish` false)
   * and hands the replicas their next task; they take the shared parameters whenever a task is new.
   */
  post(vars: Map<string, tf.Variable>, task: { type: 'step'; plan: StepPlan } | { type: 'encode'; count: number } | { type: 'rank'; split: Split }, publish = true): void {
    if (publish) this.exchange.writeParameters(vars);
    this.version++;
    for (const w of this.replicas) w.postMessage({ ...task, version: this.version } satisfies ToReplica);
  }

  /**
   * Full-ranking evaluation split across the workers: each ranks every workers-th user of the
   * length order (exact: users are independent) and rank 0 computes the metrics of all.
   */
  async evaluate(ranker: Ranker & { variables(): Map<string, tf.Variable> }, cases: readonly EvaluationCase[], split: Split, options: EvaluateOptions): Promise<RankingMetrics> {
    this.post(ranker.variables(), { type: 'rank', split });
    try {
      this.exchange.writeRanks(await answerRanks(ranker, cases, { ...options, part: { rank: 0, workers: this.replicas.length + 1 } }));
    } catch (error) {
      this.exchange.failWith('worker 0', error);
      throw error;
    }
    this.exchange.barrier(this.replicas.length + 1);
    return metricsFromRanks(this.exchange.ranks.slice(0, cases.length));
  }

  dispose(): void {
    this.exchange.fail('training stopped');
    for (const w of this.replicas) void w.terminate();
  }
}
