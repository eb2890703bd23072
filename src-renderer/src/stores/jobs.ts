import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { waitForJob, type ApiErrorShape, type JobEventOf, type JobHandle, type JobInfo, type JobKind, type JobResult } from '../../../src-main/api/contract';
import { api } from '../api/client';

export interface MetricPoint {
  step: number;
  values: Record<string, number>;
}

export interface TrackedJob {
  info: JobInfo;
  progress?: { done: number; total?: number; message?: string; etaSeconds?: number };
  logs: { level: 'info' | 'warn' | 'error'; message: string; at: number }[];
  /** Metric series (e.g. 'loss', 'valid') in arrival order, for live curves. */
  metrics: Record<string, MetricPoint[]>;
  result?: JobResult;
  error?: ApiErrorShape;
}

const MAX_LOG = 500;

/** Every job of the session, kept current from the event stream (progress bars, logs, curves). */
export const useJobs = defineStore('jobs', () => {
  const byId = reactive(new Map<string, TrackedJob>());

  function ensure(jobId: string): TrackedJob {
    let job = byId.get(jobId);
    if (!job) {
      job = { info: { jobId, kind: 'import', title: 'Job', state: 'running', startedAt: new Date().toISOString() }, logs: [], metrics: {} };
      byId.set(jobId, job);
      job = byId.get(jobId)!;
    }
    return job;
  }

  function apply(event: JobEventOf): void {
    if (event.type === 'started') {
      const job = ensure(event.job.jobId);
      job.info = { ...event.job };
      return;
    }
    const job = ensure(event.jobId);
    switch (event.type) {
      case 'progress':
        job.progress = { done: event.done, total: event.total, message: event.message, etaSeconds: event.etaSeconds };
        break;
      case 'log':
        job.logs.push({ level: event.level, message: event.message, at: Date.now() });
        if (job.logs.length > MAX_LOG) job.logs.splice(0, job.logs.length - MAX_LOG);
        break;
      case 'metrics':
        (job.metrics[event.series] ??= []).push({ step: event.step, values: event.values });
        break;
      case 'state':
        job.info.state = event.state;
        break;
      case 'done':
        job.info.state = 'succeeded';
        job.result = event.result;
        break;
      case 'failed':
        job.info.state = 'failed';
        job.error = event.error;
        break;
      case 'cancelled':
        job.info.state = 'cancelled';
        break;
    }
  }

  /**
   * Re-reads every job's state from the server. Events are the fast path, but an event sent while
   * the WebSocket was reconnecting (or dropped by a stalled tab) is lost for good, and a job whose
   * 'done' was missed would show as running forever; so while any job is running this also polls.
   */
  async function sync(): Promise<void> {
    for (const info of await api.call('jobs.list', {})) {
      const job = byId.get(info.jobId);
      if (!job) byId.set(info.jobId, { info, logs: [], metrics: {} });
      else if (job.info.state !== info.state) {
        job.info = { ...job.info, ...info };
        if (info.error) job.error = info.error;
      }
    }
  }

  let started = false;
  async function start(): Promise<void> {
    if (started) return;
    started = true;
    api.onEvent(apply);
    await sync();
    setInterval(() => {
      const active = [...byId.values()].some((j) => j.info.state === 'running' || j.info.state === 'paused');
      if (active) sync().catch(() => undefined);
    }, 3000);
  }

  /** Waits for a job's result, typed by its kind (rejects with its error); progress keeps arriving through the events. */
  function follow<K extends JobKind>(job: JobHandle<K>): Promise<JobResult<K>> {
    ensure(job.jobId);
    return waitForJob(api, job);
  }

  const cancel = (jobId: string) => api.call('jobs.cancel', { jobId });
  const pause = (jobId: string) => api.call('jobs.pause', { jobId });
  const resume = (jobId: string) => api.call('jobs.resume', { jobId });

  return { byId, start, sync, follow, cancel, pause, resume, get: (id: string) => byId.get(id) };
});
