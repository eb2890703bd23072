import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations, type Migration } from './migrations';

export type Db = Database.Database;

/** Opens (creating if needed) a workstation database and brings its schema up to date. */
export function openDb(file: string, options: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false });
  // WAL lets the UI read while a training worker writes run records; a killed writer leaves the
  // last committed state intact.
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  if (!options.readonly) migrate(db, migrations);
  return db;
}

/** Applies every migration newer than the database's `user_version`, each in its own transaction. */
export function migrate(db: Db, all: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const versions = all.map((m) => m.version);
  if (new Set(versions).size !== versions.length) throw new Error('Duplicate migration version');
  const latest = Math.max(0, ...versions);
  if (current > latest) {
    throw new Error(
      `This database was written by a newer version of the workstation (schema ${current}, this build knows ${latest}).`,
    );
  }
  for (const m of [...all].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

/**
 * Runs `work` inside one write transaction that may span `await`s (chunked inserts that yield to
 * report progress and honour cancel). Either everything commits or nothing does; a process killed
 * midway leaves the database as it was, because SQLite never sees the COMMIT.
 */
export async function inAsyncTransaction<T>(db: Db, work: () => Promise<T>): Promise<T> {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = await work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
