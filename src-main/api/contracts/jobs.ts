import { z } from 'zod';
import { JobInfo, method, NoInput } from './common';

export const jobMethods = {
  'jobs.list': method({ summary: 'Jobs of this session, newest first.', input: NoInput, output: z.array(JobInfo) }),
  'jobs.cancel': method({
    summary: 'Asks a running job to stop; it ends with a `cancelled` event and leaves nothing half-written.',
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'jobs.pause': method({
    summary: 'Pauses a job that supports it (training), at the next safe point.',
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ paused: z.boolean() }),
  }),
  'jobs.resume': method({
    summary: 'Resumes a paused job.',
    input: z.object({ jobId: z.string() }).strict(),
    output: z.object({ resumed: z.boolean() }),
  }),
  'jobs.wait': method({
    summary: 'Waits until a job ends and returns its result (CLI and tests).',
    input: z.object({ jobId: z.string() }).strict(),
    output: z.unknown(),
  }),
} as const;
