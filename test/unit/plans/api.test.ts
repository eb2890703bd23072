/**
 * The plans API over an in-memory store (no training): creating from a paper table (the store's
 * dataset found case-insensitively), the report's rows with the paper's numbers before any run, the
 * refusals a user sees (with the path of the bad field), export, delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/api/jobs';
import { createService, type Service } from '../../../src-main/api/service';
import { writeDataset } from '../../../src-main/store/datasets';
import { openDb } from '../../../src-main/database';

let service: Service;
beforeAll(async () => {
  const db = openDb(':memory:');
  const sequences = [Int32Array.from([1, 2, 3, 4]), Int32Array.from([2, 3, 4, 1]), Int32Array.from([3, 4, 1, 2])];
  await writeDataset(
    db,
    { name: 'Beauty', format: 'sr-txt', source: 'test', options: {}, replace: false },
    { users: sequences.map((_, u) => ({ externalId: String(u + 1), attributes: {} })), items: [1, 2, 3, 4].map((i) => ({ externalId: String(i), attributes: {} })), sequences, timestamps: sequences.map(() => null) },
  );
  service = createService({ db, dbFile: ':memory:', jobs: new JobRunner() });
});
afterAll(() => service.close());

describe('plans API', () => {
  it("creates Table 2 on a dataset named in another case; the report shows the paper's numbers before any run", async () => {
    const plan = await service.call('plans.create', { paper: 'table2', dataset: 'beauty', seeds: [1, 2], epochs: 3 });
    expect(plan).toMatchObject({ name: 'table2 Beauty', paper: 'table2', entries: 6, running: false, counts: { pending: 6, succeeded: 0 } });
    expect(plan.description).toMatch(/Not in this plan \(no counterpart here\): DuoRec, CaDiRec\./);
    expect(plan.entryList.map((e) => `${e.paperName}/${e.seed}/${e.state}`)).toEqual(['SASRec/1/pending', 'SASRec/2/pending', 'InDiRec/1/pending', 'InDiRec/2/pending', 'LLMDiRec/1/pending', 'LLMDiRec/2/pending']);
    const hr10 = plan.report.columns.indexOf('HR@10');
    expect(plan.report.rows.map((r) => [r.model, r.planned, r.cells[hr10]])).toEqual([
      ['SASRec', 2, { mean: null, std: null, n: 0, paper: 0.0628 }],
      ['InDiRec', 2, { mean: null, std: null, n: 0, paper: 0.0939 }],
      ['LLMDiRec', 2, { mean: null, std: null, n: 0, paper: 0.0971 }],
    ]);
    expect(plan.report.commonSettings).toBe('epochs=3');
    expect((await service.call('plans.list', {})).map((p) => p.id)).toContain(plan.id);
    const md = await service.call('plans.export', { planId: plan.id, format: 'md' });
    expect(md).toMatchObject({ format: 'md', filename: `plan-${plan.id}-report.md` });
    expect(md.text).toContain('| Beauty | LLMDiRec | — | 0/2 | — (paper 0.0971) | — (paper 0.0589) | — | — |');
  });

  it('refuses bad requests with the path of the field and what to do', async () => {
    await expect(service.call('plans.create', { plan: { name: 'x', runs: [{ dataset: 'Beauty', model: 'duorec' as 'sasrec' }] } })).rejects.toThrow(/plan\.runs\.0\.model: Invalid option: expected one of "sasrec"\|"indirec"\|"llmdirec"/);
    await expect(service.call('plans.create', { paper: 'table2' })).rejects.toThrow(/dataset: a paper table needs a dataset/);
    await expect(service.call('plans.create', { paper: 'table2', dataset: 'Toys' })).rejects.toThrow(/No dataset named "Toys" in this store \(it has Beauty\): import it first/);
    await expect(service.call('plans.create', { plan: { name: 'x', runs: [{ dataset: 'Beauty', model: 'sasrec' }] }, paper: 'table2' })).rejects.toThrow(/paper: give a plan or a paper table, not both/);
    await expect(service.call('plans.show', { planId: 999 })).rejects.toMatchObject({ code: 'not_found', message: 'No plan 999 (llmdirec plan list)' });
    await expect(service.call('plans.run', { planId: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('creates from a plan file and deletes a plan', async () => {
    const plan = await service.call('plans.create', { plan: { name: 'ablation', dataset: 'Beauty', runs: [{ model: 'llmdirec', variant: ['w/ CA', 'concat'] }] }, source: 'ablation.json' });
    expect(plan.entryList.map((e) => [e.variant, e.paperName, e.seed])).toEqual([['ca', 'w/ CA', 2022], ['concat', 'w/ concat', 2022]]);
    expect(plan.report.rows.map((r) => r.cells[0]!.paper)).toEqual([0.0741, 0.0885]); // Table 4, Beauty
    await expect(service.call('plans.delete', { planId: plan.id })).resolves.toEqual({ planId: plan.id, deleted: true });
  });

  it('names what sets each entry apart from the plan\'s others', async () => {
    const runs = [{ model: 'sasrec' as const }, { model: 'llmdirec' as const, settings: { semanticInput: 'centered' as const } }, { model: 'llmdirec' as const, epochs: 5 }];
    const plan = await service.call('plans.create', { plan: { name: 'apart', dataset: 'Beauty', epochs: 50, settings: { workers: 1 }, runs } });
    expect(plan.entryList.map((e) => [e.paperName, e.ownSettings])).toEqual([['SASRec', 'epochs=50'], ['LLMDiRec', 'epochs=50 semanticInput=centered'], ['LLMDiRec', 'epochs=5']]);
    expect(plan.report.commonSettings).toBe('workers=1');
    await service.call('plans.delete', { planId: plan.id });
    await expect(service.call('plans.show', { planId: plan.id })).rejects.toMatchObject({ code: 'not_found' });
  });
});
