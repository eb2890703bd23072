import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFormat, ImportRequest } from '../../../src-main/api/contracts/datasets';
import type { Db } from '../../../src-main/store/db';
import { fixture, importInto, memoryDb, storeSnapshot, tempDir } from './helpers';

/**
 * Every malformed input fails with a message naming the file and (where there is one) the line,
 * and leaves the store exactly as it was — including when it was meant to replace a dataset.
 */
interface Case {
  title: string;
  format: ImportFormat;
  /** Files to create (name → content); the first one is the source unless `source` says otherwise. */
  files: Record<string, string | Buffer>;
  source?: string;
  items?: string;
  error: RegExp;
  kcore?: number;
  minRating?: number;
  columns?: ImportRequest['columns'];
}

const ratings = '1::1::5::978300760\n1::2::3::978300761\n';
const review14 = (user: string, asin: string, t: number) => JSON.stringify({ reviewerID: user, asin, overall: 5, unixReviewTime: t });
const review = (user: string, business: string, date: string) => JSON.stringify({ user_id: user, business_id: business, stars: 4, date });
const truncatedGzip = (text: string) => {
  const gz = gzipSync(Buffer.from(text.repeat(200)));
  return gz.subarray(0, Math.floor(gz.length / 2));
};

const cases: Case[] = [
  { title: 'sr-txt: a non-numeric item id', format: 'sr-txt', files: { 'a.txt': '1 2 3\n2 3 x4\n' }, error: /^a\.txt, line 2: "x4" is not a numeric id$/ },
  { title: 'sr-txt: a line with only a user', format: 'sr-txt', files: { 'a.txt': '1 2 3\r\n2 3 4\r\n3\r\n' }, error: /^a\.txt, line 3: Expected "user item item …"/ },
  { title: 'sr-txt: an empty file', format: 'sr-txt', files: { 'empty.txt': '' }, error: /^empty\.txt: The file is empty$/ },
  { title: 'sr-txt: only blank lines', format: 'sr-txt', files: { 'blank.txt': '\n\n  \n' }, error: /^blank\.txt: The file has no interactions$/ },
  {
    title: 'sr-txt: bytes that are not UTF-8',
    format: 'sr-txt',
    files: { 'latin.txt': Buffer.concat([Buffer.from('1 2 3\n2 3 4\n3 '), Buffer.from([0xe9]), Buffer.from(' 5\n')]) },
    error: /^latin\.txt, line 3: The file is not valid UTF-8/,
  },
  { title: 'sr-txt: a truncated gzip file', format: 'sr-txt', files: { 'cut.txt.gz': truncatedGzip('1 2 3 4 5 6 7\n') }, error: /^cut\.txt\.gz, line \d+: The gzip data is truncated or corrupt/ },
  {
    title: 'sr-txt: an items table row with a missing column',
    format: 'sr-txt',
    files: { 'a.txt': '1 2 3\n', 'meta.tsv': 'item_id\ttitle\tbrand\n2\tMug\tAcme\n3\tCup\n' },
    items: 'meta.tsv',
    error: /^meta\.tsv, line 3: Expected 3 columns but found 2$/,
  },
  { title: 'ml-1m: a ratings line with three fields', format: 'ml-1m', files: { 'ratings.dat': '1::1::5::978300760\n1::2::978300761\n' }, source: '.', error: /^ratings\.dat, line 2: Expected 4 "::"-separated fields but found 3$/ },
  { title: 'ml-1m: a user id that is not a number', format: 'ml-1m', files: { 'ratings.dat': 'u1::1::5::978300760\n' }, source: '.', error: /^ratings\.dat, line 1: UserID "u1" is not a whole number$/ },
  { title: 'ml-1m: a fractional timestamp', format: 'ml-1m', files: { 'ratings.dat': '1::1::5::978300760.5\n' }, source: '.', error: /^ratings\.dat, line 1: Timestamp "978300760\.5" is not a whole number$/ },
  {
    title: 'ml-1m: movies.dat with a missing genre field',
    format: 'ml-1m',
    files: { 'ratings.dat': ratings, 'movies.dat': '1::Toy Story (1995)::Animation\n2::Jumanji (1995)\n' },
    source: '.',
    error: /^movies\.dat, line 2: Expected 3 "::"-separated fields but found 2$/,
  },
  {
    title: 'ml-1m: users.dat with a non-numeric age',
    format: 'ml-1m',
    files: { 'ratings.dat': ratings, 'users.dat': '1::F::young::10::48067\n' },
    source: '.',
    error: /^users\.dat, line 1: Age and Occupation must be numeric codes$/,
  },
  { title: 'ml-1m: a folder without ratings.dat', format: 'ml-1m', files: { 'movies.dat': '1::Toy Story (1995)::Animation\n' }, source: '.', error: /^ratings\.dat: No ratings\.dat here/ },
  {
    title: 'amazon: a review line that is not JSON',
    format: 'amazon',
    files: { 'reviews.json': `${review14('A', 'B1', 1)}\n{"reviewerID": "A", "asin": \n` },
    error: /^reviews\.json, line 2: Neither JSON nor a Python dict literal/,
  },
  { title: 'amazon: a review without asin', format: 'amazon', files: { 'reviews.json': `${review14('A', 'B1', 1)}\n{"reviewerID":"A","overall":5,"unixReviewTime":2}\n` }, error: /^reviews\.json, line 2: Missing "asin"$/ },
  { title: 'amazon: a review that is a list', format: 'amazon', files: { 'reviews.json': '["A","B1",5,1]\n' }, error: /^reviews\.json, line 1: Expected one object/ },
  { title: 'amazon: a record of another dataset', format: 'amazon', files: { 'reviews.json': '{"customer":"A","product":"B"}\n' }, error: /^reviews\.json, line 1: Not an Amazon review/ },
  {
    title: 'amazon: a 2014 metadata line with an unterminated string',
    format: 'amazon',
    files: { 'reviews.json': `${review14('A', 'B1', 1)}\n`, 'meta.json': "{'asin': 'B1', 'title': 'ok'}\n{'asin': 'B2', 'title': 'Men\\'s}\n" },
    items: 'meta.json',
    error: /^meta\.json, line 2: Neither JSON nor a Python dict literal: Unterminated string/,
  },
  {
    title: 'amazon: a metadata line that would need eval',
    format: 'amazon',
    files: { 'reviews.json': `${review14('A', 'B1', 1)}\n`, 'meta.json': "{'asin': 'B1', 'title': __import__('os').system('true')}\n" },
    items: 'meta.json',
    error: /^meta\.json, line 1: Neither JSON nor a Python dict literal: Unexpected "_"/,
  },
  { title: 'amazon: truncated .json.gz reviews', format: 'amazon', files: { 'reviews.json.gz': truncatedGzip(`${review14('A', 'B1', 1)}\n`) }, error: /^reviews\.json\.gz, line \d+: The gzip data is truncated/ },
  { title: 'amazon: a non-numeric review time', format: 'amazon', files: { 'r.json': '{"reviewerID":"A","asin":"B","unixReviewTime":"yesterday"}\n' }, error: /^r\.json, line 1: "unixReviewTime" is not a number/ },
  {
    title: 'yelp: a review date that is not a date',
    format: 'yelp',
    files: { 'yelp_academic_dataset_review.json': `${review('u', 'b', '2018-07-07 22:09:11')}\n${review('u', 'b2', '2018-02-30 10:00:00')}\n` },
    source: '.',
    error: /^yelp_academic_dataset_review\.json, line 2: "date" is not a date/,
  },
  {
    title: 'yelp: a business without business_id',
    format: 'yelp',
    files: { 'yelp_academic_dataset_review.json': `${review('u', 'b', '2018-07-07')}\n`, 'yelp_academic_dataset_business.json': '{"business_id":"b","name":"x"}\n{"name":"y"}\n' },
    source: '.',
    error: /^yelp_academic_dataset_business\.json, line 2: Missing "business_id"$/,
  },
  { title: 'recbole: an unknown header type', format: 'recbole', files: { 'x.inter': 'user_id:int\titem_id:token\n1\t2\n' }, error: /^x\.inter, line 1: Header field "user_id:int" is not "name:type"/ },
  { title: 'recbole: no item_id field', format: 'recbole', files: { 'x.inter': 'user_id:token\tproduct:token\n1\t2\n' }, error: /^x\.inter, line 1: The header has no "item_id" field/ },
  {
    title: 'recbole: a timestamp that is not a number',
    format: 'recbole',
    files: { 'x.inter': 'user_id:token\titem_id:token\ttimestamp:float\n1\t2\t100\n1\t3\tlater\n' },
    error: /^x\.inter, line 3: timestamp "later" is not a number$/,
  },
  { title: 'recbole: a row with too many fields', format: 'recbole', files: { 'x.inter': 'user_id:token\titem_id:token\n1\t2\n1\t3\t4\n' }, error: /^x\.inter, line 3: Expected 2 tab-separated fields but found 3$/ },
  {
    title: 'recbole: an order (the export of a dataset without timestamps) that is not a number',
    format: 'recbole',
    files: { 'x.inter': 'user_id:token\titem_id:token\torder:float\nu1\ti1\t0\nu1\ti2\tsecond\n' },
    error: /^x\.inter, line 3: order "second" is not a number$/,
  },
  {
    title: 'recbole: an .item float field that is not a number',
    format: 'recbole',
    files: { 'x.inter': 'user_id:token\titem_id:token\n1\t2\n', 'x.item': 'item_id:token\tprice:float\n2\t3.50 EUR\n' },
    error: /^x\.item, line 2: price "3\.50 EUR" is not a number$/,
  },
  { title: 'recbole: a header field without a type', format: 'recbole', files: { 'x.inter': 'user_id\titem_id:token\n1\t2\n' }, error: /^x\.inter, line 1: Header field "user_id" is not "name:type"/ },
  { title: 'csv: a row with a missing column', format: 'csv', files: { 'x.csv': 'user,item,timestamp\na,1,10\na,2\n' }, error: /^x\.csv, line 3: Expected 3 columns but found 2$/ },
  { title: 'csv: a timestamp that is neither a number nor a date', format: 'csv', files: { 'x.csv': 'a,1,10\na,2,soon\n' }, error: /^x\.csv, line 2: Timestamp "soon" is neither a number nor an ISO date$/ },
  {
    title: 'csv: an items file without item_id',
    format: 'csv',
    files: { 'x.csv': 'a,1,10\n', 'items.csv': 'id,title\n1,Mug\n' },
    items: 'items.csv',
    error: /^items\.csv, line 1: The header has no "item_id" column/,
  },
  {
    title: 'csv: an items file with the same item_id twice',
    format: 'csv',
    files: { 'x.csv': 'a,1,10\n', 'items.csv': 'item_id,title\n1,Mug\n2,Cup\n1,Bowl\n' },
    items: 'items.csv',
    error: /^items\.csv, line 4: item_id "1" appears twice \(first on line 2\)$/,
  },
  {
    title: 'sr-txt: a metadata table with the same item_id twice',
    format: 'sr-txt',
    files: { 'a.txt': '1 2 3\n', 'meta.tsv': 'item_id\ttitle\n2\tMug\n2\tCup\n' },
    items: 'meta.tsv',
    error: /^meta\.tsv, line 3: item_id "2" appears twice \(first on line 2\)$/,
  },
  {
    title: 'recbole: an .item file with the same item_id twice',
    format: 'recbole',
    files: { 'x.inter': 'user_id:token\titem_id:token\n1\t2\n', 'x.item': 'item_id:token\ttitle:token\n2\tMug\n3\tCup\n2\tBowl\n' },
    error: /^x\.item, line 4: item_id "2" appears twice \(first on line 2\)$/,
  },
  {
    title: 'csv: a header that names none of the expected columns',
    format: 'csv',
    files: { 'x.csv': 'customer,product,when\na,1,10\n' },
    error: /^x\.csv, line 1: The header names none of the expected columns \(expected user, item, timestamp, rating; found customer, product, when\)\. Name them with --columns user=<col>,item=<col>,timestamp=<col>$/,
  },
  {
    title: 'csv: a two-column header that names none of the expected columns',
    format: 'csv',
    files: { 'x.csv': 'customer,product\na,1\nb,2\n' },
    error: /^x\.csv, line 1: The header names none of the expected columns \(expected user, item, timestamp, rating; found customer, product\)/,
  },
  {
    title: 'csv: a header that names the user but not the item',
    format: 'csv',
    files: { 'x.csv': 'user_id,product,timestamp\na,1,10\n' },
    error: /^x\.csv, line 1: The header has no item column \(expected one of item, item_id, itemid; found user_id, product, timestamp\)/,
  },
  {
    title: 'csv: a --columns mapping naming a column the header lacks',
    format: 'csv',
    files: { 'x.csv': 'customer,product,when\na,1,10\n' },
    columns: { user: 'customer', item: 'sku', timestamp: 'when' },
    error: /^x\.csv, line 1: The header has no "sku" column \(named by --columns item=sku; found customer, product, when\)$/,
  },
  { title: 'sr-txt: a minimum rating for a file without ratings', format: 'sr-txt', files: { 'a.txt': '1 2 3\n' }, minRating: 4, error: /^This input has no ratings/ },
  { title: 'csv: nothing survives the 5-core filter', format: 'csv', files: { 'x.csv': 'a,1,10\na,2,11\n' }, kcore: 5, error: /^No interactions remain after the 5-core filter/ },
];

