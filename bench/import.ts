/**
 * Import benchmark (`npm run bench:import`): times the benchmark-file imports phase by phase and
 * compares the bulk writer with a straightforward one (one INSERT per row, by-item index kept)
 * measured in the same run on the same data. Targets (issue #2): Beauty < 3 s, ML-1M < 10 s on
 * the 2-core machine. Prints; asserts nothing — wall times on a shared machine are noisy, so the
 * process CPU time (user + system) is printed next to them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../src-main/database';
import { importDataset } from '../src-main/store/import/index';
import { importSrTxt } from '../src-main/store/import/sr-txt';
import { preprocess, type PreparedDataset } from '../src-main/store/import/preprocess';
import { writeMl1mFolder } from '../test/integration/store/ml1m-dat';

const shared = join(import.meta.dirname, '..', '..', 'shared', 'datasets');
const CASES = [
  { name: 'Beauty', format: 'sr-txt', file: 'Beauty.txt', items: 'Beauty_item_meta.tsv', targetMs: 3_000 },
  { name: 'ML-1M', format: 'sr-txt', file: 'ml-1m_reconstructed.txt', items: 'ml-1m_reconstructed_item_meta.tsv', targetMs: 10_000 },
  // The same million ratings in GroupLens .dat form (ratings.dat rebuilt in a temp folder).
  { name: 'ML-1M.dat', format: 'ml-1m', file: '', items: undefined, targetMs: 10_000 },
] as const;

if (!existsSync(join(shared, CASES[0]!.file))) {
  console.log(`Skipping: ${shared} is not present (the benchmark files are not shipped with the project).`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-bench-import-'));
const ms = (t: number) => `${t.toFixed(0).padStart(6)} ms`;
try {
  const mlFolder = mkdtempSync(join(dir, 'ml-1m-'));
  writeMl1mFolder(shared, mlFolder);
  console.log('dataset       users  items  actions |   read  prepare    write    total |  CPU time | actions/s | target');
  for (const c of CASES) {
    const db = openDb(join(dir, `${c.name}.db`)); // each case into an empty store
    const marks: Record<string, number> = {};
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const s = await importDataset(
      db,
      {
        format: c.format,
        name: c.name,
        source: c.format === 'ml-1m' ? mlFolder : join(shared, c.file),
        items: c.items && join(shared, c.items),
        options: { kcore: 5, consecutiveDuplicates: 'keep' },
        replace: true,
      },
      { onProgress: (phase) => (marks[phase] ??= performance.now()) },
    );
    const end = performance.now();
    const cpu = process.cpuUsage(cpu0);
    db.close();
    const total = end - t0;
    console.log(
      `${c.name.padEnd(11)} ${String(s.users).padStart(7)} ${String(s.items).padStart(6)} ${String(s.actions).padStart(8)} |` +
        ` ${ms(marks.prepare! - t0)} ${ms(marks.write! - marks.prepare!)} ${ms(end - marks.write!)} ${ms(total)} |` +
        ` ${ms((cpu.user + cpu.system) / 1000)} | ${String(Math.round(s.actions / (total / 1000))).padStart(9)} |` +
        ` ${total < c.targetMs ? 'met' : 'MISSED'} (< ${c.targetMs / 1000} s)`,
    );
  }

  // Baseline in the same run: the ML-1M write phase with one INSERT per row and the index kept.
  const ml = CASES[1]!;
  const prepared = preprocess(await importSrTxt(join(shared, ml.file), undefined, {}), { kcore: 5, consecutiveDuplicates: 'keep' });
  const naive = timeNaiveWrite(openDb(join(dir, 'naive.db')), prepared);
  const t0 = performance.now();
  const fast = openDb(join(dir, 'fast.db'));
  const { writeDataset } = await import('../src-main/store/datasets');
  await writeDataset(fast, { name: 'ml', format: 'sr-txt', source: ml.file, options: {}, replace: false }, prepared);
  const bulk = performance.now() - t0;
  fast.close();
  console.log(`\nML-1M write phase: bulk writer ${ms(bulk)}, one-INSERT-per-row baseline ${ms(naive)} → ${(naive / bulk).toFixed(2)}× faster`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function timeNaiveWrite(db: Db, data: PreparedDataset): number {
  const t0 = performance.now();
  db.transaction(() => {
    const { lastInsertRowid } = db
      .prepare(`INSERT INTO datasets (name, source_format, source, options_json, users, items, actions, min_length, max_length, created_at) VALUES ('ml', 'sr-txt', '', '{}', 0, 0, 0, 0, 0, '')`)
      .run();
    const id = Number(lastInsertRowid);
    const item = db.prepare('INSERT INTO items (dataset_id, item_id, external_id, attributes_json) VALUES (?, ?, ?, ?)');
    data.items.forEach((it, k) => item.run(id, k + 1, it.externalId, JSON.stringify(it.attributes)));
    const user = db.prepare('INSERT INTO users (dataset_id, user_id, external_id, attributes_json) VALUES (?, ?, ?, ?)');
    data.users.forEach((u, k) => user.run(id, k + 1, u.externalId, JSON.stringify(u.attributes)));
    const row = db.prepare('INSERT INTO interactions (dataset_id, user_id, position, item_id, timestamp) VALUES (?, ?, ?, ?, ?)');
    data.sequences.forEach((seq, u) => seq.forEach((i, p) => row.run(id, u + 1, p, i, null)));
  })();
  const elapsed = performance.now() - t0;
  db.close();
  return elapsed;
}
