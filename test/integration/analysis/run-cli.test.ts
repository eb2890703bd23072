import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/api/jobs';
import { createService } from '../../../src-main/api/service';
import { runCli as run } from '../../fixtures/cli';
import { openDb } from '../../../src-main/database';
import { createDemoDataset } from '../../../src-main/store/demo';


/** `llmdirec intents` and `llmdirec report` on a one-epoch SASRec run of the demo dataset (small model, CPU). */
const dir = mkdtempSync(join(tmpdir(), 'llmdirec-run-cli-'));
const dbFile = join(dir, 'w.sqlite');
let runId = '';
beforeAll(async () => {
  const db = openDb(dbFile);
  const service = createService({ db, dbFile, jobs: new JobRunner() });
  await createDemoDataset(db, { name: 'demo', replace: false });
  const started = await service.call('runs.start', { dataset: 'demo', model: 'sasrec', epochs: 1, seed: 1, settings: { hiddenSize: 16, heads: 1, maxSeqLength: 20 } });
  runId = started.runId;
  await service.call('jobs.wait', { jobId: started.jobId });
  await service.close();
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmdirec intents / report on a trained run', () => {
  it('intents --json has the documented shape', async () => {
    const r = await run('--db', dbFile, 'intents', '--run', runId, '--k', '8', '--json');
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out) as { k: number; silhouette: number; prototypes: { id: number; size: number; label: string; topItems: unknown[]; terms: string[]; silhouette: number | null }[]; stability: null };
    expect(json.k).toBe(8);
    expect(json.silhouette).toBeGreaterThan(-1);
    expect(json.silhouette).toBeLessThan(1);
    expect(json.prototypes).toHaveLength(8);
    expect(json.prototypes.reduce((s, p) => s + p.size, 0)).toBe(1500);
    for (const p of json.prototypes) expect(p.label.length).toBeGreaterThan(0);
    expect(json.stability).toBeNull();
  }, 300_000);

  it('report --format md|html|json next to the paper (or saying it is absent)', async () => {
    const md = await run('--db', dbFile, 'report', '--runs', runId);
    expect(md.code, md.err).toBe(0);
    expect(md.out).toContain('# Reproduction report');
    expect(md.out).toMatch(/\| demo \| SASRec \| 1 \| \d\.\d{4}/);
    const file = join(dir, 'report.html');
    const html = await run('--db', dbFile, 'report', '--runs', runId, '--format', 'html', '--out', file);
    expect(html.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('<table>');
    const json = await run('--db', dbFile, 'report', '--runs', runId, '--format', 'json');
    expect(JSON.parse(json.out).tables).toHaveLength(3);
    const bad = await run('--db', dbFile, 'report', '--runs', runId, '--format', 'pdf');
    expect(bad.code).not.toBe(0);
  }, 300_000);
});
