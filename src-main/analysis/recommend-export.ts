/**
 * Every user's top-K recommendations of a run, written to a CSV or JSON-lines file as they are
 * produced (issue #15 item 3; RecBole's `full_sort_topk` for all users). Users are scored in batches
 * of the run's evaluation batch size, one [batch × items] score matrix at a time, so memory does not
 * grow with the number of users. The ranking is the evaluator's (engine/evaluate.ts, docs/model.md
 * §10): scores h·e over the whole catalogue from the run's best checkpoint (else its last), history
 * items, padding row 0 and the mask row N+1 never recommended. With `input: 'test'` a user's history
 * is the evaluator's test input (every item but the last), so the held-out item sits in the list
 * exactly where the evaluator ranks it; with `input: 'full'` it is the whole sequence (what to
 * recommend next). Runs in a worker thread (recommend-worker.ts).
 */
import type { RecommendationsExportResult } from './result-schemas';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { ApiError } from '../core/errors';
import { initBackend } from '../engine/backend';
import { padBatch } from '../engine/data';
import { matMul } from '../engine/kernels';
import { assertFiniteWeights, RecommenderModel } from '../engine/model';
import { Rng } from '../engine/rng';
import { readSafetensors } from '../engine/safetensors';
import { tableFactoryFor } from '../engine/table-kinds';
import type { Db } from '../store/db';
import { datasetId, itemAttributes, loadSequences, trainingPopularity } from '../store/datasets';
import { ImportError } from '../store/import/errors';
import { LineFile } from '../store/export/line-file';
import { csvCell } from './export';
import { tailItemFlags } from './groups';
import { runCheckpoint } from './run-outputs';
import { itemText } from './terms';

export type RecommendationsFormat = 'csv' | 'jsonl';

export interface RecommendationsRequest {
  runId: string;
  k: number;
  file: string;
  format: RecommendationsFormat;
  /** A file of external user ids, one per line; every user when absent. */
  usersFile?: string;
  input: 'test' | 'full';
}

export type RecommendationsExport = RecommendationsExportResult;

