/**
 * Embedding benchmark (`npm run bench:embed [texts]`): the builtin provider (USE-lite in its worker)
 * on ML-1M prompt texts, one text per request (baseline) vs batches of 64, then the cached re-run
 * of a whole dataset embed against the run that filled the cache. Prints texts/s and ratios measured
 * in the same run; asserts nothing (the machine is shared, so process CPU time is printed too).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinTemplates } from '../src-main/semantic/builtin-templates';
import { embedDataset } from '../src-main/semantic/embedding-store';
import { embedTexts } from '../src-main/semantic/embed-texts';
import { builtinProvider } from '../src-main/semantic/providers/builtin';
import { renderItemText } from '../src-main/semantic/templates';
import { openDb } from '../src-main/database';
import { importDataset } from '../src-main/store/import';

const meta = join(import.meta.dirname, '..', '..', 'shared', 'datasets', 'ml-1m_reconstructed_item_meta.tsv');
if (!existsSync(meta)) {
  console.log(`Skipping: ${meta} is not present (the benchmark files are not shipped with the project).`);
  process.exit(0);
}
const n = Number(process.argv[2] ?? 128);
const rows = readFileSync(meta, 'utf8').trim().split('\n').slice(1, n + 1).map((l) => l.split('\t'));
const texts = rows.map(([, , title, genres]) => renderItemText(builtinTemplates['ml-1m']!, { title: title!, genres: genres! }).text);

const cpu = (since?: NodeJS.CpuUsage) => process.cpuUsage(since);
const timed = async (label: string, work: () => Promise<unknown>): Promise<number> => {
  const c0 = cpu();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const c = cpu(c0);
  console.log(`${label.padEnd(34)} ${(ms / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU (process, worker included)`);
  return ms;
};

const provider = await builtinProvider();
await provider.embedBatch(['warm-up']);
const single = await timed(`builtin, 1 text/request (${n})`, () => embedTexts(provider, texts, { batchSize: 1 }));
const batched = await timed(`builtin, 64 texts/request (${n})`, () => embedTexts(provider, texts, { batchSize: 64 }));
console.log(`  ${((n * 1000) / single).toFixed(1)} vs ${((n * 1000) / batched).toFixed(1)} texts/s; batching ×${(single / batched).toFixed(2)}`);

// A dataset of those items, embedded through the cache twice.
const dir = mkdtempSync(join(tmpdir(), 'llmdirec-bench-embed-'));
try {
  writeFileSync(join(dir, 'seq.txt'), `1 ${rows.map((r) => r[0]).join(' ')}\n`);
  writeFileSync(join(dir, 'meta.tsv'), `item_id\tmovielens_movie_id\ttitle\tgenres\n${rows.map((r) => r.join('\t')).join('\n')}\n`);
  const db = openDb(join(dir, 'w.sqlite'));
  await importDataset(db, { format: 'sr-txt', name: 'ml-1m-bench', source: join(dir, 'seq.txt'), items: join(dir, 'meta.tsv'), options: { kcore: 0, consecutiveDuplicates: 'keep' }, replace: false });
  const fill = await timed('embed dataset, empty cache', () => embedDataset(db, { dataset: 'ml-1m-bench', provider, template: 'ml-1m' }));
  const hit = await timed('embed dataset again, all cached', () => embedDataset(db, { dataset: 'ml-1m-bench', provider, template: 'ml-1m' }));
  console.log(`  cache re-run ×${(fill / hit).toFixed(0)} faster`);
  db.close();
} finally {
  await provider.close();
  rmSync(dir, { recursive: true, force: true });
}
