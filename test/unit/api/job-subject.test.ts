/**
 * Jobs carry what they work on (`subject`) as data. Whether a run is training here is asked of the
 * *training* jobs with that run id — not read out of job titles, where an evaluation, intents or
 * recommendations job of the run also names it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/api/jobs';
import { createService } from '../../../src-main/api/service';
import { createRun, recordCheckpoint, updateRun } from '../../../src-main/engine/run-store';
import { trainingHere } from '../../../src-main/engine/runs';
import { resolveSettings } from '../../../src-main/engine/settings';
import { openDb } from '../../../src-main/database';

/** A promise to end a stand-in job with (its body starts a tick after `start`, so no closure is set yet). */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-job-subject-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('job subjects', () => {
  const dbFile = join(dir, 'ws.sqlite');
  const service = createService({ db: openDb(dbFile), dbFile, jobs: new JobRunner() });
  // Stand-in jobs below end with no result of their kind: the runner's untyped view starts them.
  const jobs: JobRunner = service.context.jobs;
  afterAll(() => service.close());

  it('a run killed while an analysis job of it runs shows as interrupted and can be resumed', async () => {
    writeFileSync(join(dir, 'tiny.txt'), '1 1 2 3\n2 2 3 1 4\n3 4 1 2 3 4\n');
    const { jobId: importJob } = await service.call('datasets.import', { name: 'tiny', format: 'sr-txt', source: join(dir, 'tiny.txt'), options: { kcore: 0 } });
    await jobs.wait(importJob);
    expect(jobs.list().find((j) => j.jobId === importJob)).toMatchObject({ kind: 'import', subject: { dataset: 'tiny' } });

    // A run whose process was killed mid-training: recorded as running, with no live owner.
    const run = createRun(service.context.db, dbFile, 'tiny', resolveSettings('tiny', { model: 'sasrec', epochs: 5 }));
    updateRun(service.context.db, run.id, { status: 'running', epochsDone: 3 });
    const analysisDone = deferred();
    const analysis = jobs.start('analysis', `Intents of sasrec on tiny (${run.id})`, () => analysisDone.promise, { runId: run.id });
    expect(trainingHere(jobs, run.id)).toBe(false);
    expect((await service.call('runs.show', { runId: run.id })).status).toBe('interrupted');
    // Past the "already running" check: the budget below what it has done is what is refused.
    await expect(service.call('runs.resume', { runId: run.id, epochs: 1 })).rejects.toMatchObject({ code: 'validation', message: expect.stringMatching(/already trained 3 epochs/) });
    analysisDone.resolve();
    await jobs.wait(analysis);

    // A training job of the run is what makes it active here.
    const trainingDone = deferred();
    const training = jobs.start('train', 'Train something', () => trainingDone.promise, { runId: run.id });
    expect(trainingHere(jobs, run.id)).toBe(true);
    expect((await service.call('runs.show', { runId: run.id })).status).toBe('running');
    await expect(service.call('runs.resume', { runId: run.id })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already running/) });
    trainingDone.resolve();
    await jobs.wait(training);
  });

  it('an evaluation job names its run as its subject', async () => {
    const run = createRun(service.context.db, dbFile, 'tiny', resolveSettings('tiny', { model: 'sasrec', epochs: 1 }));
    const file = join(dir, 'not-a-checkpoint.safetensors');
    writeFileSync(file, 'nothing here');
    recordCheckpoint(service.context.db, run.id, 'last', 1, file);
    const { jobId } = await service.call('runs.evaluate', { runId: run.id });
    await jobs.wait(jobId).catch(() => undefined);
    expect(jobs.list().find((j) => j.jobId === jobId)).toMatchObject({ kind: 'evaluate', subject: { runId: run.id } });
  }, 60_000);
});