export interface RecommendationsControl {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

export const CSV_HEADER = 'user_id,rank,item_id,score,text,group';

export async function writeRecommendations(db: Db, request: RecommendationsRequest, control: RecommendationsControl = {}): Promise<RecommendationsExport> {
  const t0 = performance.now();
  const ref = runCheckpoint(db, request.runId);
  const { run } = ref;
  const backend = await initBackend();
  const { numItems, sequences } = loadSequences(db, run.dataset);
  const userIds = db.prepare('SELECT external_id FROM users WHERE dataset_id = ? ORDER BY user_id').pluck().all(datasetId(db, run.dataset)) as string[];
  const chosen = request.usersFile ? usersFromFile(request.usersFile, userIds, run.dataset) : userIds.map((_, u) => u);
  const k = Math.min(request.k, numItems);
  const tail = tailItemFlags(trainingPopularity({ name: run.dataset, numItems, sequences }));
  const items = itemAttributes(db, run.dataset);
  const externalItem = (id: number) => items.get(id)?.externalId ?? String(id);
  const textOf = (id: number) => {
    const attributes = items.get(id)?.attributes;
    return typeof attributes?.title === 'string' && attributes.title.trim() !== '' ? attributes.title : itemText(attributes);
  };

  const { tensors } = readSafetensors(ref.file);
  assertFiniteWeights(tensors, ref.file);
  const model = new RecommenderModel(numItems, run.settings, new Rng(0), tableFactoryFor(db, run.dataset, run.settings));
  const out = new LineFile(request.file);
  let rows = 0;
  let skipped = 0;
  try {
    model.loadArrays(tensors, ref.file);
    const tableT = tf.tidy(() => tf.transpose(model.itemTable())) as tf.Tensor2D; // [D, N+2]
    const width = numItems + 2;
    if (request.format === 'csv') out.line(CSV_HEADER);
    const batchSize = run.settings.evalBatchSize;
    try {
      for (let start = 0; start < chosen.length; start += batchSize) {
        if (control.signal?.aborted) throw new ApiError('cancelled', 'Cancelled');
        const users = chosen.slice(start, start + batchSize).filter((u) => {
          const keep = (request.input === 'test' ? sequences[u]!.length - 1 : sequences[u]!.length) > 0;
          if (!keep) skipped++;
          return keep;
        });
        const inputs = users.map((u) => (request.input === 'test' ? sequences[u]!.subarray(0, sequences[u]!.length - 1) : sequences[u]!));
        if (users.length > 0) {
          const scoresTensor = tf.tidy(() => matMul(model.represent(padBatch(inputs, run.settings.maxSeqLength)), tableT));
          const scores = (await scoresTensor.data()) as Float32Array;
          scoresTensor.dispose();
          users.forEach((u, r) => {
            const top = topK(scores.subarray(r * width, (r + 1) * width), inputs[r]!, numItems, k);
            const entries = top.items.map((item, p) => ({ rank: p + 1, item_id: externalItem(item), score: Number.isFinite(top.scores[p]!) ? top.scores[p]! : null, text: textOf(item), group: tail[item] ? 'tail' : 'head' }));
            if (request.format === 'jsonl') out.line(JSON.stringify({ user_id: userIds[u], items: entries }));
            else for (const e of entries) out.line([csvCell(userIds[u]!), e.rank, csvCell(e.item_id), e.score ?? '', csvCell(e.text), e.group].join(','));
            rows += entries.length;
          });
        }
        const done = Math.min(start + batchSize, chosen.length);
        control.onProgress?.(done, chosen.length, `Top-${k}: ${done} of ${chosen.length} users`);
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      tableT.dispose();
    }
    out.commit();
  } catch (error) {
    out.abort();
    throw error;
  } finally {
    model.dispose();
  }
  return {
    file: request.file,
    format: request.format,
    k,
    input: request.input,
    users: chosen.length - skipped,
    rows,
    skipped,
    checkpoint: { kind: ref.kind, epoch: ref.epoch },
    backend,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The `k` best items of one score row (row = item id; 0 padding, N+1 mask), history items left out,
 * best first; non-finite scores rank below every finite one (as in the evaluator, issue #12).
 * A short sorted buffer: K is small, the catalogue can be large.
 */
export function topK(scores: Float32Array, history: ArrayLike<number>, numItems: number, k: number): { items: number[]; scores: number[] } {
  const excluded = new Set<number>(Array.from(history));
  const items: number[] = [];
  const best: number[] = [];
  for (let item = 1; item <= numItems; item++) {
    if (excluded.has(item)) continue;
    const raw = scores[item]!;
    const s = Number.isFinite(raw) ? raw : -Infinity;
    if (items.length === k && !(s > best[k - 1]!)) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]! < s) at--;
    items.splice(at, 0, item);
    best.splice(at, 0, s);
    if (items.length > k) {
      items.pop();
      best.pop();
    }
  }
  return { items, scores: best };
}

/** 0-based user indices of the external ids in `file` (one per line; blank lines and `#` comments skipped). */
function usersFromFile(file: string, userIds: readonly string[], dataset: string): number[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ApiError('bad_input', `Cannot read the users file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file });
  }
  const index = new Map(userIds.map((id, u) => [id, u]));
  const chosen: number[] = [];
  const seen = new Set<number>();
  text.split(/\r?\n/).forEach((raw, k) => {
    const id = raw.trim();
    if (id === '' || id.startsWith('#')) return;
    const u = index.get(id);
    if (u === undefined) throw new ImportError(`No user "${id}" in dataset "${dataset}" (user ids are the dataset's own, as in dataset users)`, file, k + 1);
    if (!seen.has(u)) chosen.push(u);
    seen.add(u);
  });
  if (chosen.length === 0) throw new ImportError('The file lists no user ids', file);
  return chosen;
}
