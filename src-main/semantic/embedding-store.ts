import { createHash } from 'node:crypto';
import { ApiError } from '../core/errors';
import { toApiError } from '../core/errors';
import { writeTransaction, type Db } from '../store/db';
import { datasetId, itemAttributes } from '../store/datasets';
import { describe, embedTexts } from './embed-texts';
import type { EmbedResult } from './embedding-schemas';
import type { EmbeddingProvider } from './providers/types';
import { getTemplate, getTemplateVersion, type StoredTemplate } from './template-store';
import { renderItemText } from './templates';

export const textHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The rendered text of every item (index = item id − 1); null where the item has no text. */
export function renderDatasetTexts(db: Db, dataset: string, template: StoredTemplate): (string | null)[] {
  const numItems = (db.prepare('SELECT items FROM datasets WHERE id = ?').get(datasetId(db, dataset)) as { items: number }).items;
  const attributes = itemAttributes(db, dataset);
  return Array.from({ length: numItems }, (_, k) => {
    const rendered = renderItemText(template, attributes.get(k + 1)?.attributes ?? {});
    return rendered.hasText ? rendered.text : null;
  });
}

interface ModelKey {
  provider: string;
  endpoint: string;
  model: string;
  variant: string;
}

function modelKey(provider: EmbeddingProvider, normalize: boolean): ModelKey {
  return { provider: provider.kind, endpoint: provider.endpoint, model: provider.model, variant: [provider.variant, normalize ? 'l2' : ''].filter(Boolean).join(';') };
}

function findModel(db: Db, key: ModelKey): { id: number; dims: number } | undefined {
  return db.prepare('SELECT id, dims FROM embedding_models WHERE provider = @provider AND endpoint = @endpoint AND model = @model AND variant = @variant').get(key) as
    | { id: number; dims: number }
    | undefined;
}

export interface EmbedRequest {
  dataset: string;
  provider: EmbeddingProvider;
  /** Template name; its latest version is used. */
  template: string;
  /** L2-normalise vectors (default true: providers then have comparable scales). */
  normalize?: boolean;
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}


/**
 * Embeds a dataset's items through the cache. Each finished batch is committed at once, so an
 * interrupted run keeps its work and the next run embeds only what is left (and, after a template
 * edit, only the texts that changed). The embedding set is written last, in one transaction, and
 * only when every item has a vector or is known to have no text: nothing partial reaches training.
 */
