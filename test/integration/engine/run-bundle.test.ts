/**
 * Run bundles through the API: a run stopped mid-way, exported and imported into another store, trains
 * on there to exactly the result of an uninterrupted run; a bundle is refused — leaving nothing behind —
 * over other data, twice, or when it is not a bundle.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/api/jobs';
import { createService } from '../../../src-main/api/service';
import type { Db } from '../../../src-main/store/db';
import { executeRun } from '../../../src-main/engine/run-loop';
import { createRun, getRun, listRuns, runCheckpoints, runEpochAssignments, runEpochs, updateRun } from '../../../src-main/engine/run-store';
import { resolveSettings } from '../../../src-main/engine/settings';
import { ringStore, tiny } from './ring-store';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const api = (store: { db: Db; file: string }) => createService({ db: store.db, dbFile: store.file, jobs: new JobRunner() });

describe('run bundles', () => {
  it('a stopped run exported to another store resumes there to the uninterrupted result', async () => {
    const home = await ringStore(dir, 'home');
    const settings = resolveSettings(undefined, { ...tiny, model: 'indirec', epochs: 3 });
    const reference = createRun(home.db, home.file, 'ring', settings);
    const expected = await executeRun(home.db, reference.id);

    const stopped = createRun(home.db, home.file, 'ring', settings);
    const abort = new AbortController();
    await expect(executeRun(home.db, stopped.id, { signal: abort.signal, metrics: (series, x) => series === 'epoch' && x === 0 && abort.abort() })).rejects.toThrow(/Cancelled/);
    // As if killed while training: the bundle carries it as interrupted, resumable.
    updateRun(home.db, stopped.id, { status: 'running' });
    const homeApi = api(home);
    const file = join(dir, 'stopped.llmdirec-run.safetensors');
    const exported = await homeApi.call('runs.export', { runId: stopped.id, file });
    expect(exported).toMatchObject({ epochsDone: 1, checkpoints: ['best', 'last'] });
    expect(readFileSync(file).byteLength).toBe(exported.bytes);

    const away = await ringStore(dir, 'away');
    const awayApi = api(away);
    const imported = await awayApi.call('runs.import', { file });
    expect(imported).toMatchObject({ id: stopped.id, status: 'interrupted', epochsDone: 1, epochs: 3, model: 'indirec', dataset: 'ring' });
    expect(runEpochs(away.db, stopped.id)).toEqual(runEpochs(home.db, stopped.id));
    expect(runEpochAssignments(away.db, stopped.id)).toEqual(runEpochAssignments(home.db, stopped.id));
    const checkpoints = runCheckpoints(away.db, stopped.id);
    expect(checkpoints.map((c) => [c.kind, c.epoch, c.file.startsWith(join(dir, 'away')) && existsSync(c.file)])).toEqual([['best', 0, true], ['last', 1, true]]);

    const { jobId } = await awayApi.call('runs.resume', { runId: stopped.id });
    await awayApi.context.jobs.wait(jobId);
    // It continued from the imported checkpoint: epoch 0 is the one trained at home, not trained again.
    expect(runEpochs(away.db, stopped.id)[0]).toEqual(runEpochs(home.db, stopped.id)[0]);
    expect(getRun(away.db, stopped.id)!.test).toEqual(expected.test);
    expect(runEpochs(away.db, stopped.id).map((e) => e.losses)).toEqual(runEpochs(home.db, reference.id).map((e) => e.losses));

    // Refusals leave the store as it was.
    await expect(awayApi.call('runs.import', { file })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/already in this store/) });
    const other = await ringStore(dir, 'other', 11);
    const otherApi = api(other);
    await expect(otherApi.call('runs.import', { file })).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/"ring" here has other sequences \(120 users, 30 items\)/) });
    await expect(otherApi.call('runs.import', { file, dataset: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
    const truncated = join(dir, 'truncated.safetensors');
    writeFileSync(truncated, readFileSync(file).subarray(0, 1000));
    await expect(otherApi.call('runs.import', { file: truncated })).rejects.toMatchObject({ code: 'bad_input', message: expect.stringMatching(/is not a run bundle/) });
    await expect(otherApi.call('runs.import', { file: runCheckpoints(home.db, reference.id)[0]!.file })).rejects.toMatchObject({
      code: 'bad_input',
      message: expect.stringMatching(/without format "llmdirec-run"/),
    });
    expect(listRuns(other.db)).toEqual([]);

    // A run that has not finished an epoch yet travels too (no checkpoint): it starts over there.
    const queued = createRun(home.db, home.file, 'ring', settings);
    const early = await homeApi.call('runs.export', { runId: queued.id, file: dir });
    expect(early).toMatchObject({ epochsDone: 0, checkpoints: [] });
    expect(await awayApi.call('runs.import', { file: early.file })).toMatchObject({ id: queued.id, status: 'interrupted', epochsDone: 0 });
    expect(runCheckpoints(away.db, queued.id)).toEqual([]);
    expect(existsSync(join(dir, 'other', 'runs', stopped.id))).toBe(false);
    for (const s of [home, away, other]) s.db.close();
  }, 180_000);
});
