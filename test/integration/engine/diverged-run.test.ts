/**
 * Issue #12 (b): a run whose loss becomes non-finite stops as `diverged` (a final status), says at
 * which epoch and step which loss component became non-finite, keeps its last finite checkpoint and
 * writes no checkpoint from the broken state; `train` exits non-zero and `runs list` shows it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src-main/cli/main';
import { assertFiniteWeights } from '../../../src-main/engine/model';
import { JobRunner } from '../../../src-main/api/jobs';
import { executeRun } from '../../../src-main/engine/run-loop';
import { createRun, getRun, runCheckpoints, runEpochs } from '../../../src-main/engine/run-store';
import { resumeRun } from '../../../src-main/engine/runs';
import { readSafetensors } from '../../../src-main/engine/safetensors';
import { resolveSettings } from '../../../src-main/engine/settings';
import { ringStore, tiny } from './ring-store';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-diverged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a diverged run (issue #12)', () => {
  it('stops as diverged at the step its loss became non-finite, keeping the last finite checkpoint', async () => {
    const { db, file } = await ringStore(dir, 'loop');
    const settings = resolveSettings(undefined, { ...tiny, model: 'sasrec', epochs: 3 });
    // One sound epoch first, then the learning rate is raised so that the next epoch diverges.
    const sound = createRun(db, file, 'ring', { ...settings, epochs: 1 });
    await executeRun(db, sound.id);
    const lastBefore = readFileSync(join(sound.folder, 'last.safetensors'));
    db.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run(JSON.stringify({ ...settings, epochs: 3, learningRate: 1e37 }), sound.id);
    await expect(executeRun(db, sound.id)).rejects.toThrow(/diverged: loss \w+ became (NaN|Infinity|-Infinity) at epoch 2, step \d+ of \d+/);
    const after = getRun(db, sound.id)!;
    expect(after.status).toBe('diverged');
    expect(after.error).toMatch(/at epoch 2, step \d+/);
    expect(after.error).toMatch(/last finite checkpoint: epoch 1/);
    expect(after.epochsDone).toBe(1);
    expect(after.test?.['HR@10']).not.toBe(1);
    expect(runEpochs(db, sound.id).map((e) => e.epoch)).toEqual([0]);
    // Nothing was written from the broken state: the checkpoints are those of the sound epoch.
    expect(readFileSync(join(sound.folder, 'last.safetensors')).equals(lastBefore)).toBe(true);
    for (const c of runCheckpoints(db, sound.id)) expect(() => assertFiniteWeights(readSafetensors(c.file).tensors, c.file)).not.toThrow();

    // From the start: diverges in its first epoch, with no checkpoint at all.
    const fresh = createRun(db, file, 'ring', { ...settings, learningRate: 1e37 });
    await expect(executeRun(db, fresh.id)).rejects.toThrow(/diverged/);
    expect(getRun(db, fresh.id)).toMatchObject({ status: 'diverged', epochsDone: 0 });
    expect(getRun(db, fresh.id)!.test).toBeUndefined();
    expect(runCheckpoints(db, fresh.id)).toEqual([]);
    // Final: resuming would diverge again from the same state.
    expect(() => resumeRun({ db, dbFile: file, jobs: new JobRunner() }, sound.id)).toThrow(/diverged .* cannot be resumed/);
    db.close();
  }, 120_000);

  it('`train` exits non-zero with a clear message, and `runs list` shows the run as diverged', async () => {
    const { db, file } = await ringStore(dir, 'cli');
    db.close();
    let out = '';
    let err = '';
    const io = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (err += `${t}\n`), interactive: false };
    const sets = Object.entries({ ...tiny, learningRate: 1e37 }).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const code = await main(['--db', file, 'train', '--dataset', 'ring', '--model', 'sasrec', '--epochs', '2', ...sets], io);
    expect(code).toBe(1);
    expect(err).toMatch(/diverged: loss \w+ became \S+ at epoch 1, step \d+/);
    expect(out).not.toMatch(/test metrics/);
    out = '';
    expect(await main(['--db', file, 'runs', 'list', '--json'], io)).toBe(0);
    const [listed] = JSON.parse(out) as { id: string; status: string }[];
    expect(listed!.status).toBe('diverged');
    out = '';
    expect(await main(['--db', file, 'runs', 'show', listed!.id], io)).toBe(0);
    expect(out).toMatch(/diverged, backend/);
    expect(out).toMatch(/loss \w+ became \S+ at epoch 1, step \d+ of \d+; training stopped and no checkpoint was kept/);
  }, 120_000);
});
