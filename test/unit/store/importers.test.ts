import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../src-main/store/db';
import { getDataset, itemAttributes, loadSequences } from '../../../src-main/store/datasets';
import { externalSequences, fixture, importInto, memoryDb, SHARED_DATASETS, tempDir, userAttributes } from './helpers';

let db: Db;
beforeEach(() => {
  db = memoryDb();
});
afterEach(() => db.close());

const attributesByExternalId = (name = 'test') =>
  new Map([...itemAttributes(db, name).values()].map((v) => [v.externalId, v.attributes]));

describe('ml-1m importer', () => {
  it('reads the three .dat files, orders each user by timestamp and decodes Latin-1 titles', async () => {
    const summary = await importInto(db, { format: 'ml-1m', source: fixture('ml-1m') });
    expect(summary).toMatchObject({ format: 'ml-1m', users: 4, items: 6, actions: 16 });
    expect(externalSequences(db, 'test')).toEqual({
      '1': ['1', '2', '3', '4', '73'],
      '2': ['1', '2', '73', '5'],
      '3': ['2', '3', '73', '4', '5'],
      '4': ['1', '5'],
    });
    const items = attributesByExternalId();
    expect(items.get('73')).toEqual({ title: 'Misérables, Les', year: 1995, genres: ['Drama', 'Musical'] });
    expect(items.get('5')).toEqual({ title: 'Metisse (Café au Lait)', year: 1993, genres: ['Comedy'] });
    expect(items.get('1')!.genres).toEqual(['Animation', "Children's", 'Comedy']);
    expect(userAttributes(db, 'test').get('4')).toEqual({ gender: 'F', age: 45, ageGroup: '45-49', occupation: 'executive/managerial', zipCode: '02460' });
  });

  it('decodes a UTF-8 movies.dat identically (CRLF ratings, ratings.dat given as the source)', async () => {
    await importInto(db, { format: 'ml-1m', source: fixture('ml-1m-utf8', 'ratings.dat') });
    expect(attributesByExternalId().get('73')!.title).toBe('Misérables, Les');
    expect(attributesByExternalId().get('5')!.title).toBe('Metisse (Café au Lait)');
    expect(userAttributes(db, 'test').get('1')).toEqual({}); // this folder has no users.dat
  });

  it('keeps only ratings ≥ minRating and applies the k-core filter', async () => {
    const s = await importInto(db, { format: 'ml-1m', source: fixture('ml-1m'), options: { kcore: 2, consecutiveDuplicates: 'keep', minRating: 3 } });
    // Ratings ≥ 3: u1 {73,1,2,4}, u2 {1,73,5}, u3 {2,3,5}, u4 {} → 2-core drops items seen once (4, 3).
    expect(externalSequences(db, 'test')).toEqual({ '1': ['1', '2', '73'], '2': ['1', '73', '5'], '3': ['2', '5'] });
    expect(s).toMatchObject({ users: 3, items: 4, actions: 8 });
  });

  it.skipIf(!existsSync(join(SHARED_DATASETS, 'raw', 'ml-1m', 'movies.dat')))('reads the shipped UTF-8 movies.dat as --items', async () => {
    await importInto(db, { format: 'ml-1m', source: fixture('ml-1m'), items: join(SHARED_DATASETS, 'raw', 'ml-1m', 'movies.dat') });
    expect(attributesByExternalId().get('73')).toEqual({ title: 'Miserables, Les', year: 1995, genres: ['Drama', 'Musical'] });
    expect(attributesByExternalId().get('1')!.title).toBe('Toy Story');
  });
});

