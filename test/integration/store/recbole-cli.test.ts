/**
 * `llmdirec dataset export --format recbole` through the CLI: an embedding set's vectors land in the
 * `.itememb` file RecBole preloads, the export imports back with `--format recbole` to the same
 * statistics, and bad requests are refused in words before anything is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importTinyBeauty, runCli as run } from '../../fixtures/cli';
import { fakeVector, startEmbeddingServer, type EmbeddingServer } from '../../unit/semantic/fixtures/embedding-server';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-recbole-cli-'));
const db = join(dir, 'w.sqlite');
const out = join(dir, 'recbole', 'Beauty');
let server: EmbeddingServer;

beforeAll(async () => {
  server = await startEmbeddingServer({});
  expect(await importTinyBeauty(dir, db)).toBe(0);
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('llmdirec dataset export --format recbole', () => {
  it('refuses an embedding set the dataset does not have, and other formats, writing nothing', async () => {
    const missing = await run('--db', db, 'dataset', 'export', '--format', 'recbole', 'Beauty', '--out', out, '--embedding-set', 'latest');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Dataset "Beauty" has no complete embedding set\. Run "llmdirec embed --dataset Beauty" first\./);
    const csv = await run('--db', db, 'dataset', 'export', '--format', 'csv', 'Beauty', '--out', out);
    expect(csv.code).toBe(2);
    expect(csv.err).toMatch(/--format must be recbole \(got "csv"\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('writes the embedding set for preload_weight and imports back to the same statistics', async () => {
    const embedded = await run('--db', db, 'embed', '--dataset', 'Beauty', '--provider', `ollama:${server.url}`, '--model', 'nomic', '--no-normalize', '--json');
    expect(embedded.code).toBe(0);
    const exported = await run('--db', db, 'dataset', 'export', '--format', 'recbole', 'Beauty', '--out', out, '--embedding-set', 'ollama/nomic', '--json');
    expect(exported.code).toBe(0);
    const result = JSON.parse(exported.out) as { files: { file: string; rows: number }[]; timeField: string; embeddingSet: { dims: number; model: string } };
    expect(result.timeField).toBe('order'); // the benchmark text format has no timestamps
    expect(result.embeddingSet).toMatchObject({ dims: 3, model: 'nomic' });
    expect(result.files.map((f) => [f.file, f.rows])).toEqual([
      [join(out, 'Beauty.inter'), 9],
      [join(out, 'Beauty.item'), 3],
      [join(out, 'Beauty.itememb'), 2],
    ]);
    // The item without a title has no vector (RecBole's preload matrix is zero there, as the engine's table).
    const [header, ...rows] = readFileSync(join(out, 'Beauty.itememb'), 'utf8').trimEnd().split('\n');
    expect(header).toBe('iid:token\titem_emb:float_seq');
    expect(rows.map((r) => r.split('\t')[0])).toEqual(['1', '2']);
    const vector = rows[1]!.split('\t')[1]!.split(' ').map(Number);
    fakeVector('The beauty item has following attributes:\n name is eye shadow.').forEach((x, d) => expect(Math.fround(vector[d]!)).toBe(Math.fround(x))); // the stored float32, exactly

    const imported = await run('--db', db, 'dataset', 'import', '--format', 'recbole', '--name', 'Back', '--kcore', '0', join(out, 'Beauty.inter'), '--json');
    expect(imported.code).toBe(0);
    const stats = async (name: string) => JSON.parse((await run('--db', db, 'dataset', 'stats', name, '--json')).out) as Record<string, unknown>;
    expect({ ...(await stats('Back')), name: 'Beauty' }).toEqual(await stats('Beauty'));
  });
});
