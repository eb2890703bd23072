/**
 * `dataset export --format recbole` and back: the export re-imported with `--format recbole` has the
 * same sequences (by external ids), statistics, timestamps and item attributes; a dataset without
 * timestamps travels with an order column that orders the rows even when they are shuffled; the
 * vectors file holds exactly the float32 vectors of the items that have one.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src-main/store/db';
import { getDatasetStats, itemAttributes, writeDataset } from '../../../src-main/store/datasets';
import { createDemoDataset } from '../../../src-main/store/demo';
import { exportRecbole } from '../../../src-main/store/export/recbole';
import { externalSequences, importInto, memoryDb, tempDir } from './helpers';

let db: Db;
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  db = memoryDb();
  tmp = tempDir('llmdirec-recbole-');
});
afterEach(() => {
  db.close();
  tmp.cleanup();
});

const attributesOf = (name: string) => new Map([...itemAttributes(db, name).values()].map((v) => [v.externalId, v.attributes]));
const timestampsOf = (name: string) =>
  db.prepare('SELECT x.timestamp FROM interactions x JOIN datasets d ON d.id = x.dataset_id WHERE d.name = ? ORDER BY x.user_id, x.position').pluck().all(name);
const lines = (file: string) => readFileSync(file, 'utf8').replace(/\n$/, '').split('\n');

describe('RecBole export', () => {
  it('round-trips the demo dataset: same sequences, statistics, timestamps and item attributes', async () => {
    await createDemoDataset(db, { name: 'demo', replace: false });
    const out = await exportRecbole(db, 'demo', join(tmp.dir, 'demo'));
    expect(out.timeField).toBe('timestamp');
    expect(out.files.map((f) => f.file)).toEqual([join(tmp.dir, 'demo', 'demo.inter'), join(tmp.dir, 'demo', 'demo.item')]);
    const inter = lines(join(tmp.dir, 'demo', 'demo.inter'));
    expect(inter[0]).toBe('user_id:token\titem_id:token\ttimestamp:float');
    expect(inter.length - 1).toBe(getDatasetStats(db, 'demo').actions);
    expect(lines(join(tmp.dir, 'demo', 'demo.item'))[0]).toBe('item_id:token\ttitle:token\tcategory:token\tbrand:token\tprice:float\tdescription:token\tintent:token');

    await importInto(db, { format: 'recbole', name: 'back', source: join(tmp.dir, 'demo', 'demo.inter') });
    expect(externalSequences(db, 'back')).toEqual(externalSequences(db, 'demo'));
    expect({ ...getDatasetStats(db, 'back'), name: 'demo' }).toEqual(getDatasetStats(db, 'demo'));
    expect(timestampsOf('back')).toEqual(timestampsOf('demo'));
    expect(attributesOf('back')).toEqual(attributesOf('demo'));
  });

  it('writes an order column for a dataset without timestamps, which orders shuffled rows back', async () => {
    const sequences = [Int32Array.of(1, 2, 3, 2), Int32Array.of(3, 1), Int32Array.of(2, 3, 1)];
    await writeDataset(
      db,
      { name: 'bench', format: 'sr-txt', source: 'test', options: {}, replace: false },
      {
        users: ['u1', 'u2', 'u3'].map((externalId) => ({ externalId, attributes: {} })),
        items: [
          { externalId: 'i1', attributes: { title: '"Quoted" at the start', categories: ['Skin Care', 'Nails'], stock: 3 } },
          { externalId: 'i2', attributes: { title: 'tab\there, line\nbreak' } },
          { externalId: 'i3', attributes: {} },
        ],
        sequences,
        timestamps: sequences.map(() => null),
      },
    );
    const out = await exportRecbole(db, 'bench', tmp.dir);
    expect(out.timeField).toBe('order');
    const [header, ...rows] = lines(join(tmp.dir, 'bench.inter'));
    expect(header).toBe('user_id:token\titem_id:token\torder:float');
    expect(rows.slice(0, 4)).toEqual(['u1\ti1\t0', 'u1\ti2\t1', 'u1\ti3\t2', 'u1\ti2\t3']);
    expect(lines(join(tmp.dir, 'bench.item'))).toEqual([
      'item_id:token\ttitle:token\tcategories:token_seq\tstock:float',
      'i1\t"""Quoted"" at the start"\tSkin_Care Nails\t3',
      'i2\ttab here, line break\t\t',
      'i3\t\t\t',
    ]);
    expect(readFileSync(out.config, 'utf8')).toContain('TIME_FIELD: order');

    // Rows in another order (user by user reversed inside each user): the order column decides.
    writeFileSync(join(tmp.dir, 'bench.inter'), [header, ...[...rows].reverse()].join('\n') + '\n');
    await importInto(db, { format: 'recbole', name: 'back', source: join(tmp.dir, 'bench.inter') });
    const back = externalSequences(db, 'back');
    expect(back).toEqual({ u1: ['i1', 'i2', 'i3', 'i2'], u2: ['i3', 'i1'], u3: ['i2', 'i3', 'i1'] });
    expect(timestampsOf('back').every((t) => t === null)).toBe(true);
    expect(attributesOf('back').get('i1')).toEqual({ title: '"Quoted" at the start', categories: ['Skin_Care', 'Nails'], stock: 3 });
    expect(attributesOf('back').get('i2')).toEqual({ title: 'tab here, line break' });
    expect(attributesOf('back').get('i3')).toEqual({});
  });

  it('writes the vectors of items with text for preload_weight, float32-exact, and a config that loads them', async () => {
    await createDemoDataset(db, { name: 'demo', replace: false });
    const { items } = getDatasetStats(db, 'demo');
    const dims = 3;
    const table = new Float32Array((items + 1) * dims).map((_, k) => Math.sin(k) / 7);
    const hasText = new Uint8Array(items + 1).fill(1);
    hasText[0] = 0;
    hasText[2] = 0;
    const out = await exportRecbole(db, 'demo', tmp.dir, { vectors: { dims, table, hasText, label: 'test vectors' } });
    const [header, ...rows] = lines(join(tmp.dir, 'demo.itememb'));
    expect(header).toBe('iid:token\titem_emb:float_seq');
    expect(rows.length).toBe(items - 1);
    expect(out.files.at(-1)).toEqual({ file: join(tmp.dir, 'demo.itememb'), rows: items - 1 });
    const external = new Map([...itemAttributes(db, 'demo')].map(([id, v]) => [v.externalId, id]));
    for (const row of rows) {
      const [iid, values] = row.split('\t');
      const id = external.get(iid!)!;
      expect(id).not.toBe(2);
      expect(Float32Array.from(values!.split(' ').map(Number))).toEqual(table.subarray(id * dims, (id + 1) * dims));
    }
    const config = readFileSync(out.config, 'utf8');
    expect(config).toContain('additional_feat_suffix: [itememb]');
    expect(config).toContain('  itememb: [iid, item_emb]');
    expect(config).toContain('alias_of_item_id: [iid]');
    expect(config).toMatch(/preload_weight:\n {2}iid: item_emb/);
  });

  it('leaves no files behind when cancelled', async () => {
    await createDemoDataset(db, { name: 'demo', replace: false });
    const controller = new AbortController();
    const exporting = exportRecbole(db, 'demo', tmp.dir, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(exporting).rejects.toMatchObject({ code: 'cancelled' });
    expect(readdirSync(tmp.dir)).toEqual([]);
  });
});
