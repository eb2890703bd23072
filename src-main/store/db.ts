import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Migration } from './migrations';

export type Db = Database.Database;

/**
 * Opens (creating if needed) a database as it is, without migrating: what a worker does with the
 * database its parent has opened with the full schema (src-main/database.ts `openDb`).
 */
export function connectDb(file: string, options: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { readonly: options.readonly ?? false });
  // WAL lets the UI read while a training worker writes run records; a killed writer leaves the
  // last committed state intact.
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  return db;
}

/**
 * Runs `work` in one transaction that takes the write lock when it begins (BEGIN IMMEDIATE) and
 * returns its result. A deferred transaction that reads before it writes fails at once with
 * "database is locked" when another process (a second plan, a training worker) has committed since
 * its first read — SQLite cannot wait there — whereas a write lock taken up front waits up to the
 * busy timeout for the other writer and then sees its writes. Nested calls become savepoints.
 */
export function writeTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(work).immediate();
}

/**
 * Applies every migration not yet applied, in version order, each in its own transaction. Applied
 * versions are recorded one by one (not just the highest), because capabilities own separate
 * version ranges: a migration added later in a lower range must still run on an existing database.
 */
export function migrate(db: Db, all: readonly Migration[]): void {
  const versions = all.map((m) => m.version);
  if (new Set(versions).size !== versions.length) throw new Error('Duplicate migration version');
  const userVersion = db.pragma('user_version', { simple: true }) as number;
  const tracked = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  if (!tracked && userVersion > 0) {
    // A database from before per-version tracking recorded only its highest version, with every
    // migration up to it applied.
    const insert = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 'before tracking')");
    for (const m of all) if (m.version <= userVersion) insert.run(m.version, m.name);
  }
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const known = new Set(versions);
  const unknown = [...applied].filter((v) => !known.has(v));
  if (unknown.length > 0 || userVersion > Math.max(0, ...versions)) {
    throw new Error(
      `This database was written by a newer version of the workstation (schema ${Math.max(userVersion, ...unknown)}, this build knows ${Math.max(0, ...versions)}).`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...all].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    writeTransaction(db, () => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      db.pragma(`user_version = ${Math.max(userVersion, m.version, ...applied)}`);
    });
    applied.add(m.version);
  }
}
