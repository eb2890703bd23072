import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../../src-main/database';
import { importDataset } from '../../../src-main/store/import';
import { embedDataset, listEmbeddingSets, loadSemanticTable, renderDatasetTexts } from '../../../src-main/semantic/embedding-store';
import type { EmbeddingProvider } from '../../../src-main/semantic/providers/types';
import { getTemplate, saveTemplate } from '../../../src-main/semantic/template-store';
import { llmdirecTableFactory } from '../../../src-main/engine/llmdirec-table';
import { Rng } from '../../../src-main/engine/rng';
import { initBackend } from '../../../src-main/engine/backend';
import type { FusedItemTable } from '../../../src-main/engine/semantic-fusion';

/** A provider whose vector for a text is known in advance: [length, first char code, 1]. */
function fakeProvider(options: { failAfterBatches?: number; dims?: number } = {}) {
  const seen: string[] = [];
  let batches = 0;
  const provider: EmbeddingProvider = {
    kind: 'ollama',
    endpoint: 'http://fake',
    model: 'fake',
    variant: '',
    maxBatch: 2,
    async embedBatch(texts) {
      if (options.failAfterBatches !== undefined && batches >= options.failAfterBatches) throw new Error('server went away');
      batches++;
      seen.push(...texts);
      return texts.map((t) => Float32Array.from({ length: options.dims ?? 3 }, (_, d) => (d === 0 ? t.length : d === 1 ? t.charCodeAt(0) : 1)));
    },
    close: async () => undefined,
  };
  return { provider, seen };
}

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-embed-'));
let db: Db;

