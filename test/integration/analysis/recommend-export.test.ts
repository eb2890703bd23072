/**
 * `llmdirec recommend` / analysis.exportRecommendations on a one-epoch SASRec run of a small ring
 * dataset: the exported top-10 agrees with the evaluator's ranks (engine/evaluate.ts answerRanks) —
 * the held-out item sits at the position the evaluator ranks it, and is missing exactly when the
 * evaluator ranks it 10th or worse — no history item is ever listed, and the CSV and JSON-lines
 * files hold the same lists with texts and tail/head flags.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_HEADER } from '../../../src-main/analysis/recommend-export';
import { tailItemFlags } from '../../../src-main/analysis/groups';
import { runCheckpoint } from '../../../src-main/analysis/run-outputs';
import { JobRunner } from '../../../src-main/api/jobs';
import { createService, type Service } from '../../../src-main/api/service';
import { initBackend } from '../../../src-main/engine/backend';
import { answerRanks } from '../../../src-main/engine/evaluate';
import { RecommenderModel } from '../../../src-main/engine/model';
import { Rng } from '../../../src-main/engine/rng';
import { getRun } from '../../../src-main/engine/run-store';
import { readSafetensors } from '../../../src-main/engine/safetensors';
import { openDb } from '../../../src-main/database';
import { loadSequences, trainingPopularity, writeDataset } from '../../../src-main/store/datasets';
import { runCli } from '../../fixtures/cli';

const dir = mkdtempSync(join(tmpdir(), 'llmdirec-recommend-'));
const dbFile = join(dir, 'w.sqlite');
const tiny = { hiddenSize: 16, maxSeqLength: 8, batchSize: 32, evalBatchSize: 64 };
const USERS = 150;
const ITEMS = 40;
let service: Service;
let runId = '';

beforeAll(async () => {
  service = createService({ db: openDb(dbFile), dbFile, jobs: new JobRunner() });
  const rng = new Rng(7);
  const sequences: Int32Array[] = [];
  for (let u = 0; u < USERS; u++) {
    const start = rng.int(ITEMS);
    sequences.push(Int32Array.from({ length: 4 + rng.int(10) }, (_, k) => ((start + k) % ITEMS) + 1));
  }
  sequences.push(Int32Array.of(3, 4, 5, 3)); // the held-out item is also in the history
  sequences.push(Int32Array.of(9)); // no test input: not in the file with input test
  await writeDataset(
    service.context.db,
    { name: 'ring', format: 'sr-txt', source: 'synthetic', options: {}, replace: false },
    {
      users: sequences.map((_, u) => ({ externalId: `u${u + 1}`, attributes: {} })),
      items: Array.from({ length: ITEMS }, (_, i) => ({ externalId: `i${i + 1}`, attributes: { title: `ring item ${i + 1}`, category: 'ring, "round"' } })),
      sequences,
      timestamps: sequences.map(() => null),
    },
  );
  const started = (await service.invoke('runs.start', { dataset: 'ring', model: 'sasrec', epochs: 1, seed: 1, settings: tiny })) as { jobId: string; runId: string };
  await service.context.jobs.wait(started.jobId);
  runId = started.runId;
}, 300_000);
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The engine's own 0-based rank of every user's held-out item (undefined for users it does not evaluate). */
async function evaluatorRanks(): Promise<(number | undefined)[]> {
  await initBackend();
  const db = service.context.db;
  const run = getRun(db, runId)!;
  const data = loadSequences(db, 'ring');
  const model = new RecommenderModel(data.numItems, run.settings, new Rng(0));
  try {
    model.loadArrays(readSafetensors(runCheckpoint(db, runId).file).tensors, 'checkpoint');
    const users = data.sequences.flatMap((s, u) => (s.length > 1 ? [u] : []));
    const cases = users.map((u) => ({ input: data.sequences[u]!.subarray(0, -1), answer: data.sequences[u]!.at(-1)! }));
    const ranks = await answerRanks(model, cases, { maxSeqLength: run.settings.maxSeqLength, batchSize: 64 });
    const out: (number | undefined)[] = data.sequences.map(() => undefined);
    users.forEach((u, c) => (out[u] = ranks[c]));
    return out;
  } finally {
    model.dispose();
  }
}

