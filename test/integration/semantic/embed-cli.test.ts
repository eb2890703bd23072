import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src-main/api/contracts/common';
import { importTinyBeauty, runCli as run } from '../../fixtures/cli';
import { loadSemanticTable } from '../../../src-main/semantic/embedding-store';
import { openWorkstation } from '../../../src-main/workstation';
import { fakeVector, startEmbeddingServer, type EmbeddingServer } from '../../unit/semantic/fixtures/embedding-server';
import { writeTinyOnnxModel } from '../../unit/semantic/fixtures/tiny-onnx-model';


const dir = mkdtempSync(join(tmpdir(), 'llmdirec-embed-cli-'));
const db = join(dir, 'w.sqlite');
let server: EmbeddingServer;

beforeAll(async () => {
  server = await startEmbeddingServer({ slowMs: 3000 });
  expect(await importTinyBeauty(dir, db)).toBe(0);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('llmdirec templates / embed', () => {
  it('lists the paper templates and shows honest coverage', async () => {
    const list = JSON.parse((await run('--db', db, 'templates', 'list', '--json')).out) as { name: string }[];
    expect(list.map((t) => t.name)).toEqual(['beauty', 'ml-1m', 'sports', 'toys', 'yelp']);
    const v = await run('--db', db, 'templates', 'validate', 'beauty', '--dataset', 'Beauty');
    expect(v.code).toBe(0);
    expect(v.out).toMatch(/BRAND\s+brand\s+0\s+0\.0 %/);
    expect(v.out).toMatch(/TITLE\s+title \| title_snippet_idgenrec\s+2\s+66\.7 %/);
    const p = JSON.parse((await run('--db', db, 'templates', 'preview', 'beauty', '--dataset', 'Beauty', '--items', '1,3', '--json')).out) as { text: string; hasText: boolean }[];
    expect(p[0]!.text).toBe('The beauty item has following attributes:\n name is nail lacquer.');
    expect(p[1]!.hasText).toBe(false);
  });

  it('embeds through the cache: a second run embeds nothing', async () => {
    const first = await run('--db', db, 'embed', '--dataset', 'Beauty', '--provider', `ollama:${server.url}`, '--model', 'nomic', '--no-normalize', '--json');
    expect(first.err).toMatch(/BRAND> is empty for 100 % of items/);
    expect(first.code).toBe(0);
    const r = JSON.parse(first.out) as Record<string, number>;
    expect(r).toMatchObject({ dataset: 'Beauty', provider: 'ollama', model: 'nomic', dims: 3, items: 3, embedded: 2, cached: 0, itemsWithText: 2 });
    const second = JSON.parse((await run('--db', db, 'embed', '--dataset', 'Beauty', '--provider', `ollama:${server.url}`, '--model', 'nomic', '--no-normalize', '--json')).out);
    expect(second).toMatchObject({ embedded: 0, cached: 2 });

    const service = openWorkstation({ dbFile: db });
    try {
      const s = loadSemanticTable(service.context.db, 'Beauty', second.embeddingSetId as number);
      const expected = fakeVector('The beauty item has following attributes:\n name is eye shadow.');
      expected.forEach((x, d) => expect(s.table[2 * 3 + d]).toBeCloseTo(x, 4));
      expect(Array.from(s.hasText)).toEqual([0, 1, 1, 0]);
    } finally {
      await service.close();
    }
  });

  it('uses a template file, and names bad providers', async () => {
    const file = join(dir, 'short.json');
    writeFileSync(file, JSON.stringify({ text: 'Beauty product: <TITLE>', placeholders: { TITLE: ['title_snippet_idgenrec'] } }));
    const r = JSON.parse((await run('--db', db, 'embed', '--dataset', 'Beauty', '--provider', `openai:${server.url}`, '--model', 'm', '--template', file, '--json')).out);
    expect(r).toMatchObject({ template: 'short', templateVersion: 1, embedded: 2 });
    expect((await run('--db', db, 'embeddings', 'list', '--json')).out).toContain('"template": "short"');
    const bad = await run('--db', db, 'embed', '--dataset', 'Beauty', '--provider', 'cohere:x');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown embedding provider/);
  });

  it('never writes the API key to the database', async () => {
    const secret = 'sk-test-0123456789abcdef';
    process.env.LLMDIREC_OPENAI_API_KEY = secret;
    try {
      const r = await run('--db', db, 'embed', '--dataset', 'Beauty', '--provider', `openai:${server.url}`, '--model', 'keyed', '--json');
      expect(r.code).toBe(0);
      expect(server.requests.at(-1)?.authorization).toBe(`Bearer ${secret}`);
      expect(r.out + r.err).not.toContain(secret);
    } finally {
      delete process.env.LLMDIREC_OPENAI_API_KEY;
    }
    for (const file of readdirSync(dir).filter((f) => f.startsWith('w.sqlite'))) expect(readFileSync(join(dir, file)).includes(secret)).toBe(false);
  });

  it('embeds with a local transformers model folder', async () => {
    const folder = join(dir, 'models', 'tiny-bert');
    writeTinyOnnxModel(folder);
    const r = await run('--db', db, 'embed', '--dataset', 'Beauty', '--provider', `transformers:${folder}`, '--pooling', 'mean', '--json');
    expect(r.err).not.toMatch(/error/);
    expect(JSON.parse(r.out)).toMatchObject({ provider: 'transformers', model: 'tiny-bert', dims: 4, items: 3, itemsWithText: 2 });
  });

  it('runs as a job with progress and cancel through the API; cancelled runs leave no set', async () => {
    const service = openWorkstation({ dbFile: db });
    const events: JobEvent[] = [];
    service.onEvent((e) => events.push(e));
    try {
      const before = (await service.call('embeddings.sets', { dataset: 'Beauty' })).length;
      server.queue.push('slow');
      const { jobId } = await service.call('embeddings.embed', { dataset: 'Beauty', provider: `ollama:${server.url}`, model: 'other', template: 'beauty' });
      await new Promise((r) => setTimeout(r, 200));
      await service.call('jobs.cancel', { jobId });
      await expect(service.context.jobs.wait(jobId)).rejects.toThrow(/^cancelled: 0 of 2 item texts were embedded and kept in the cache/);
      expect(events.filter((e) => 'jobId' in e && e.jobId === jobId).map((e) => e.type)).toContain('cancelled');
      expect(await service.call('embeddings.sets', { dataset: 'Beauty' })).toHaveLength(before);

      const { jobId: again } = await service.call('embeddings.embed', { dataset: 'Beauty', provider: `ollama:${server.url}`, model: 'other', template: 'beauty' });
      await service.context.jobs.wait(again);
      const progress = events.filter((e): e is Extract<JobEvent, { type: 'progress' }> => e.type === 'progress' && e.jobId === again);
      expect(progress.at(-1)).toMatchObject({ done: 2, total: 2 });
    } finally {
      await service.close();
    }
  });
});
