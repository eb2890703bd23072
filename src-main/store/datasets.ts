import { ApiError } from '../core/errors';
import type { Attributes, DatasetStats, DatasetSummary, ItemRow } from './dataset-schemas';
import { throwIfCancelled } from '../core/jobs';
import type { Db } from './db';
import type { PreparedDataset } from './import/preprocess';

interface DatasetRow {
  id: number;
  name: string;
  source_format: string;
  source: string;
  options_json: string;
  split: string;
  users: number;
  items: number;
  actions: number;
  min_length: number;
  max_length: number;
  created_at: string;
}

export interface DatasetOrigin {
  name: string;
  format: DatasetSummary['format'];
  source: string;
  options: Record<string, unknown>;
  replace: boolean;
}

export interface WriteProgress {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

const CHUNK = 20_000;
const ROWS_PER_STATEMENT = 200;
const MIN_ROWS_TO_REBUILD = 50_000;

/** The CREATE INDEX statement of an index as the migrations made it, or undefined if absent. */
function indexSql(db: Db, name: string): string | undefined {
  return db.prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?").pluck().get(name) as string | undefined;
}

/**
 * Writes a prepared dataset in one transaction; a cancel, an error or a killed process leaves the
 * store exactly as before (an existing dataset being replaced included).
 *
 * The transaction never spans an `await`: it is on the service's only connection, so any write
 * another handler made while it yielded (a template saved, a run started, a second import) would
 * join it — rolled back with a cancelled import, invisible to the training worker's connection,
 * or a nested BEGIN. Progress is reported and cancel checked between chunks, synchronously (a
 * cancel from the progress callback itself stops it; one from another task waits for the commit).
 * A second connection instead would make those writes wait on a lock held by their own thread.
 */
export async function writeDataset(db: Db, origin: DatasetOrigin, data: PreparedDataset, ctl: WriteProgress = {}): Promise<DatasetSummary> {
  const lengths = data.sequences.map((s) => s.length);
  const actions = lengths.reduce((a, b) => a + b, 0);
  // The last chance for a cancel from elsewhere (a UI button, Ctrl-C) before the write starts.
  await new Promise<void>((resolve) => setImmediate(resolve));
  throwIfCancelled(ctl.signal);
  inTransaction(db, () => {
    const existing = db.prepare('SELECT id FROM datasets WHERE name = ?').get(origin.name) as { id: number } | undefined;
    if (existing) {
      if (!origin.replace) {
        throw new ApiError('conflict', `A dataset named "${origin.name}" already exists. Use --replace to overwrite it.`);
      }
      db.prepare('DELETE FROM datasets WHERE id = ?').run(existing.id);
    }
    const { lastInsertRowid } = db
      .prepare(
        `INSERT INTO datasets (name, source_format, source, options_json, users, items, actions, min_length, max_length, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        origin.name,
        origin.format,
        origin.source,
        JSON.stringify(origin.options),
        data.users.length,
        data.items.length,
        actions,
        Math.min(...lengths),
        Math.max(...lengths),
        new Date().toISOString(),
      );
    const datasetId = Number(lastInsertRowid);
    const total = data.items.length + data.users.length + actions;
    let done = 0;
    ctl.onProgress?.(0, total); // the write phase has begun (progress bars switch phase here)
    const step = (n: number): void => {
      done += n;
      ctl.onProgress?.(done, total);
      throwIfCancelled(ctl.signal);
    };

    const insertItem = db.prepare('INSERT INTO items (dataset_id, item_id, external_id, attributes_json) VALUES (?, ?, ?, ?)');
    for (let start = 0; start < data.items.length; start += CHUNK) {
      const end = Math.min(start + CHUNK, data.items.length);
      for (let k = start; k < end; k++) insertItem.run(datasetId, k + 1, data.items[k]!.externalId, JSON.stringify(data.items[k]!.attributes));
      step(end - start);
    }
    const insertUser = db.prepare('INSERT INTO users (dataset_id, user_id, external_id, attributes_json) VALUES (?, ?, ?, ?)');
    for (let start = 0; start < data.users.length; start += CHUNK) {
      const end = Math.min(start + CHUNK, data.users.length);
      for (let k = start; k < end; k++) insertUser.run(datasetId, k + 1, data.users[k]!.externalId, JSON.stringify(data.users[k]!.attributes));
      step(end - start);
    }
    // Bulk insert (ML-1M: a million rows): many rows per statement, and unless the store already
    // holds many times more rows than this import, drop the by-item index and rebuild it once at
    // the end — one sort of all rows is several times cheaper than as many random index inserts
    // as there are new rows. DDL is transactional in SQLite, so a cancel or a killed process
    // leaves the index as it was.
    const stored = (db.prepare('SELECT COALESCE(SUM(actions), 0) AS n FROM datasets WHERE id <> ?').get(datasetId) as { n: number }).n;
    const byItem = actions >= MIN_ROWS_TO_REBUILD && actions * 4 > stored ? indexSql(db, 'interactions_by_item') : undefined;
    if (byItem) db.exec('DROP INDEX interactions_by_item');
    const insertRows = (rows: number) =>
      db.prepare(`INSERT INTO interactions (dataset_id, user_id, position, item_id, timestamp) VALUES ${Array(rows).fill('(?, ?, ?, ?, ?)').join(', ')}`);
    const insertMany = insertRows(ROWS_PER_STATEMENT);
    const args: (number | null)[] = new Array<number | null>(ROWS_PER_STATEMENT * 5);
    let filled = 0;
    let pending = 0;
    for (let u = 0; u < data.sequences.length; u++) {
      const seq = data.sequences[u]!;
      const times = data.timestamps[u];
      for (let p = 0; p < seq.length; p++) {
        const a = filled * 5;
        args[a] = datasetId;
        args[a + 1] = u + 1;
        args[a + 2] = p;
        args[a + 3] = seq[p]!;
        args[a + 4] = times ? times[p]! : null;
        if (++filled === ROWS_PER_STATEMENT) {
          insertMany.run(args);
          filled = 0;
        }
      }
      pending += seq.length;
      if (pending >= CHUNK) {
        step(pending);
        pending = 0;
      }
    }
    if (filled > 0) insertRows(filled).run(args.slice(0, filled * 5));
    if (byItem) db.exec(byItem);
    step(pending);
  });
  return getDataset(db, origin.name);
}

/** BEGIN IMMEDIATE … COMMIT around synchronous work; anything it throws rolls everything back. */
function inTransaction(db: Db, work: () => void): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    work();
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function toSummary(row: DatasetRow): DatasetSummary {
  return {
    ...statsOf(row),
    format: row.source_format as DatasetSummary['format'],
    source: row.source,
    split: row.split,
    options: JSON.parse(row.options_json) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

function statsOf(row: DatasetRow): DatasetStats {
  return {
    name: row.name,
    users: row.users,
    items: row.items,
    actions: row.actions,
    avgLength: row.actions / row.users,
    sparsity: 1 - row.actions / (row.users * row.items),
    minLength: row.min_length,
    maxLength: row.max_length,
  };
}

export function listDatasets(db: Db): DatasetSummary[] {
  return (db.prepare('SELECT * FROM datasets ORDER BY name').all() as DatasetRow[]).map(toSummary);
}

function datasetRow(db: Db, name: string): DatasetRow {
  const row = db.prepare('SELECT * FROM datasets WHERE name = ?').get(name) as DatasetRow | undefined;
  if (!row) throw new ApiError('not_found', `No dataset named "${name}". Run "llmdirec dataset list" to see what exists.`);
  return row;
}

export function datasetId(db: Db, name: string): number {
  return datasetRow(db, name).id;
}

export function getDataset(db: Db, name: string): DatasetSummary {
  return toSummary(datasetRow(db, name));
}

export function getDatasetStats(db: Db, name: string): DatasetStats {
  return statsOf(datasetRow(db, name));
}

export function deleteDataset(db: Db, name: string): boolean {
  return db.prepare('DELETE FROM datasets WHERE name = ?').run(name).changes > 0;
}

/** All users' chronological item sequences (index k = user k+1): what the engine trains on. */
export interface SequenceData {
  name: string;
  numItems: number;
  sequences: Int32Array[];
}

export function loadSequences(db: Db, name: string): SequenceData {
  const row = datasetRow(db, name);
  const sequences: Int32Array[] = [];
  const lengths = db
    .prepare('SELECT user_id, COUNT(*) AS n FROM interactions WHERE dataset_id = ? GROUP BY user_id ORDER BY user_id')
    .raw()
    .all(row.id) as [number, number][];
  for (const [, n] of lengths) sequences.push(new Int32Array(n));
  let user = -1;
  let pos = 0;
  for (const [u, item] of db
    .prepare('SELECT user_id, item_id FROM interactions WHERE dataset_id = ? ORDER BY user_id, position')
    .raw()
    .iterate(row.id) as Iterable<[number, number]>) {
    if (u - 1 !== user) {
      user = u - 1;
      pos = 0;
    }
    sequences[user]![pos++] = item;
  }
  return { name, numItems: row.items, sequences };
}

/**
 * Interaction count of every item in the *training* part of the leave-one-out split (all but the
 * last two items of each sequence): what head/tail is defined by. Index = item id (0 unused).
 */
export function trainingPopularity(data: SequenceData): Int32Array {
  const counts = new Int32Array(data.numItems + 1);
  for (const seq of data.sequences) for (let p = 0; p < seq.length - 2; p++) counts[seq[p]!]!++;
  return counts;
}

export function itemAttributes(db: Db, name: string): Map<number, { externalId: string; attributes: Attributes }> {
  const id = datasetId(db, name);
  const out = new Map<number, { externalId: string; attributes: Attributes }>();
  for (const [itemId, externalId, json] of db
    .prepare('SELECT item_id, external_id, attributes_json FROM items WHERE dataset_id = ?')
    .raw()
    .iterate(id) as Iterable<[number, string, string]>) {
    out.set(itemId, { externalId, attributes: JSON.parse(json) as Attributes });
  }
  return out;
}

export function pageItems(db: Db, name: string, search: string | undefined, offset: number, limit: number): { total: number; items: ItemRow[] } {
  const id = datasetId(db, name);
  const where = search ? `AND (external_id LIKE @q OR attributes_json LIKE @q OR CAST(item_id AS TEXT) = @exact)` : '';
  const params = { id, q: `%${search ?? ''}%`, exact: search ?? '', limit, offset };
  const total = (db.prepare(`SELECT COUNT(*) AS n FROM items WHERE dataset_id = @id ${where}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT i.item_id, i.external_id, i.attributes_json,
              (SELECT COUNT(*) FROM interactions x WHERE x.dataset_id = i.dataset_id AND x.item_id = i.item_id) AS popularity
       FROM items i WHERE dataset_id = @id ${where} ORDER BY item_id LIMIT @limit OFFSET @offset`,
    )
    .all(params) as { item_id: number; external_id: string; attributes_json: string; popularity: number }[];
  return {
    total,
    items: rows.map((r) => ({
      itemId: r.item_id,
      externalId: r.external_id,
      attributes: JSON.parse(r.attributes_json) as Attributes,
      popularity: r.popularity,
    })),
  };
}
