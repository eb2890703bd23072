import type { HandlerTable } from '../service';

export const jobHandlers: HandlerTable<'jobs.list' | 'jobs.cancel' | 'jobs.pause' | 'jobs.resume' | 'jobs.wait'> = {
  'jobs.list': (_input, { jobs }) => jobs.list(),
  'jobs.cancel': ({ jobId }, { jobs }) => ({ cancelled: jobs.cancel(jobId) }),
  'jobs.pause': ({ jobId }, { jobs }) => ({ paused: jobs.pause(jobId) }),
  'jobs.resume': ({ jobId }, { jobs }) => ({ resumed: jobs.resume(jobId) }),
  'jobs.wait': ({ jobId, kind }, { jobs }) => jobs.waitFor(jobId, kind),
};
