/** The runs API surface: presets as data, validation of settings, errors a user can act on. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/api/jobs';
import { createService } from '../../../src-main/api/service';
import { openDb } from '../../../src-main/database';
import { parseSettingAssignments, resolveSettings } from '../../../src-main/engine/settings';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-runs-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runs API', () => {
  const dbFile = join(dir, 'ws.sqlite');
  const service = createService({ db: openDb(dbFile), dbFile, jobs: new JobRunner() });

  it('lists the reference defaults and the §11 presets', async () => {
    const { defaults, presets } = await service.call('runs.presets', {});
    expect(defaults).toMatchObject({ hiddenSize: 64, layers: 2, heads: 2, maxSeqLength: 50, batchSize: 256, epochs: 50, learningRate: 1e-3, clWeight: 0.2, timesteps: 50, intents: 32, guidance: 2, conditioning: 'batch-cluster' });
    expect(presets.toys).toMatchObject({ diffWeight: 0.2, timesteps: 200, intents: 1024 });
    expect(resolveSettings('Video', {}).attentionDropout).toBe(0.4);
    expect(resolveSettings('Sports_and_Outdoors', { clWeight: 0.5 }).clWeight).toBe(0.5);
  });

  it("lists LLMDiRec's fixed-choice settings with the values the engine accepts (the Training page's selects)", async () => {
    const { llmdirec } = await service.call('runs.presets', {});
    expect(llmdirec.choices).toMatchObject({ semanticInput: ['raw', 'centered'], adapterBias: ['pytorch-default', 'zero', 'none'], fusion: ['gated', 'weighted', 'concat', 'crossattn'] });
    expect(llmdirec.choices).not.toHaveProperty('alignWeight');
    for (const [key, values] of Object.entries(llmdirec.choices)) expect(values, key).toContain(llmdirec.defaults[key]);
  });

  it('rejects unknown datasets, unknown settings and bad values with actionable errors', async () => {
    await expect(service.call('runs.start', { dataset: 'nope', model: 'sasrec' })).rejects.toMatchObject({ code: 'not_found' });
    expect(() => parseSettingAssignments(['hiddenSiz=32'])).toThrow(/Unknown setting "hiddenSiz"/);
    expect(parseSettingAssignments(['hiddenSize=32', 'trimPadding=false', 'conditioning=own-intent'])).toEqual({ hiddenSize: 32, trimPadding: false, conditioning: 'own-intent' });
    expect(() => resolveSettings(undefined, { heads: 3 })).toThrow(/divisible/);
    expect(() => resolveSettings(undefined, { attentionDropout: 2 })).toThrow();
  });

  it('shows nothing for unknown runs', async () => {
    expect(await service.call('runs.list', {})).toEqual([]);
    await expect(service.call('runs.show', { runId: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.call('runs.evaluate', { runId: 'x' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
