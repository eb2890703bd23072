import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { itemAttributes, loadSequences } from '../../../src-main/store/datasets';
import { importInto, memoryDb, tempDir } from './helpers';

describe('sr-txt importer', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('keeps the file numbering, reads CRLF and gzip, attaches the item table', async () => {
    const text = '1 1 2 3\r\n2 4 2 5 1\r\n\r\n3 3 5\r\n';
    writeFileSync(join(tmp.dir, 'a.txt.gz'), gzipSync(text));
    writeFileSync(join(tmp.dir, 'meta.tsv'), 'item_id\tasin\ttitle\n1\tB01\tRed "lipstick"\n5\t0042\tComb\n9\tB09\tUnused\n');
    const db = memoryDb();
    const s = await importInto(db, { format: 'sr-txt', source: join(tmp.dir, 'a.txt.gz'), items: join(tmp.dir, 'meta.tsv') });
    expect(s).toMatchObject({ users: 3, items: 5, actions: 9, minLength: 2, maxLength: 4 });
    expect(loadSequences(db, 'test').sequences.map((q) => Array.from(q))).toEqual([
      [1, 2, 3],
      [4, 2, 5, 1],
      [3, 5],
    ]);
    const items = itemAttributes(db, 'test');
    expect(items.get(1)).toEqual({ externalId: '1', attributes: { asin: 'B01', title: 'Red "lipstick"' } });
    expect(items.get(5)).toEqual({ externalId: '5', attributes: { asin: '0042', title: 'Comb' } });
    expect(items.get(2)!.attributes).toEqual({});
    db.close();
  });

  it('drops consecutive duplicates on request and applies k-core', async () => {
    writeFileSync(join(tmp.dir, 'b.txt'), '1 1 1 2\n2 1 2 2\n3 1 3\n');
    const db = memoryDb();
    await importInto(db, { format: 'sr-txt', source: join(tmp.dir, 'b.txt'), options: { kcore: 2, consecutiveDuplicates: 'drop' } });
    // After dropping repeats: 1:[1,2] 2:[1,2] 3:[1,3] → item 3 seen once → user 3 left with one item.
    expect(loadSequences(db, 'test').sequences.map((q) => Array.from(q))).toEqual([
      [1, 2],
      [1, 2],
    ]);
    db.close();
  });
});

describe('k-core with the drop policy', () => {
  it('collapses repeats that become adjacent when an item is filtered out', async () => {
    const tmp = tempDir();
    // Item 9 occurs once: removing it from user 1 turns "1 9 1 2" into "1 1 2" → "1 2".
    writeFileSync(join(tmp.dir, 'c.txt'), '1 1 9 1 2\n2 1 2\n3 1 2\n');
    const db = memoryDb();
    await importInto(db, { format: 'sr-txt', source: join(tmp.dir, 'c.txt'), options: { kcore: 2, consecutiveDuplicates: 'drop' } });
    expect(loadSequences(db, 'test').sequences.map((q) => Array.from(q))).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    db.close();
    tmp.cleanup();
  });
});
