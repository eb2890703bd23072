/**
 * `llmdirec plan …` without training: create from a file and from a paper table, the refusals
 * (exit 2 for usage errors, with the file, line and column of a JSON error), show, list, export to
 * Markdown and CSV by the file's extension, delete.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTinyBeauty, runCli } from '../../fixtures/cli';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-plan-cli-'));
const db = join(dir, 'ws.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => expect(await importTinyBeauty(dir, db)).toBe(0));

describe('llmdirec plan', () => {
  it('creates Table 4 on "beauty", shows it with the paper numbers, lists it and exports its report', async () => {
    const created = await runCli('--db', db, 'plan', 'create', '--paper', 'table4', '--dataset', 'beauty', '--epochs', '3', '--seeds', '2022,2023', '--set', 'hiddenSize=32');
    expect(created).toMatchObject({ code: 0 });
    expect(created.out).toMatch(/^Created plan 1 \(table4 Beauty\): 12 runs\. Train it with: llmdirec plan run 1/);
    const shown = await runCli('--db', db, 'plan', 'show', '1');
    expect(shown.out).toContain('Plan 1: table4 Beauty — 12 runs: 12 pending');
    expect(shown.out).toContain('Every run: epochs=3 hiddenSize=32');
    expect(shown.out).toMatch(/Beauty\s+w\/ CA\s+0\/2\s+— \(paper 0\.0741\)\s+— \(paper 0\.0411\)/);
    expect((await runCli('--db', db, 'plan', 'list')).out).toMatch(/1\s+table4 Beauty\s+12\s+12 pending/);
    const md = join(dir, 'report.md');
    expect((await runCli('--db', db, 'plan', 'export', '1', '--out', md)).code).toBe(0);
    expect(readFileSync(md, 'utf8')).toContain('| Beauty | LLMDiRec | — | 0/2 | — (paper 0.0971) |');
    const csv = join(dir, 'report.csv');
    expect((await runCli('--db', db, 'plan', 'export', '1', '--out', csv)).code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[1]).toMatch(/^Beauty,w\/ CA,ca,3,epochs=3 hiddenSize=32,2,0,,,,,0\.0741,/);
    expect(JSON.parse((await runCli('--db', db, 'plan', 'show', '1', '--json')).out).entryList).toHaveLength(12);
  });

  it('creates a plan from a file, naming the file, line and column of a JSON error', async () => {
    const good = join(dir, 'plan.json');
    writeFileSync(good, JSON.stringify({ name: 'from file', dataset: 'Beauty', runs: [{ model: 'sasrec', seeds: [1, 2, 3] }] }));
    expect((await runCli('--db', db, 'plan', 'create', good)).out).toMatch(/Created plan 2 \(from file\): 3 runs/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{\n  "name": "x",\n  "runs": [{"model": "sasrec",}]\n}\n');
    expect(await runCli('--db', db, 'plan', 'create', bad)).toMatchObject({ code: 2, err: expect.stringMatching(/bad\.json:3:31: not valid JSON: expected a "quoted" key/) });
    writeFileSync(bad, '{"name": "x", "runs": [{"dataset": "Beauty", "model": "sasrec", "settings": {"hiddenSize": "big"}}]}');
    expect((await runCli('--db', db, 'plan', 'create', bad)).err).toMatch(/bad\.json: runs\.0\.settings: hiddenSize: must be a number \(got "big"\)/);
    expect((await runCli('--db', db, 'plan', 'create', join(dir, 'missing.json'))).err).toMatch(/Cannot read .*missing\.json: no such file/);
  });

  it('says what is wrong with the arguments (exit 2) and what does not exist (exit 1); deletes a plan', async () => {
    expect(await runCli('--db', db, 'plan', 'create')).toMatchObject({ code: 2, err: expect.stringMatching(/Give a plan file \(docs\/plans\.md\), or --paper/) });
    expect(await runCli('--db', db, 'plan', 'create', '--paper', 'table2')).toMatchObject({ code: 2, err: expect.stringMatching(/--paper needs --dataset/) });
    expect(await runCli('--db', db, 'plan', 'create', '--paper', 'table2', '--dataset', 'Beauty', '--seeds', '1,x')).toMatchObject({ code: 2, err: expect.stringMatching(/--seeds takes whole numbers/) });
    expect(await runCli('--db', db, 'plan', 'show', 'one')).toMatchObject({ code: 2, err: expect.stringMatching(/A plan id is a whole number/) });
    expect(await runCli('--db', db, 'plan', 'run', '42')).toMatchObject({ code: 1, err: expect.stringMatching(/No plan 42/) });
    expect(await runCli('--db', db, 'plan', 'export', '1', '--out', join(dir, 'r.pdf'))).toMatchObject({ code: 2, err: expect.stringMatching(/name a \.md or \.csv file/) });
    expect((await runCli('--db', db, 'plan', 'delete', '2')).out).toMatch(/Deleted plan 2; its runs are kept/);
    expect((await runCli('--db', db, 'plan', 'show', '2')).code).toBe(1);
  });
});