beforeAll(() => {
  writeFileSync(join(dir, 'ml.txt'), '1 1 2 3 4\n2 2 3 4 1\n3 4 3 2 1\n');
  writeFileSync(join(dir, 'ml.tsv'), "item_id\ttitle\tgenres\n1\tToy Story (1995)\tAnimation|Children's\n2\tHeat (1995)\tAction\n3\tToy Story (1995)\tAnimation|Children's\n4\t\t\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  db = openDb(':memory:');
  await importDataset(db, { format: 'sr-txt', name: 'ml-1m-mini', source: join(dir, 'ml.txt'), items: join(dir, 'ml.tsv'), options: { kcore: 0, consecutiveDuplicates: 'keep' }, replace: false });
});

describe('embedding cache and embedding sets', () => {
  it('embeds distinct texts once and builds the semantic table with a zero padding row', async () => {
    const texts = renderDatasetTexts(db, 'ml-1m-mini', getTemplate(db, 'ml-1m'));
    expect(texts[3]).toBeNull();
    const { provider, seen } = fakeProvider();
    const result = await embedDataset(db, { dataset: 'ml-1m-mini', provider, template: 'ml-1m', normalize: false });
    expect(result).toMatchObject({ dims: 3, items: 4, embedded: 2, cached: 0, itemsWithText: 3, template: 'ml-1m', templateVersion: 1 });
    expect(seen).toHaveLength(2);

    const s = loadSemanticTable(db, 'ml-1m-mini', result.embeddingSetId);
    expect(s.dims).toBe(3);
    expect(Array.from(s.hasText)).toEqual([0, 1, 1, 1, 0]);
    expect(Array.from(s.table.subarray(0, 3))).toEqual([0, 0, 0]);
    const toy = texts[0]!;
    expect(Array.from(s.table.subarray(3, 6))).toEqual([toy.length, toy.charCodeAt(0), 1]);
    expect(Array.from(s.table.subarray(9, 12))).toEqual(Array.from(s.table.subarray(3, 6)));
    expect(Array.from(s.table.subarray(12, 15))).toEqual([0, 0, 0]);
    expect(listEmbeddingSets(db, 'ml-1m-mini')).toMatchObject([{ id: result.embeddingSetId, provider: 'ollama', model: 'fake', dims: 3, items: 4, itemsWithText: 3 }]);
  });

  it('after a template edit embeds only the texts that changed', async () => {
    await embedDataset(db, { dataset: 'ml-1m-mini', provider: fakeProvider().provider, template: 'ml-1m' });
    const ml = getTemplate(db, 'ml-1m');
    // Raw genres: "Animation|Children's" (items 1 and 3) now renders differently, "Action" (item 2) does not.
    saveTemplate(db, 'ml-1m', { ...ml, placeholders: { ...ml.placeholders, GENRES: ['genres'] } });
    const { provider, seen } = fakeProvider();
    const result = await embedDataset(db, { dataset: 'ml-1m-mini', provider, template: 'ml-1m' });
    expect(result.templateVersion).toBe(2);
    expect(seen).toEqual(["The movie item has following attributes:\n Title: Toy Story\n Genres: Animation|Children's\n Year: 1995"]);
    expect(result).toMatchObject({ embedded: 1, cached: 1 });
    saveTemplate(db, 'ml-1m', { ...ml, text: ml.text.replace('Title:', 'Name:') });
    const third = fakeProvider();
    expect(await embedDataset(db, { dataset: 'ml-1m-mini', provider: third.provider, template: 'ml-1m' })).toMatchObject({ embedded: 2, cached: 0 });
    expect(listEmbeddingSets(db).map((s) => s.templateVersion)).toEqual([3, 2, 1]);
  });

  it('an interrupted run keeps finished batches and leaves no set; the rerun embeds the rest', async () => {
    saveTemplate(db, 'titles', { text: '<TITLE> <GENRES>', placeholders: {}, missing: 'blank' });
    // Two distinct texts, one per batch: the second batch fails.
    const broken = fakeProvider({ failAfterBatches: 1 });
    await expect(embedDataset(db, { dataset: 'ml-1m-mini', provider: broken.provider, template: 'titles', batchSize: 1 })).rejects.toThrow(/server went away/);
    expect(listEmbeddingSets(db)).toEqual([]);
    const { provider, seen } = fakeProvider();
    const result = await embedDataset(db, { dataset: 'ml-1m-mini', provider, template: 'titles' });
    expect(seen).toHaveLength(1);
    expect(result).toMatchObject({ embedded: 1, itemsWithText: 3 });
  });

  it('refuses a model whose vectors change size, and unknown or foreign sets', async () => {
    await embedDataset(db, { dataset: 'ml-1m-mini', provider: fakeProvider().provider, template: 'ml-1m' });
    saveTemplate(db, 'other', { text: 'Film <TITLE>', placeholders: {}, missing: 'blank' });
    await expect(embedDataset(db, { dataset: 'ml-1m-mini', provider: fakeProvider({ dims: 5 }).provider, template: 'other' })).rejects.toThrow(
      /5-d vector .* earlier vectors of this model have 3/,
    );
    expect(() => loadSemanticTable(db, 'ml-1m-mini', 999)).toThrow(/has no embedding set 999/);
  });

  it('gives the engine a fused-table factory from a complete embedding set', async () => {
    await initBackend();
    const { embeddingSetId } = await embedDataset(db, { dataset: 'ml-1m-mini', provider: fakeProvider().provider, template: 'ml-1m' });
    let table: FusedItemTable | undefined;
    const factory = llmdirecTableFactory(db, 'ml-1m-mini', { embeddingSetId, fusion: 'concat', alignWeight: 0 }, { onCreate: (t) => (table = t) });
    const made = factory(6, 4, new Rng(1));
    expect(made).toBe(table);
    expect(table!.settings).toMatchObject({ fusion: 'concat', alignWeight: 0, layerInit: 'pytorch-default' });
    expect(made.auxiliaryLoss).toBeDefined();
    table!.parameters.dispose();
    table!.dispose();
    expect(() => llmdirecTableFactory(db, 'ml-1m-mini', { embeddingSetId: 99 })).toThrow(/no embedding set 99/);
  });
});
