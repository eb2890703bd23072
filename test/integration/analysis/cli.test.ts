import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenize } from '../../../src-main/analysis/terms';
import { runCli as run } from '../../fixtures/cli';
import { openDb } from '../../../src-main/database';
import { createDemoDataset } from '../../../src-main/store/demo';
import { embedDataset } from '../../../src-main/semantic/embedding-store';
import type { EmbeddingProvider } from '../../../src-main/semantic/providers/types';

/** Stand-in embeddings (hashed bag of words) so the CLI test needs no model. */
const hashedWords: EmbeddingProvider = {
  kind: 'ollama',
  endpoint: 'http://stand-in',
  model: 'hashed-words',
  variant: '',
  maxBatch: 64,
  async embedBatch(texts) {
    return texts.map((t) => {
      const v = new Float32Array(256);
      for (const w of tokenize(t)) v[createHash('md5').update(w).digest().readUInt16BE(0) % 256]! += 1;
      return v;
    });
  },
  close: async () => undefined,
};


const dir = mkdtempSync(join(tmpdir(), 'llmdirec-analysis-cli-'));
const dbFile = join(dir, 'w.sqlite');
let setId = 0;
beforeAll(async () => {
  const db = openDb(dbFile);
  await createDemoDataset(db, { name: 'demo', replace: false });
  setId = (await embedDataset(db, { dataset: 'demo', provider: hashedWords, template: 'beauty', normalize: true })).embeddingSetId;
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('llmdirec map items / neighbours', () => {
  it('writes a CSV map with prototype labels and prints the groups', async () => {
    const csv = join(dir, 'map.csv');
    const r = await run('--db', dbFile, 'map', 'items', '--dataset', 'demo', '--set', String(setId), '--method', 'pca', '--max-points', '200', '--out', csv);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/pca map of 200 of \d+ items \(seeded sample, seed 1\)/);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^# pca map of 200 of \d+ items \(seeded sample, seed 1\)$/);
    expect(lines[1]).toBe('itemId,x,y,prototype,label');
    expect(lines).toHaveLength(202);
  });

  it('lists neighbours as JSON and refuses a bad method', async () => {
    const r = await run('--db', dbFile, 'neighbours', '--dataset', 'demo', '--set', String(setId), '--item', '1', '--k', '3', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toHaveLength(3);
    const bad = await run('--db', dbFile, 'map', 'items', '--dataset', 'demo', '--set', String(setId), '--method', 'mds');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--method must be tsne, umap or pca/);
  });
});
