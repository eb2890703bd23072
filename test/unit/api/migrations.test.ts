import { describe, expect, it } from 'vitest';
import { openDb, workstationMigrations as migrations } from '../../../src-main/database';
import { migrate } from '../../../src-main/store/db';

describe('schema migrations', () => {
  it('bring a fresh database to the latest version with foreign keys on', () => {
    const db = openDb(':memory:');
    expect(db.pragma('user_version', { simple: true })).toBe(Math.max(...migrations.map((m) => m.version)));
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuse a database written by a newer build instead of damaging it', () => {
    const db = openDb(':memory:');
    db.pragma('user_version = 9999');
    expect(() => migrate(db, migrations)).toThrow(/newer version of the workstation/);
    db.close();
  });

  it('roll back a failing migration completely', () => {
    const db = openDb(':memory:');
    const before = db.pragma('user_version', { simple: true }) as number;
    const broken = [...migrations, { version: before + 1, name: 'broken', sql: 'CREATE TABLE ok_table (x); SELECT * FROM missing_table;' }];
    expect(() => migrate(db, broken)).toThrow(/missing_table/);
    expect(db.pragma('user_version', { simple: true })).toBe(before);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'ok_table'").get()).toBeUndefined();
    db.close();
  });
});

describe('migrations owned by several capabilities', () => {
  it('still apply a lower-numbered migration added after a higher one ran', () => {
    const db = openDb(':memory:');
    const top = Math.max(...migrations.map((m) => m.version));
    migrate(db, [...migrations, { version: top + 10, name: 'later range', sql: 'CREATE TABLE later_range (x)' }]);
    migrate(db, [
      ...migrations,
      { version: top + 10, name: 'later range', sql: 'CREATE TABLE later_range (x)' },
      { version: top + 1, name: 'added afterwards in a lower range', sql: 'CREATE TABLE lower_range (x)' },
    ]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'lower_range'").get()).toEqual({ name: 'lower_range' });
    db.close();
  });
});

describe('databases from before per-version tracking', () => {
  it('are recognised by their user_version and not migrated twice', () => {
    const db = openDb(':memory:');
    db.exec('DROP TABLE schema_migrations');
    expect(() => migrate(db, migrations)).not.toThrow();
    expect(db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: migrations.length });
    db.close();
  });
});
