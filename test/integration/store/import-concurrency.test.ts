/**
 * An import's write transaction is its own: other work of the same process during an import (a
 * template saved, a run started, another import) is neither joined to it nor rolled back with it,
 * and a run started meanwhile is visible at once to other connections (the training worker's).
 * The other work is started from the import's progress callback as a task of its own, the way an
 * IPC or HTTP request arrives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../../src-main/api/jobs';
import { createService } from '../../../src-main/api/service';
import { createRun } from '../../../src-main/engine/run-store';
import { resolveSettings } from '../../../src-main/engine/settings';
import { openDb } from '../../../src-main/database';
import { listDatasets } from '../../../src-main/store/datasets';
import { importDataset } from '../../../src-main/store/import/index';
import { fixture, importInto, tempDir } from '../../unit/store/helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function bigFile(users: number, length: number): string {
  const file = join(tmp.dir, `big-${users}x${length}.txt`);
  const lines = Array.from({ length: users }, (_, u) => `${u + 1} ${Array.from({ length }, (_, p) => 1 + (((u + 1) * 7 + p * 13) % 5000)).join(' ')}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const options = { kcore: 0, consecutiveDuplicates: 'keep' as const };

describe('an import next to other work of the same process', () => {
  const dbFile = join(tmp.dir, 'ws.sqlite');
  const service = createService({ db: openDb(dbFile), dbFile, jobs: new JobRunner() });
  const db = service.context.db;
  afterAll(() => service.close());

  it('a template saved and a run started during a cancelled import stay; the run is visible to other connections', async () => {
    await importInto(db, { name: 'shop', format: 'csv', source: fixture('csv', 'interactions.csv') });
    const source = bigFile(20_000, 20);
    const controller = new AbortController();
    let during: Promise<{ runSeenElsewhere: boolean }> | undefined;
    const importing = importDataset(db, { name: 'big', format: 'sr-txt', source, options, replace: false }, {
      signal: controller.signal,
      onProgress: (phase, fraction) => {
        if (phase !== 'write' || fraction === 0 || during) return;
        controller.abort();
        // Another request arrives as its own task (IPC, HTTP), not inside this callback.
        during = (async () => {
          await new Promise((resolve) => setImmediate(resolve));
          await service.call('templates.save', { name: 'mine', text: 'Item <TITLE>', placeholders: { TITLE: ['title'] } });
          const run = createRun(db, dbFile, 'shop', resolveSettings('shop', { model: 'sasrec', epochs: 1 }));
          const other = openDb(dbFile, { readonly: true });
          try {
            return { runSeenElsewhere: other.prepare('SELECT 1 FROM runs WHERE id = ?').get(run.id) !== undefined };
          } finally {
            other.close();
          }
        })();
      },
    });
    await expect(importing).rejects.toMatchObject({ code: 'cancelled' });
    expect(during).toBeDefined();
    expect(await during).toEqual({ runSeenElsewhere: true });
    expect((await service.call('templates.list', {})).some((t) => t.name === 'mine')).toBe(true);
    expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 1 });
    expect(listDatasets(db).map((d) => d.name)).toEqual(['shop']);
  }, 120_000);

  it('two imports at once both commit', async () => {
    const source = bigFile(20_000, 20);
    let second: Promise<unknown> | undefined;
    const first = importDataset(db, { name: 'first', format: 'sr-txt', source, options, replace: false }, {
      onProgress: (phase, fraction) => {
        if (phase !== 'write' || fraction === 0 || second) return;
        second = new Promise((resolve) => setImmediate(resolve)).then(() => importInto(db, { name: 'second', format: 'csv', source: fixture('csv', 'interactions.csv') }));
      },
    });
    await expect(first).resolves.toMatchObject({ name: 'first', users: 20_000 });
    await expect(second).resolves.toMatchObject({ name: 'second' });
    expect(listDatasets(db).map((d) => d.name).sort()).toEqual(['first', 'second', 'shop']);
  }, 120_000);
});