describe('malformed input', () => {
  let db: Db;
  let before: unknown;
  const tmp = tempDir();
  beforeAll(async () => {
    db = memoryDb();
    await importInto(db, { name: 'existing', format: 'csv', source: fixture('csv', 'interactions.csv') });
    before = storeSnapshot(db);
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('has at least 15 cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));

  cases.forEach((c, k) => {
    it(`${c.title}: names the file and line, writes nothing`, async () => {
      const dir = join(tmp.dir, `case${k}`);
      mkdirSync(dir);
      for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content);
      const source = join(dir, c.source ?? Object.keys(c.files)[0]!);
      const items = c.items ? join(dir, c.items) : undefined;
      const options = { kcore: c.kcore ?? 0, consecutiveDuplicates: 'keep' as const, minRating: c.minRating };
      await expect(importInto(db, { name: 'bad', format: c.format, source, items, options, columns: c.columns })).rejects.toThrow(c.error);
      // Replacing an existing dataset with bad input keeps the old one.
      await expect(importInto(db, { name: 'existing', replace: true, format: c.format, source, items, options, columns: c.columns })).rejects.toThrow(c.error);
      expect(storeSnapshot(db)).toEqual(before);
    });
  });

  it('reports where a Latin-1 byte sits deep in a big file', async () => {
    const dir = join(tmp.dir, 'deep');
    mkdirSync(dir);
    const lines = Array.from({ length: 120_000 }, (_, u) => `${u + 1} 1 2 3 4 5`);
    lines[99_999] = '100000 1 2 \u00e9';
    writeFileSync(join(dir, 'big.txt'), Buffer.from(lines.join('\n') + '\n', 'latin1'));
    await expect(importInto(db, { name: 'bad', format: 'sr-txt', source: join(dir, 'big.txt') })).rejects.toThrow(/^big\.txt, line 100000: The file is not valid UTF-8/);
    expect(storeSnapshot(db)).toEqual(before);
  });

  it('carries file and line in the error for API callers', async () => {
    const dir = join(tmp.dir, 'json');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.txt'), '1 2\n1 y\n');
    const error = await importInto(db, { name: 'bad', format: 'sr-txt', source: join(dir, 'x.txt') }).catch((e: unknown) => e);
    expect((error as { toJSON(): unknown }).toJSON()).toEqual({ code: 'bad_input', message: 'x.txt, line 2: "y" is not a numeric id', file: join(dir, 'x.txt'), line: 2 });
  });
});