describe('amazon importer', () => {
  it('reads 2014 gzip reviews and Python-literal metadata', async () => {
    const s = await importInto(db, { format: 'amazon', source: fixture('amazon', 'reviews_Beauty_2014.json.gz'), items: fixture('amazon', 'meta_Beauty_2014.json.gz') });
    expect(s).toMatchObject({ users: 3, items: 3, actions: 7 });
    expect(externalSequences(db, 'test')).toEqual({ A1: ['B002', 'B003', 'B001'], A2: ['B002', 'B001'], A3: ['B003', 'B001'] });
    const items = attributesByExternalId();
    expect(items.get('B001')).toEqual({
      title: 'Men\'s "Classic" Shave Cream',
      brand: 'Acme',
      price: 12.5,
      categories: ['Beauty', 'Shaving', 'Men'],
      description: 'Rich lather.\nCafé scent – smooth.',
    });
    expect(items.get('B002')).toEqual({ title: "Nail Polish 'Red'", brand: 'Gloë', categories: ['Beauty', 'Nails'] });
    expect(items.get('B003')).toEqual({ description: 'Plain' });
    // Timestamps are kept (seconds).
    const ts = db.prepare('SELECT timestamp FROM interactions ORDER BY user_id, position LIMIT 1').get() as { timestamp: number };
    expect(ts.timestamp).toBe(1400000100);
  });

  it('accepts 2014 review lines written as Python dict literals', async () => {
    const tmp = tempDir();
    writeFileSync(join(tmp.dir, 'r.json'), "{'reviewerID': 'A', 'asin': 'B1', 'overall': 5.0, 'unixReviewTime': 2}\n{\"reviewerID\": \"A\", \"asin\": \"B2\", \"unixReviewTime\": 1}\n");
    await importInto(db, { format: 'amazon', source: join(tmp.dir, 'r.json') });
    expect(externalSequences(db, 'test')).toEqual({ A: ['B2', 'B1'] });
    tmp.cleanup();
  });

  it('reads 2018 JSON-lines reviews and metadata', async () => {
    await importInto(db, { format: 'amazon', source: fixture('amazon', 'reviews_2018.json'), items: fixture('amazon', 'meta_2018.json') });
    expect(externalSequences(db, 'test')).toEqual({ U1: ['P1', 'P2'], U2: ['P2', 'P1'] });
    expect(attributesByExternalId().get('P1')).toEqual({
      title: 'TrailDome 2',
      brand: 'Summit',
      price: 1049.99,
      categories: ['Sports & Outdoors', 'Camping', 'Tents'],
      description: 'Two-person tent.\nWaterproof.',
    });
    expect(attributesByExternalId().get('P2')).toEqual({ title: 'Camp Mug' });
  });

  it('reads 2023 reviews keyed by parent_asin with millisecond timestamps', async () => {
    await importInto(db, { format: 'amazon', source: fixture('amazon', 'Toys_2023.jsonl'), items: fixture('amazon', 'meta_Toys_2023.jsonl') });
    // AG1's G2 review is 923 ms earlier than the G1 one.
    expect(externalSequences(db, 'test')).toEqual({ AG1: ['G2', 'G1'], AG2: ['G1'] });
    expect(attributesByExternalId().get('G1')).toEqual({
      title: 'Puzzle Cube',
      brand: 'CubeCo',
      price: 9.99,
      categories: ['Toys & Games', 'Puzzles'],
      description: 'A cube.',
    });
    const ts = db.prepare('SELECT timestamp FROM interactions WHERE user_id = 2').get() as { timestamp: number };
    expect(ts.timestamp).toBe(1600000000);
  });
});

describe('yelp importer', () => {
  it('reads the review and business files from the folder', async () => {
    const s = await importInto(db, { format: 'yelp', source: fixture('yelp') });
    expect(s).toMatchObject({ users: 2, items: 3, actions: 5 });
    expect(externalSequences(db, 'test')).toEqual({ u1: ['b2', 'b1'], u2: ['b1', 'b2', 'b3'] });
    const items = attributesByExternalId();
    expect(items.get('b1')).toEqual({ name: 'Café Luna', categories: ['Coffee & Tea', 'Breakfast & Brunch'], city: 'Tucson', stars: 4.5, review_count: 120, is_open: true });
    expect(items.get('b2')).toEqual({ name: 'Tire Town', categories: [], city: 'Reno', stars: 3, review_count: 8, is_open: false });
    const first = db.prepare('SELECT timestamp FROM interactions WHERE user_id = 1 AND position = 0').get() as { timestamp: number };
    expect(first.timestamp).toBe(Date.UTC(2017, 0, 14, 20, 54, 15) / 1000);
  });

  it('accepts the review file as source and the business file as items', async () => {
    await importInto(db, {
      format: 'yelp',
      source: fixture('yelp', 'yelp_academic_dataset_review.json'),
      items: fixture('yelp', 'yelp_academic_dataset_business.json'),
    });
    expect(attributesByExternalId().get('b3')!.name).toBe('Books');
  });
});