/** Parses one CSV line (quoted fields with doubled quotes inside). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  const re = /("((?:[^"]|"")*)"|[^,]*)(,|$)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) && m[0] !== '') {
    fields.push(m[2] !== undefined ? m[2].replace(/""/g, '"') : m[1]!);
    if (m[3] === '') break;
  }
  return fields;
}

describe('recommendations export', () => {
  it("agrees with the evaluator's ranks, lists no history item, and writes texts and tail/head flags", async () => {
    const file = join(dir, 'recs.csv');
    const cli = await runCli('--db', dbFile, 'recommend', '--run', runId, '--k', '10', '--out', file, '--json');
    expect(cli.code).toBe(0);
    const result = JSON.parse(cli.out) as { users: number; rows: number; skipped: number; k: number; input: string };
    expect(result).toMatchObject({ users: USERS + 1, rows: (USERS + 1) * 10, skipped: 1, k: 10, input: 'test' });

    const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(header).toBe(CSV_HEADER);
    expect(lines.length).toBe(result.rows);
    const data = loadSequences(service.context.db, 'ring');
    const tail = tailItemFlags(trainingPopularity(data));
    const lists = new Map<number, { item: number; score: number }[]>();
    for (const line of lines) {
      const [user, rank, item, score, text, group, ...rest] = csvFields(line);
      expect(rest).toEqual([]);
      const u = Number(user!.slice(1)) - 1;
      const id = Number(item!.slice(1));
      expect(text).toBe(`ring item ${id}`); // the title, not the other attributes
      expect(group).toBe(tail[id] ? 'tail' : 'head');
      const list = lists.get(u) ?? lists.set(u, []).get(u)!;
      expect(Number(rank)).toBe(list.length + 1);
      if (list.length) expect(Number(score)).toBeLessThanOrEqual(list.at(-1)!.score);
      list.push({ item: id, score: Number(score) });
    }

    const ranks = await evaluatorRanks();
    let listed = 0;
    for (const [u, list] of lists) {
      const seq = data.sequences[u]!;
      const history = new Set(seq.subarray(0, -1));
      const answer = seq.at(-1)!;
      for (const { item } of list) expect(history.has(item)).toBe(false);
      const at = list.findIndex((e) => e.item === answer);
      const rank = ranks[u]!;
      if (history.has(answer)) {
        // The evaluator scores a held-out item that is also history 0 (§10); a list never repeats history.
        expect(at).toBe(-1);
      } else if (at >= 0) {
        // The evaluator scores history items 0 (§10): they count above a held-out item scoring below 0.
        expect(rank).toBe(at + (list[at]!.score < 0 ? history.size : 0));
        listed++;
      } else expect(rank).toBeGreaterThanOrEqual(10);
    }
    expect(lists.has(USERS + 1)).toBe(false); // the one-item user
    expect(listed).toBeGreaterThan(10); // the check above is not vacuous
  }, 120_000);

  it('writes the same lists as JSON lines, for the users of a users file only', async () => {
    const usersFile = join(dir, 'users.txt');
    writeFileSync(usersFile, '# two users\nu3\n\nu1\n');
    const file = join(dir, 'recs.jsonl');
    const cli = await runCli('--db', dbFile, 'recommend', '--run', runId, '--k', '10', '--users', usersFile, '--out', file);
    expect(cli.code).toBe(0);
    const users = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { user_id: string; items: { rank: number; item_id: string; score: number; text: string; group: string }[] });
    expect(users.map((u) => u.user_id)).toEqual(['u3', 'u1']);
    const csv = readFileSync(join(dir, 'recs.csv'), 'utf8').split('\n').filter((l) => l.startsWith('u3,'));
    expect(users[0]!.items.map((e) => `u3,${e.rank},${e.item_id},${e.score},${e.text},${e.group}`)).toEqual(csv);
  }, 120_000);

  it("reports a users file's error from inside the worker at the API with its code, file and line", async () => {
    const usersFile = join(dir, 'api-bad-users.txt');
    writeFileSync(usersFile, 'u1\nnobody\n');
    const started = (await service.invoke('analysis.exportRecommendations', { runId, usersFile, file: join(dir, 'api.csv') })) as { jobId: string };
    await expect(service.context.jobs.wait(started.jobId)).rejects.toMatchObject({ code: 'bad_input', where: { file: usersFile, line: 2 } });
    expect(service.context.jobs.list().find((j) => j.jobId === started.jobId)?.error).toMatchObject({ code: 'bad_input', file: usersFile, line: 2 });
  }, 120_000);

  it('names an unknown user id with its file and line, and a bad --out in words', async () => {
    const usersFile = join(dir, 'bad-users.txt');
    writeFileSync(usersFile, 'u1\nnobody\n');
    const bad = await runCli('--db', dbFile, 'recommend', '--run', runId, '--users', usersFile, '--out', join(dir, 'x.csv'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/bad-users\.txt, line 2: No user "nobody" in dataset "ring"/);
    const ext = await runCli('--db', dbFile, 'recommend', '--run', runId, '--out', join(dir, 'x.txt'));
    expect(ext.code).toBe(2);
    expect(ext.err).toMatch(/--out must end in \.csv or \.jsonl/);
  }, 120_000);
});
