import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../../src-main/api/service';
import { JobRunner } from '../../../src-main/api/jobs';
import { openDb } from '../../../src-main/database';
import { ApiError, type JobEvent } from '../../../src-main/api/contracts/common';

let service: Service | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

function fresh(): Service {
  service = createService({ db: openDb(':memory:'), dbFile: ':memory:', jobs: new JobRunner() });
  return service;
}

describe('service.invoke validates untrusted calls against the contract', () => {
  it('refuses an unknown method', async () => {
    await expect(fresh().invoke('system.exec', {})).rejects.toMatchObject({ code: 'validation', message: 'Unknown method: system.exec' });
  });

  it('refuses a prototype-chain method name', async () => {
    await expect(fresh().invoke('constructor', {})).rejects.toMatchObject({ code: 'validation' });
    await expect(fresh().invoke('__proto__', {})).rejects.toMatchObject({ code: 'validation' });
  });

  it('names the offending field of a malformed payload', async () => {
    const error = (await fresh()
      .invoke('datasets.stats', { name: '../etc/passwd' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe('validation');
    expect(error.message).toMatch(/^Invalid request for datasets.stats: name: /);
  });

  it('refuses extra fields (strict schemas)', async () => {
    await expect(fresh().invoke('datasets.list', { sql: 'DROP TABLE items' })).rejects.toMatchObject({ code: 'validation' });
  });

  it('answers a valid call', async () => {
    await expect(fresh().call('datasets.list', {})).resolves.toEqual([]);
    await expect(fresh().call('datasets.stats', { name: 'nope' })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('JobRunner', () => {
  it('streams progress then exactly one terminal event', async () => {
    const jobs = new JobRunner();
    const events: JobEvent[] = [];
    jobs.onEvent((e) => events.push(e));
    const id = jobs.start('analysis', 'count', async (ctx) => {
      for (let i = 1; i <= 3; i++) ctx.progress(i, 3);
      return 42;
    });
    await expect(jobs.wait(id)).resolves.toBe(42);
    expect(events.map((e) => e.type)).toEqual(['started', 'progress', 'progress', 'done']);
    expect(events.at(-1)).toMatchObject({ type: 'done', kind: 'analysis', result: 42 });
  });

  it('types a job result by its kind: jobs.wait with another kind is refused', async () => {
    const s = fresh();
    const started = await s.call('datasets.createDemo', { name: 'typed' });
    expect(started).toMatchObject({ kind: 'demo' });
    await expect(s.call('jobs.wait', { jobId: started.jobId, kind: 'train' })).rejects.toMatchObject({ code: 'bad_input', message: expect.stringMatching(/is a demo job, not train/) });
    const summary = await s.context.jobs.waitFor(started.jobId, started.kind);
    expect(summary.name).toBe('typed');
    await expect(s.call('jobs.wait', started)).resolves.toMatchObject({ name: 'typed' });
  });

  it('cancels a running job and reports it as cancelled, not failed', async () => {
    const jobs = new JobRunner();
    const events: JobEvent[] = [];
    jobs.onEvent((e) => events.push(e));
    const id = jobs.start('analysis', 'loop', async (ctx) => {
      while (!ctx.signal.aborted) await new Promise((r) => setTimeout(r, 5));
      throw new Error('stopped');
    });
    expect(jobs.cancel(id)).toBe(true);
    await expect(jobs.wait(id)).rejects.toThrow();
    expect(events.at(-1)).toEqual({ type: 'cancelled', jobId: id });
    expect(jobs.list()[0]!.state).toBe('cancelled');
  });

  it('holds a paused job at whilePaused() until resumed', async () => {
    const jobs = new JobRunner();
    let steps = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const id = jobs.start('train', 'steps', async (ctx) => {
      await gate;
      for (let i = 0; i < 5; i++) {
        await ctx.whilePaused();
        steps++;
      }
      return steps;
    });
    jobs.pause(id);
    release();
    await new Promise((r) => setTimeout(r, 30));
    expect(steps).toBe(0);
    jobs.resume(id);
    await expect(jobs.wait(id)).resolves.toBe(5);
  });

  it('reports a failure with the ApiError shape', async () => {
    const jobs = new JobRunner();
    const events: JobEvent[] = [];
    jobs.onEvent((e) => events.push(e));
    const id = jobs.start('import', 'bad', async () => {
      throw new ApiError('bad_input', 'x.txt, line 3: "a" is not a numeric id', { file: 'x.txt', line: 3 });
    });
    await expect(jobs.wait(id)).rejects.toThrow();
    expect(events.at(-1)).toEqual({
      type: 'failed',
      jobId: id,
      error: { code: 'bad_input', message: 'x.txt, line 3: "a" is not a numeric id', file: 'x.txt', line: 3 },
    });
  });
});

describe('JobRunner subscription timing', () => {
  it('delivers every body event to a listener that subscribes right after start()', async () => {
    const jobs = new JobRunner();
    const id = jobs.start('analysis', 'eager', async (ctx) => {
      ctx.log('first line');
      return 1;
    });
    const seen: string[] = [];
    jobs.onEvent((e) => seen.push(e.type));
    await jobs.wait(id);
    expect(seen).toEqual(['log', 'done']);
  });
});