describe('recbole importer', () => {
  it('reads .inter with typed header and the sibling .item file', async () => {
    const s = await importInto(db, { format: 'recbole', source: fixture('recbole', 'tiny.inter') });
    expect(s).toMatchObject({ users: 2, items: 3, actions: 5 });
    expect(externalSequences(db, 'test')).toEqual({ '196': ['302', '242'], '186': ['242', '302', '377'] });
    const items = attributesByExternalId();
    expect(items.get('302')).toEqual({ movie_title: ['L.A.', 'Confidential'], release_year: '1997', class: ['Crime', 'Film-Noir', 'Mystery', 'Thriller'] }); // an empty field is no value
    expect(items.get('377')!.price).toBe(1);
  });
});

describe('csv importer', () => {
  it('reads a header in any column order, ISO and numeric timestamps, quoted ids', async () => {
    const s = await importInto(db, { format: 'csv', source: fixture('csv', 'interactions.csv'), items: fixture('csv', 'items.csv') });
    expect(s).toMatchObject({ users: 2, items: 3, actions: 4 });
    // 1614600000 = 2021-03-01T12:00Z, after alice's 10:00 row.
    expect(externalSequences(db, 'test')).toEqual({ alice: ['i-10', 'i-20'], bob: ['i-30, large', 'i-20'] });
    expect(attributesByExternalId().get('i-20')).toEqual({ title: 'Tea, green', category: 'Food' });
    expect(attributesByExternalId().get('i-30, large')).toEqual({ title: 'Big Box', category: 'Storage' });
  });

  it('reads a Latin-1 items table', async () => {
    const tmp = tempDir();
    writeFileSync(join(tmp.dir, 'items.csv'), Buffer.from('item_id,title\nx,Crème brûlée torch\n', 'latin1'));
    await importInto(db, { format: 'csv', source: fixture('csv', 'plain.tsv'), items: join(tmp.dir, 'items.csv') });
    expect(attributesByExternalId().get('x')).toEqual({ title: 'Crème brûlée torch' });
    tmp.cleanup();
  });

  it('reads columns of any names through a --columns mapping', async () => {
    const tmp = tempDir();
    writeFileSync(join(tmp.dir, 'x.csv'), 'when,customer,sku,stars\n20,u1,x,5\n10,u1,y,4\n5,u2,y,3\n');
    await importInto(db, { format: 'csv', source: join(tmp.dir, 'x.csv'), columns: { user: 'customer', item: 'sku', timestamp: 'when', rating: 'stars' } });
    expect(externalSequences(db, 'test')).toEqual({ u1: ['y', 'x'], u2: ['y'] });
    tmp.cleanup();
  });

  it('still reads a headerless file whose ids are words', async () => {
    const tmp = tempDir();
    writeFileSync(join(tmp.dir, 'x.csv'), 'alice,mug\nalice,cup\nbob,mug\n');
    await importInto(db, { format: 'csv', source: join(tmp.dir, 'x.csv') });
    expect(externalSequences(db, 'test')).toEqual({ alice: ['mug', 'cup'], bob: ['mug'] });
    tmp.cleanup();
  });

  it('reads headerless tab-separated user/item/timestamp', async () => {
    await importInto(db, { format: 'csv', source: fixture('csv', 'plain.tsv') });
    expect(externalSequences(db, 'test')).toEqual({ u1: ['y', 'x'], u2: ['y'] });
  });
});

describe('loaded sequences', () => {
  it('are dense 1-based ids in chronological order', async () => {
    await importInto(db, { format: 'ml-1m', source: fixture('ml-1m') });
    const data = loadSequences(db, 'test');
    expect(data.numItems).toBe(6);
    expect(data.sequences.map((s) => Array.from(s))).toEqual([
      [1, 2, 3, 4, 5],
      [1, 2, 5, 6],
      [2, 3, 5, 4, 6],
      [1, 6],
    ]);
    expect(getDataset(db, 'test')).toMatchObject({ minLength: 2, maxLength: 5 });
  });
});
