/**
 * Two processes writing one store (two plans starting runs, a training worker and the app): a
 * transaction that reads before it writes must not fail with "database is locked" because another
 * connection committed in between. Two connections on one WAL file stand in for the two processes.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectDb, writeTransaction, type Db } from '../../../src-main/store/db';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-write-transaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pair(name: string): [Db, Db] {
  const file = join(dir, `${name}.sqlite`);
  const a = connectDb(file);
  a.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY, who TEXT)');
  const b = connectDb(file);
  b.pragma('busy_timeout = 0'); // the other process gives up at once instead of blocking this test's thread
  return [a, b];
}

/** Reads, lets the other connection try to write, then writes; returns what the other one saw. */
function readThenWrite(a: Db, b: Db, begin: (work: () => void) => void): string {
  let other = 'wrote';
  begin(() => {
    a.prepare('SELECT count(*) FROM runs').get();
    try {
      b.prepare("INSERT INTO runs (who) VALUES ('other')").run();
    } catch (error) {
      other = (error as Error).message;
    }
    a.prepare("INSERT INTO runs (who) VALUES ('this')").run();
  });
  return other;
}

describe('writeTransaction', () => {
  it('a deferred transaction fails on its first write after another connection committed (the defect)', () => {
    const [a, b] = pair('deferred');
    expect(() => readThenWrite(a, b, (work) => a.transaction(work)())).toThrow(/database is locked/);
    a.close();
    b.close();
  });

  it('holds the write lock from its start: its write succeeds, the other writer waits for it', () => {
    const [a, b] = pair('immediate');
    expect(readThenWrite(a, b, (work) => writeTransaction(a, work))).toMatch(/database is locked/);
    expect(a.prepare('SELECT who FROM runs').all()).toEqual([{ who: 'this' }]);
    a.close();
    b.close();
  });

  it('is how every transaction in src-main begins', () => {
    const files = (readdirSync(join(__dirname, '../../../src-main'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const deferred = files.filter((f) => f !== join('store', 'db.ts') && /\.transaction\(/.test(readFileSync(join(__dirname, '../../../src-main', f), 'utf8')));
    expect(deferred).toEqual([]);
  });
});
