import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportRequest } from '../../../src-main/api/contracts/datasets';
import { openDb, type Db } from '../../../src-main/database';
import { importDataset } from '../../../src-main/store/import/index';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, '..', '..', 'fixtures', 'import');
export const SHARED_DATASETS = join(here, '..', '..', '..', '..', 'shared', 'datasets');

export const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

export function memoryDb(): Db {
  return openDb(':memory:');
}

/** A temporary folder removed by the returned cleanup. */
export function tempDir(prefix = 'llmdirec-import-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Imports with the paper's defaults unless overridden (kcore 0 by default: fixtures are tiny). */
export function importInto(db: Db, request: Partial<ImportRequest> & Pick<ImportRequest, 'format' | 'source'>) {
  return importDataset(db, {
    name: 'test',
    replace: false,
    ...request,
    options: { kcore: 0, consecutiveDuplicates: 'keep', ...request.options },
  });
}

/** Everything an import could change: the datasets table and the row counts of the data tables. */
export function storeSnapshot(db: Db): unknown {
  return {
    datasets: db.prepare('SELECT * FROM datasets ORDER BY id').all(),
    items: db.prepare('SELECT COUNT(*) AS n FROM items').get(),
    users: db.prepare('SELECT COUNT(*) AS n FROM users').get(),
    interactions: db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(item_id), 0) AS s FROM interactions').get(),
    indexes: db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").all(),
  };
}

export function userAttributes(db: Db, name: string): Map<string, unknown> {
  const rows = db
    .prepare('SELECT u.external_id, u.attributes_json FROM users u JOIN datasets d ON d.id = u.dataset_id WHERE d.name = ?')
    .all(name) as { external_id: string; attributes_json: string }[];
  return new Map(rows.map((r) => [r.external_id, JSON.parse(r.attributes_json)]));
}

/** Sequences as external item ids per external user id: independent of the id remapping. */
export function externalSequences(db: Db, name: string): Record<string, string[]> {
  const rows = db
    .prepare(
      `SELECT u.external_id AS user, i.external_id AS item FROM interactions x
       JOIN datasets d ON d.id = x.dataset_id
       JOIN users u ON u.dataset_id = x.dataset_id AND u.user_id = x.user_id
       JOIN items i ON i.dataset_id = x.dataset_id AND i.item_id = x.item_id
       WHERE d.name = ? ORDER BY x.user_id, x.position`,
    )
    .all(name) as { user: string; item: string }[];
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.user] ??= []).push(r.item);
  return out;
}
