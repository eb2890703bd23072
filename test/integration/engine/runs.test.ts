/**
 * Runs end to end on a tiny dataset in a temporary database: a job in a worker thread with live
 * metrics and run records; cancel; and a process killed mid-run that resumes from its last
 * checkpoint to exactly the result of an uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src-main/api/contracts/common';
import { JobRunner } from '../../../src-main/api/jobs';
import { executeRun } from '../../../src-main/engine/run-loop';
import { createRun, getRun, runEpochs, trainingElsewhere } from '../../../src-main/engine/run-store';
import { resumeRun, startRun } from '../../../src-main/engine/runs';
import { resolveSettings } from '../../../src-main/engine/settings';
import { ringStore, tiny } from './ring-store';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tinyDb = (name: string) => ringStore(dir, name);

describe('training runs', () => {
  it('runs as a job in a worker thread with progress, metrics and run records', async () => {
    const { db, file } = await tinyDb('job');
    const jobs = new JobRunner();
    const events: JobEvent[] = [];
    jobs.onEvent((e) => events.push(e));
    const { jobId, runId } = startRun({ db, dbFile: file, jobs }, { dataset: 'ring', model: 'indirec', epochs: 2, settings: tiny });
    const result = (await jobs.wait(jobId)) as { test: Record<string, number> };
    expect(result.test.users).toBe(120);
    expect(events.some((e) => e.type === 'metrics' && e.series === 'loss' && 'diff' in e.values && 'cl' in e.values)).toBe(true);
    expect(events.some((e) => e.type === 'progress' && e.etaSeconds !== undefined)).toBe(true);
    const run = getRun(db, runId)!;
    expect(run.status).toBe('succeeded');
    expect(['wasm', 'cpu', 'tensorflow']).toContain(run.backend);
    expect(runEpochs(db, runId).map((e) => e.epoch)).toEqual([0, 1]);
    expect(runEpochs(db, runId)[0]!.clusterSizes!.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    db.close();
  }, 180_000);

  it('pause holds the worker between steps, resume continues, cancel stops it and marks the run cancelled', async () => {
    const { db, file } = await tinyDb('cancel');
    const jobs = new JobRunner();
    const steps: number[] = [];
    let pausedAt = -1;
    jobs.onEvent((e) => {
      if (e.type !== 'progress') return;
      steps.push(e.done);
      if (pausedAt < 0) {
        pausedAt = e.done;
        jobs.pause(e.jobId);
      } else if (steps.length > 3) jobs.cancel(e.jobId);
    });
    const { jobId, runId } = startRun({ db, dbFile: file, jobs }, { dataset: 'ring', model: 'sasrec', epochs: 50, settings: tiny });
    while (pausedAt < 0) await new Promise((r) => setTimeout(r, 50));
    const seen = steps.length;
    await new Promise((r) => setTimeout(r, 1500));
    // At most the step in flight when the pause arrived completes while paused.
    expect(steps.length).toBeLessThanOrEqual(seen + 1);
    expect(getRun(db, runId)!.status).toBe('paused');
    jobs.resume(jobId);
    await expect(jobs.wait(jobId)).rejects.toThrow(/Cancelled/);
    expect(steps.length).toBeGreaterThan(seen + 1);
    // The worker writes the final status just before it exits.
    await new Promise((r) => setTimeout(r, 500));
    expect(getRun(db, runId)!.status).toBe('cancelled');
    db.close();
  }, 180_000);

  it('trains a finished run further, to the epochs of a longer uninterrupted run', async () => {
    const { db, file } = await tinyDb('extend');
    const settings = resolveSettings(undefined, { ...tiny, model: 'indirec', epochs: 3 });
    const reference = createRun(db, file, 'ring', settings);
    await executeRun(db, reference.id);
    const short = createRun(db, file, 'ring', { ...settings, epochs: 2 });
    await executeRun(db, short.id);
    const jobs = new JobRunner();
    const ctx = { db, dbFile: file, jobs };
    expect(() => resumeRun(ctx, short.id)).toThrow(/already finished/);
    expect(() => resumeRun(ctx, short.id, 2)).toThrow(/already trained 2 epochs: give more than that/);
    expect(short.settings.workers).toBeUndefined();
    await jobs.wait(resumeRun(ctx, short.id, 3, 1).jobId);
    const extended = getRun(db, short.id)!;
    expect(extended).toMatchObject({ status: 'succeeded', epochsDone: 3 });
    expect(extended.settings).toMatchObject({ epochs: 3, workers: 1 });
    expect(runEpochs(db, short.id).map((e) => e.losses)).toEqual(runEpochs(db, reference.id).map((e) => e.losses));
    db.close();
  }, 120_000);

  it('finishes a stopped run where it is: its unvalidated final epoch is validated, then tested', async () => {
    const { db, file } = await tinyDb('finish');
    const settings = resolveSettings(undefined, { ...tiny, model: 'sasrec', epochs: 4, validateEvery: 10 });
    const reference = createRun(db, file, 'ring', { ...settings, epochs: 2 });
    const expected = await executeRun(db, reference.id);
    const stopped = createRun(db, file, 'ring', settings);
    const abort = new AbortController();
    await expect(executeRun(db, stopped.id, { signal: abort.signal, metrics: (series, x) => series === 'epoch' && x === 1 && abort.abort() })).rejects.toThrow(/Cancelled/);
    expect(runEpochs(db, stopped.id).map((e) => e.valid !== undefined)).toEqual([true, false]);
    expect(getRun(db, stopped.id)!.finishedAt).toBeDefined();
    const jobs = new JobRunner();
    const { jobId } = resumeRun({ db, dbFile: file, jobs }, stopped.id, 2);
    // Training again: the interruption's finish time is gone until the run finishes.
    expect(getRun(db, stopped.id)!.finishedAt).toBeUndefined();
    await jobs.wait(jobId);
    const finished = getRun(db, stopped.id)!;
    expect(finished.finishedAt).toBeDefined();
    expect(finished).toMatchObject({ status: 'succeeded', epochsDone: 2, bestEpoch: expected.bestEpoch });
    expect(runEpochs(db, stopped.id).map((e) => e.valid)).toEqual(runEpochs(db, reference.id).map((e) => e.valid));
    expect(finished.test).toEqual(expected.test);
    db.close();
  }, 120_000);

  it('a killed process resumes from its last checkpoint to the uninterrupted result', async () => {
    const { db, file } = await tinyDb('resume');
    const settings = resolveSettings(undefined, { ...tiny, model: 'indirec', epochs: 4 });
    const reference = createRun(db, file, 'ring', settings);
    const expected = await executeRun(db, reference.id);

    const victim = createRun(db, file, 'ring', settings);
    const script = `import { openDb } from './src-main/database'; import { executeRun } from './src-main/engine/run-loop';
      await executeRun(openDb(${JSON.stringify(file)}), ${JSON.stringify(victim.id)});`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(__dirname, '../../..'), stdio: 'ignore' });
    // Kill it (SIGKILL: no cleanup) once the first epoch's checkpoint is on disk.
    const last = join(victim.folder, 'last.safetensors');
    let seenTrainingElsewhere = false;
    let resumeWhileTraining: unknown;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(last) && getRun(db, victim.id)!.epochsDone >= 1) {
          clearInterval(timer);
          // While the child trains, this process sees it as training elsewhere and will not resume it.
          seenTrainingElsewhere = trainingElsewhere(getRun(db, victim.id)!);
          try {
            resumeRun({ db, dbFile: file, jobs: new JobRunner() }, victim.id);
          } catch (error) {
            resumeWhileTraining = error;
          }
          child.kill('SIGKILL');
          resolve();
        }
      }, 50);
      child.on('exit', () => (clearInterval(timer), reject(new Error('the run finished before it could be killed'))));
    }).catch((e: Error) => {
      if (!/finished before/.test(e.message)) throw e;
    });
    await new Promise((r) => child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.on('exit', r));
    const before = getRun(db, victim.id)!;
    expect(before.status).toBe('running'); // killed: nobody marked it finished
    expect(seenTrainingElsewhere).toBe(true);
    expect(String(resumeWhileTraining)).toMatch(/another process \(pid \d+\)/);
    expect(before.owner?.pid).toBe(child.pid);
    expect(trainingElsewhere(before)).toBe(false); // its owner is gone: interrupted, resumable
    expect(before.epochsDone).toBeLessThan(4);
    const resumed = await executeRun(db, victim.id);
    expect(resumed.test).toEqual(expected.test);
    expect(runEpochs(db, victim.id).map((e) => e.losses)).toEqual(runEpochs(db, reference.id).map((e) => e.losses));
    db.close();
  }, 300_000);
});