export async function embedDataset(db: Db, request: EmbedRequest): Promise<EmbedResult> {
  const template = getTemplate(db, request.template);
  const normalize = request.normalize ?? true;
  const texts = renderDatasetTexts(db, request.dataset, template);
  const hashes = texts.map((t) => (t === null ? null : textHash(t)));
  const key = modelKey(request.provider, normalize);
  let model = findModel(db, key);
  const cachedHashes = new Set<string>(
    model ? (db.prepare('SELECT text_hash FROM embedding_cache WHERE model_id = ?').pluck().all(model.id) as string[]) : [],
  );
  const todo = new Map<string, string>();
  /** The first item (id) of each text to embed, so an error can name an item the user can look up. */
  const todoItems: number[] = [];
  let cached = 0;
  texts.forEach((t, k) => {
    const h = hashes[k]!;
    if (t === null || h === null) return;
    if (cachedHashes.has(h)) cached++;
    else if (!todo.has(h)) {
      todo.set(h, t);
      todoItems.push(k + 1);
    }
  });
  const itemsWithText = hashes.filter((h) => h !== null).length;
  if (itemsWithText === 0) throw new ApiError('bad_input', `No item of "${request.dataset}" has a value for any placeholder of template "${template.name}".`);

  const todoHashes = [...todo.keys()];
  const insert = db.prepare('INSERT OR REPLACE INTO embedding_cache (model_id, text_hash, vector, template_version_id, created_at) VALUES (?, ?, ?, ?, ?)');
  const stored = new Set<string>();
  try {
    await embedTexts(request.provider, [...todo.values()], {
      batchSize: request.batchSize,
      normalize,
      expectedDims: model?.dims,
      signal: request.signal,
      onProgress: request.onProgress,
      describeText: (k) => `item ${todoItems[k]!}`,
      onBatch: (first, vectors) => {
        const now = new Date().toISOString();
        writeTransaction(db, () => {
          if (!model) {
            const info = db
              .prepare('INSERT INTO embedding_models (provider, endpoint, model, variant, dims, created_at) VALUES (@provider, @endpoint, @model, @variant, @dims, @now)')
              .run({ ...key, dims: vectors[0]!.length, now });
            model = { id: Number(info.lastInsertRowid), dims: vectors[0]!.length };
          }
          vectors.forEach((v, k) => insert.run(model!.id, todoHashes[first + k]!, Buffer.from(v.buffer, v.byteOffset, v.byteLength), template.versionId, now));
        });
        for (let k = 0; k < vectors.length; k++) stored.add(todoHashes[first + k]!);
      },
    });
  } catch (error) {
    // The finished batches are committed and stay cached (that is what makes a re-run cheap), so a
    // cancel must not read as "nothing was written": say what was kept and how to go on.
    if (toApiError(error).code !== 'cancelled') throw error;
    const kept = hashes.filter((h) => h !== null && (cachedHashes.has(h) || stored.has(h))).length;
    const n = (x: number) => x.toLocaleString('en-US');
    throw new ApiError('cancelled', `cancelled: ${n(kept)} of ${n(itemsWithText)} item texts were embedded and kept in the cache; run the same command to continue`);
  }
  if (!model) throw new ApiError('internal', `${describe(request.provider)}: no vectors were produced`);
  const modelId = model.id;

  const dsId = datasetId(db, request.dataset);
  const setId = writeTransaction(db, () => {
    const existing = db.prepare('SELECT id FROM embedding_sets WHERE dataset_id = ? AND template_version_id = ? AND model_id = ?').get(dsId, template.versionId, modelId) as
      | { id: number }
      | undefined;
    if (existing) db.prepare('DELETE FROM embedding_sets WHERE id = ?').run(existing.id);
    const info = db
      .prepare('INSERT INTO embedding_sets (dataset_id, template_version_id, model_id, items, items_with_text, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(dsId, template.versionId, modelId, texts.length, itemsWithText, new Date().toISOString());
    const id = Number(info.lastInsertRowid);
    const add = db.prepare('INSERT INTO embedding_set_items (set_id, item_id, text_hash) VALUES (?, ?, ?)');
    hashes.forEach((h, k) => add.run(id, k + 1, h));
    return id;
  });
  return {
    dataset: request.dataset,
    provider: request.provider.kind,
    model: request.provider.model,
    dims: model.dims,
    items: texts.length,
    embedded: todo.size,
    cached,
    itemsWithText,
    embeddingSetId: setId,
    template: template.name,
    templateVersion: template.version,
  };
}

export interface EmbeddingSetInfo {
  id: number;
  dataset: string;
  template: string;
  templateVersion: number;
  provider: string;
  endpoint: string;
  model: string;
  variant: string;
  dims: number;
  items: number;
  itemsWithText: number;
  createdAt: string;
}

export function listEmbeddingSets(db: Db, dataset?: string): EmbeddingSetInfo[] {
  const rows = db
    .prepare(
      `SELECT s.id, d.name AS dataset, s.template_version_id AS versionId, m.provider, m.endpoint, m.model, m.variant, m.dims,
              s.items, s.items_with_text AS itemsWithText, s.created_at AS createdAt
       FROM embedding_sets s JOIN datasets d ON d.id = s.dataset_id JOIN embedding_models m ON m.id = s.model_id
       WHERE (@dataset IS NULL OR d.name = @dataset) ORDER BY d.name, s.id DESC`,
    )
    .all({ dataset: dataset ?? null }) as (Omit<EmbeddingSetInfo, 'template' | 'templateVersion'> & { versionId: number })[];
  return rows.map(({ versionId, ...row }) => {
    const t = getTemplateVersion(db, versionId);
    return { ...row, template: t.name, templateVersion: t.version };
  });
}

export function deleteEmbeddingSet(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM embedding_sets WHERE id = ?').run(id).changes > 0;
}

/** The frozen semantic table S of docs/model.md §16, in the layout the engine indexes by item id. */
export interface SemanticTable {
  dims: number;
  /** (numItems + 1) × dims, row-major; row 0 (padding) and rows of items without text are zero. */
  table: Float32Array;
  /** 1 where the item has a vector from its text, 0 for padding and items without text. */
  hasText: Uint8Array;
}

/** Loads a complete embedding set of a dataset for training; refuses anything incomplete. */
export function loadSemanticTable(db: Db, dataset: string, embeddingSetId: number): SemanticTable {
  const dsId = datasetId(db, dataset);
  const numItems = (db.prepare('SELECT items FROM datasets WHERE id = ?').get(dsId) as { items: number }).items;
  const set = db
    .prepare('SELECT s.items, s.model_id, m.dims FROM embedding_sets s JOIN embedding_models m ON m.id = s.model_id WHERE s.id = ? AND s.dataset_id = ?')
    .get(embeddingSetId, dsId) as { items: number; model_id: number; dims: number } | undefined;
  if (!set) throw new ApiError('not_found', `Dataset "${dataset}" has no embedding set ${embeddingSetId}. Run "llmdirec embed --dataset ${dataset}" first.`);
  if (set.items !== numItems) throw new ApiError('conflict', `Embedding set ${embeddingSetId} covers ${set.items} items but "${dataset}" has ${numItems}; embed it again.`);
  const { dims } = set;
  const table = new Float32Array((numItems + 1) * dims);
  const hasText = new Uint8Array(numItems + 1);
  let resolved = 0;
  for (const [itemId, vector] of db
    .prepare(
      `SELECT i.item_id, c.vector FROM embedding_set_items i
       LEFT JOIN embedding_cache c ON c.model_id = ? AND c.text_hash = i.text_hash WHERE i.set_id = ?`,
    )
    .raw()
    .iterate(set.model_id, embeddingSetId) as Iterable<[number, Buffer | null]>) {
    if (itemId < 1 || itemId > numItems) throw new ApiError('conflict', `Embedding set ${embeddingSetId} has item ${itemId}, outside 1..${numItems}`);
    resolved++;
    if (vector === null) continue;
    if (vector.byteLength !== dims * 4) throw new ApiError('internal', `Cached vector of item ${itemId} has ${vector.byteLength / 4} values, expected ${dims}`);
    table.set(new Float32Array(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength)), itemId * dims);
    hasText[itemId] = 1;
  }
  const expectedWithText = (db.prepare('SELECT COUNT(*) AS n FROM embedding_set_items WHERE set_id = ? AND text_hash IS NOT NULL').get(embeddingSetId) as { n: number }).n;
  const withText = hasText.reduce((a, b) => a + b, 0);
  if (resolved !== numItems || withText !== expectedWithText) {
    throw new ApiError('conflict', `Embedding set ${embeddingSetId} is incomplete (${withText} of ${expectedWithText} vectors, ${resolved} of ${numItems} items); embed it again.`);
  }
  return { dims, table, hasText };
}
