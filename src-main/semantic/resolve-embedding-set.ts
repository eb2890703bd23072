/**
 * Which embedding set of a dataset a reference names, refusing incomplete sets: an LLMDiRec run
 * fixes its set with this at start (engine/llmdirec-table.ts), a RecBole export picks the vectors it writes.
 */
import { ApiError } from '../core/errors';
import type { Db } from '../store/db';
import { datasetId } from '../store/datasets';
import { listEmbeddingSets, type EmbeddingSetInfo } from './embedding-store';

/** True when every item of the set resolves (a vector for each item with text, the dataset's item count). */
function isComplete(db: Db, set: EmbeddingSetInfo, numItems: number): boolean {
  if (set.items !== numItems) return false;
  const missing = db
    .prepare(
      `SELECT COUNT(*) AS n FROM embedding_set_items i JOIN embedding_sets s ON s.id = i.set_id
       LEFT JOIN embedding_cache c ON c.model_id = s.model_id AND c.text_hash = i.text_hash
       WHERE i.set_id = ? AND i.text_hash IS NOT NULL AND c.vector IS NULL`,
    )
    .get(set.id) as { n: number };
  return missing.n === 0;
}

/**
 * Resolves an embedding-set reference of a dataset: an id, 'latest' (the newest complete set) or
 * 'provider/model' (the newest complete set embedded by that model, e.g. "builtin/use-lite").
 */
export function resolveEmbeddingSet(db: Db, dataset: string, reference: number | string = 'latest'): EmbeddingSetInfo {
  const numItems = (db.prepare('SELECT items FROM datasets WHERE id = ?').get(datasetId(db, dataset)) as { items: number }).items;
  const sets = listEmbeddingSets(db, dataset); // newest first
  const first = `Run "llmdirec embed --dataset ${dataset}" first.`;
  if (typeof reference === 'number' || /^\d+$/.test(reference)) {
    const id = Number(reference);
    const set = sets.find((s) => s.id === id);
    if (!set) throw new ApiError('not_found', `Dataset "${dataset}" has no embedding set ${id} (llmdirec embeddings list --dataset ${dataset}). ${first}`);
    if (!isComplete(db, set, numItems)) throw new ApiError('conflict', `Embedding set ${id} of "${dataset}" is incomplete. ${first}`);
    return set;
  }
  const wanted = reference === 'latest' ? undefined : reference.toLowerCase();
  const matching = sets.filter((s) => !wanted || `${s.provider}/${s.model}`.toLowerCase() === wanted || s.model.toLowerCase() === wanted);
  const complete = matching.find((s) => isComplete(db, s, numItems));
  if (!complete) {
    const what = wanted ? `no complete embedding set from ${reference}` : 'no complete embedding set';
    const known = sets.length ? ` (it has: ${[...new Set(sets.map((s) => `${s.provider}/${s.model}`))].join(', ')})` : '';
    throw new ApiError('not_found', `Dataset "${dataset}" has ${what}${known}. ${first}`);
  }
  return complete;
}
