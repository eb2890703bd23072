import { randomUUID } from 'node:crypto';
import { ApiError, toApiError } from './errors';
import type { JobEvent, JobInfo, JobKind, JobSubject } from './job-events';

/** What a job's body gets: a cancel signal, a way to report, and a pause gate for step loops. */
export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress(done: number, total?: number, message?: string, etaSeconds?: number): void;
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
  metrics(series: string, step: number, values: Record<string, number>): void;
  /** Resolves immediately unless the job is paused; call it between steps. */
  whilePaused(): Promise<void>;
  /** Optional hooks a job installs when it can pause inside a worker (training). */
  onPauseChange?: (paused: boolean) => void;
}

interface JobRecord {
  info: JobInfo;
  controller: AbortController;
  finished: Promise<unknown>;
  paused: boolean;
  resumeWaiters: (() => void)[];
  context: JobContext;
}

/** A job kind → its result type; adapters give the runner the contract's map (api/contracts/jobs.ts). */
export type JobResultTypes = { [K in JobKind]: unknown };

/** The event stream with each `done` event's result typed by its kind. */
export type TypedJobEvent<R extends JobResultTypes> =
  | Exclude<JobEvent, { type: 'done' }>
  | { [K in JobKind]: { type: 'done'; jobId: string; kind: K; result: R[K] } }[JobKind];

type Listener = (event: JobEvent) => void;

/**
 * Runs long work as jobs and turns its progress into the contract's event stream. Heavy bodies
 * hand their computation to worker threads; the runner itself only bookkeeps.
 */
export class JobRunner<R extends JobResultTypes = JobResultTypes> {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly listeners = new Set<Listener>();

  onEvent(listener: (event: TypedJobEvent<R>) => void): () => void {
    // Every `done` this runner emits carries a result of its kind's type: `start` takes no other body.
    const any = listener as Listener;
    this.listeners.add(any);
    return () => this.listeners.delete(any);
  }

  private emit(event: JobEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (a closed socket) must not stop the job or the other listeners.
      }
    }
  }

  /**
   * Starts `body` as a job; its result has the type of its kind. `subject` (the run or dataset it
   * works on) lets callers find it by kind and subject.
   */
  start<K extends JobKind>(kind: K, title: string, body: (ctx: JobContext) => Promise<R[K]>, subject?: JobSubject): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    const info: JobInfo = { jobId, kind, title, ...(subject ? { subject } : {}), state: 'running', startedAt: new Date().toISOString() };
    const record = { info, controller, paused: false, resumeWaiters: [] } as unknown as JobRecord;
    let lastProgressAt = 0;
    record.context = {
      jobId,
      signal: controller.signal,
      progress: (done, total, message, etaSeconds) => {
        info.progress = { done, total, message };
        // Throttled so a tight loop cannot flood a WebSocket; the final value always goes out.
        const now = Date.now();
        if (now - lastProgressAt < 100 && total !== undefined && done < total) return;
        lastProgressAt = now;
        this.emit({ type: 'progress', jobId, done, total, message, etaSeconds });
      },
      log: (message, level = 'info') => this.emit({ type: 'log', jobId, level, message }),
      metrics: (series, step, values) => this.emit({ type: 'metrics', jobId, series, step, values }),
      whilePaused: () =>
        record.paused && !controller.signal.aborted
          ? new Promise<void>((resolve) => record.resumeWaiters.push(resolve))
          : Promise.resolve(),
    };
    this.jobs.set(jobId, record);
    this.emit({ type: 'started', job: { ...info } });
    record.finished = (async () => {
      // Start on a later tick so a caller that subscribes right after `start` returns (the CLI,
      // a transport answering the request) sees every event of the body.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        const result = await body(record.context);
        if (controller.signal.aborted) throw new ApiError('cancelled', 'Cancelled');
        info.state = 'succeeded';
        this.emit({ type: 'done', jobId, kind, result });
        return result;
      } catch (error) {
        if (controller.signal.aborted) {
          info.state = 'cancelled';
          this.emit({ type: 'cancelled', jobId });
        } else {
          info.state = 'failed';
          info.error = toApiError(error).toJSON();
          this.emit({ type: 'failed', jobId, error: info.error });
        }
        throw error;
      } finally {
        info.endedAt = new Date().toISOString();
      }
    })();
    record.finished.catch(() => undefined);
    return jobId;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info, ...(j.info.subject ? { subject: { ...j.info.subject } } : {}) })).reverse();
  }

  private get(jobId: string): JobRecord {
    const job = this.jobs.get(jobId);
    if (!job) throw new ApiError('not_found', `No job ${jobId}`);
    return job;
  }

  cancel(jobId: string): boolean {
    const job = this.get(jobId);
    if (job.info.state !== 'running' && job.info.state !== 'paused') return false;
    job.controller.abort();
    this.release(job);
    return true;
  }

  pause(jobId: string): boolean {
    const job = this.get(jobId);
    if (job.info.state !== 'running') return false;
    job.paused = true;
    job.info.state = 'paused';
    job.context.onPauseChange?.(true);
    this.emit({ type: 'state', jobId, state: 'paused' });
    return true;
  }

  resume(jobId: string): boolean {
    const job = this.get(jobId);
    if (job.info.state !== 'paused') return false;
    job.info.state = 'running';
    job.context.onPauseChange?.(false);
    this.release(job);
    this.emit({ type: 'state', jobId, state: 'running' });
    return true;
  }

  private release(job: JobRecord): void {
    job.paused = false;
    for (const resolve of job.resumeWaiters.splice(0)) resolve();
  }

  /** Resolves with the job's result, or rejects with its error. */
  wait(jobId: string): Promise<unknown> {
    return this.get(jobId).finished;
  }

  /**
   * `wait` with the result typed: that of `kind` (`start` took only a body of that type), any kind's
   * without one. A job of another kind than asked is refused, so the type is never a guess.
   */
  waitFor<K extends JobKind = JobKind>(jobId: string, kind?: K): Promise<R[K]> {
    const job = this.get(jobId);
    if (kind !== undefined && job.info.kind !== kind) throw new ApiError('bad_input', `Job ${jobId} is a ${job.info.kind} job, not ${kind}`);
    return job.finished as Promise<R[K]>;
  }

  /** Cancels everything (app quit); resolves when all bodies have returned. */
  async shutdown(): Promise<void> {
    for (const job of this.jobs.values()) if (job.info.state === 'running' || job.info.state === 'paused') this.cancel(job.info.jobId);
    await Promise.allSettled([...this.jobs.values()].map((j) => j.finished));
  }
}

/** Throws the contract's `cancelled` error when the signal has fired; call it between chunks of work. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ApiError('cancelled', 'Cancelled');
}
