import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../src-main/api/contract';
import { templateNameFor } from '../../../src-main/api/handlers/semantic';
import type { Service } from '../../../src-main/api/service';
import { formatShare } from '../../../src-main/cli/commands/semantic';
import type { EmbeddingProvider } from '../../../src-main/semantic/providers/types';
import { embedDataset } from '../../../src-main/semantic/embedding-store';
import { openWorkstation } from '../../../src-main/workstation';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-sem-api-'));
let service: Service;

beforeAll(async () => {
  writeFileSync(join(dir, 'y.txt'), '1 1 2\n2 2 1\n');
  writeFileSync(join(dir, 'y.tsv'), 'item_id\tbusiness_id\ttitle_snippet_idgenrec\tcategories\n1\tb1\tgreek diner\tDiners, Greek\n2\tb2\tpizza place\t\n');
  service = openWorkstation({ dbFile: join(dir, 'w.sqlite') });
  const { jobId } = await service.call('datasets.import', { format: 'sr-txt', name: 'Yelp', source: join(dir, 'y.txt'), items: join(dir, 'y.tsv'), options: { kcore: 0 } });
  await service.context.jobs.wait(jobId);
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('semantic API methods', () => {
  it('validates and previews an unsaved template, and outputs match the contract', async () => {
    const inline = { text: 'Place <NAME> (<CATEGORY>)', placeholders: { NAME: ['title_snippet_idgenrec'], CATEGORY: ['list(categories)'] } };
    const v = await service.call('templates.validate', { dataset: 'Yelp', template: { inline } });
    expect(contract['templates.validate'].output.parse(v)).toEqual(v);
    expect(v.coverage.map((c) => [c.placeholder, c.share])).toEqual([['NAME', 1], ['CATEGORY', 0.5]]);
    const p = await service.call('templates.preview', { dataset: 'Yelp', template: { inline: { ...inline, missing: 'blank' } } });
    expect(p.map((r) => r.text)).toEqual(['Place greek diner (Diners, Greek)', 'Place pizza place ()']);
    const yelp = await service.call('templates.validate', { dataset: 'Yelp', template: { name: 'yelp' } });
    expect(yelp.coverage.find((c) => c.placeholder === 'STARS')).toMatchObject({ filled: 0, share: 0 });
    await expect(service.call('templates.preview', { dataset: 'Yelp', template: { name: 'yelp' }, itemIds: [9] })).rejects.toThrow(/no item 9/);
  });

  it('saves versions, and deleting a template deletes the embedding sets made from it', async () => {
    const first = await service.call('templates.save', { name: 'places', text: 'Place <NAME>', placeholders: { NAME: ['title_snippet_idgenrec'] } });
    expect(first).toMatchObject({ created: true, template: { version: 1, missing: 'drop-clause' } });
    await service.call('templates.save', { name: 'places', text: 'A place: <NAME>', placeholders: { NAME: ['title_snippet_idgenrec'] } });
    const got = await service.call('templates.get', { name: 'places' });
    expect(got.versions.map((t) => t.version)).toEqual([1, 2]);

    const provider: EmbeddingProvider = { kind: 'ollama', endpoint: 'x', model: 'm', variant: '', maxBatch: 8, embedBatch: async (t) => t.map(() => Float32Array.of(1, 0)), close: async () => undefined };
    await embedDataset(service.context.db, { dataset: 'Yelp', provider, template: 'places' });
    expect(await service.call('embeddings.sets', { dataset: 'Yelp' })).toHaveLength(1);
    expect(await service.call('templates.delete', { name: 'places' })).toEqual({ deleted: true });
    expect(await service.call('embeddings.sets', {})).toEqual([]);
    await expect(service.call('templates.delete', { name: 'yelp' })).rejects.toThrow(/cannot be deleted/);
  });

  it('refuses to start an embed job with a broken template or without a matching paper template', async () => {
    await service.call('templates.save', { name: 'typo', text: 'Place <NAEM>' });
    await expect(service.call('embeddings.embed', { dataset: 'Yelp', template: 'typo' })).rejects.toThrow(/Unknown placeholder <NAEM>/);
    const { jobId } = await service.call('datasets.import', { format: 'sr-txt', name: 'shop', source: join(dir, 'y.txt'), options: { kcore: 0 } });
    await service.context.jobs.wait(jobId);
    await expect(service.call('embeddings.embed', { dataset: 'shop' })).rejects.toThrow(/No paper template matches "shop" and its items have no attributes/);
  });

  it('embeds a dataset no paper template fits with a generic template over its attributes', async () => {
    const { jobId } = await service.call('datasets.import', { format: 'sr-txt', name: 'Places', source: join(dir, 'y.txt'), items: join(dir, 'y.tsv'), options: { kcore: 0 } });
    await service.context.jobs.wait(jobId);
    const name = templateNameFor(service.context.db, 'Places', undefined);
    expect(name).toBe('places-generic');
    const preview = await service.call('templates.preview', { dataset: 'Places', template: { name } });
    // Ids are left out; empty attributes drop their clause; the list attribute is written "a, b".
    expect(preview.map((r) => r.text)).toEqual([
      'The item has the following attributes:\n title snippet idgenrec is greek diner; categories is Diners, Greek.',
      'The item has the following attributes:\n title snippet idgenrec is pizza place.',
    ]);
    expect(templateNameFor(service.context.db, 'Places', undefined)).toBe(name); // the same template again, not a new version
    expect((await service.call('templates.get', { name })).versions).toHaveLength(1);
  });

  it('never rounds partial coverage to 0 % or 100 %', () => {
    expect([0, 0.0004, 0.5, 0.9999, 1].map(formatShare)).toEqual(['0.0 %', '<0.1 %', '50.0 %', '>99.9 %', '100.0 %']);
  });
});
