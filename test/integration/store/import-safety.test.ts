import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../../src-main/database';
import { getDataset, listDatasets } from '../../../src-main/store/datasets';
import { importDataset } from '../../../src-main/store/import/index';
import { fixture, importInto, memoryDb, storeSnapshot, tempDir } from '../../unit/store/helpers';

const here = dirname(fileURLToPath(import.meta.url));
const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** users × length actions in sr-txt form (items cycle so every item is popular enough). */
function bigFile(users: number, length: number): string {
  const file = join(tmp.dir, `big-${users}x${length}.txt`);
  const lines: string[] = [];
  for (let u = 1; u <= users; u++) {
    const items = Array.from({ length }, (_, p) => 1 + ((u * 7 + p * 13) % 5000));
    lines.push(`${u} ${items.join(' ')}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('an import that does not finish writes nothing', () => {
  it('a second import under an existing name fails clearly unless replace is set', async () => {
    const db = memoryDb();
    await importInto(db, { name: 'shop', format: 'csv', source: fixture('csv', 'interactions.csv') });
    const before = storeSnapshot(db);
    await expect(importInto(db, { name: 'shop', format: 'ml-1m', source: fixture('ml-1m') })).rejects.toThrow(
      'A dataset named "shop" already exists. Use --replace to overwrite it.',
    );
    expect(storeSnapshot(db)).toEqual(before);
    const replaced = await importInto(db, { name: 'shop', format: 'ml-1m', source: fixture('ml-1m'), replace: true });
    expect(replaced).toMatchObject({ format: 'ml-1m', users: 4, items: 6, actions: 16 });
    expect(listDatasets(db).map((d) => d.name)).toEqual(['shop']);
    expect(db.prepare('SELECT COUNT(*) AS n FROM interactions').get()).toEqual({ n: 16 });
    db.close();
  });

  it.each(['read', 'write'] as const)('cancelling via AbortSignal during the %s phase leaves the store unchanged', async (phase) => {
    const db = memoryDb();
    await importInto(db, { name: 'existing', format: 'csv', source: fixture('csv', 'interactions.csv') });
    const before = storeSnapshot(db);
    const source = bigFile(20_000, 20);
    const controller = new AbortController();
    const seen: string[] = [];
    const run = importDataset(
      db,
      { name: 'existing', format: 'sr-txt', source, options: { kcore: 0, consecutiveDuplicates: 'keep' }, replace: true },
      {
        signal: controller.signal,
        onProgress: (p, fraction) => {
          seen.push(p);
          if (p === phase && fraction > 0) controller.abort();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    expect(seen).toContain(phase);
    if (phase === 'read') expect(seen).not.toContain('write');
    expect(storeSnapshot(db)).toEqual(before);
    expect(getDataset(db, 'existing').format).toBe('csv');
    db.close();
  });

  it('a process killed (SIGKILL) in the middle of the write phase leaves the store as it was', async () => {
    const dbFile = join(tmp.dir, 'killed.db');
    const seed = openDb(dbFile);
    await importInto(seed, { name: 'existing', format: 'ml-1m', source: fixture('ml-1m') });
    const before = storeSnapshot(seed);
    seed.close();

    const source = bigFile(40_000, 25); // a million actions: the write phase takes seconds
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'import-child.ts'), dbFile, source], {
      cwd: join(here, '..', '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const killedAt = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        // The first fraction above 0: rows are being inserted inside the open transaction.
        const started = [...stdout.matchAll(/write (\d\.\d+)\n/g)].map((m) => m[1]!).find((f) => Number(f) > 0);
        if (started !== undefined && !child.killed) {
          child.kill('SIGKILL');
          resolve(started);
        }
      });
      child.on('exit', (code) => reject(new Error(`child exited (${code}) before it was killed: ${stdout} ${stderr}`)));
    });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(Number(killedAt)).toBeLessThan(1);
    expect(stdout).not.toContain('done');

    const db = openDb(dbFile);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(storeSnapshot(db)).toEqual(before);
    expect(listDatasets(db).map((d) => d.name)).toEqual(['existing']);
    db.close();
  });
});
