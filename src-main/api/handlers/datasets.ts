import { createDemoDataset } from '../../store/demo';
import {
  datasetId,
  deleteDataset,
  getDatasetStats,
  listDatasets,
  loadSequences,
  pageItems,
} from '../../store/datasets';
import { importDataset } from '../../store/import';
import { exportRecbole, type ItemVectors } from '../../store/export/recbole';
import { loadSemanticTable } from '../../semantic/embedding-store';
import { resolveEmbeddingSet } from '../../semantic/resolve-embedding-set';
import type { Attributes } from '../contracts/datasets';
import { ApiError } from '../contracts/common';
import type { HandlerTable } from '../service';

type DatasetMethod =
  | 'datasets.list'
  | 'datasets.stats'
  | 'datasets.import'
  | 'datasets.export'
  | 'datasets.createDemo'
  | 'datasets.delete'
  | 'datasets.items'
  | 'datasets.users'
  | 'datasets.userSequence'
  | 'datasets.distributions';

export const datasetHandlers: HandlerTable<DatasetMethod> = {
  'datasets.list': (_input, { db }) => listDatasets(db),
  'datasets.stats': ({ name }, { db }) => getDatasetStats(db, name),
  'datasets.import': (request, { db, jobs }) => {
    const jobId = jobs.start('import', `Import ${request.name} (${request.format})`, (job) =>
      importDataset(db, request, {
        signal: job.signal,
        onProgress: (phase, fraction) => job.progress(Math.round(fraction * 1000) / 10, 100, phase),
      }),
      { dataset: request.name },
    );
    return { jobId, kind: 'import' };
  },
  'datasets.export': (request, { db, jobs }) => {
    getDatasetStats(db, request.name); // a missing dataset or embedding set is refused before any job starts
    const set = request.embeddingSet === undefined ? undefined : resolveEmbeddingSet(db, request.name, request.embeddingSet);
    const jobId = jobs.start(
      'export',
      `Export ${request.name} as RecBole atomic files`,
      async (job) => {
        const vectors: ItemVectors | undefined = set && { ...loadSemanticTable(db, request.name, set.id), label: `embedding set ${set.id} (${set.provider}/${set.model})` };
        const result = await exportRecbole(db, request.name, request.folder, { vectors, signal: job.signal, onProgress: (done, total, message) => job.progress(done, total, message) });
        return { ...result, ...(set ? { embeddingSet: { id: set.id, provider: set.provider, model: set.model, dims: set.dims } } : {}) };
      },
      { dataset: request.name },
    );
    return { jobId, kind: 'export' };
  },
  'datasets.createDemo': ({ name, replace }, { db, jobs }) => {
    const jobId = jobs.start('demo', `Create demo dataset ${name}`, (job) => createDemoDataset(db, { name, replace, signal: job.signal }), { dataset: name });
    return { jobId, kind: 'demo' };
  },
  'datasets.delete': ({ name }, { db }) => ({ deleted: deleteDataset(db, name) }),
  'datasets.items': ({ name, search, offset, limit }, { db }) => pageItems(db, name, search, offset, limit),
  'datasets.users': ({ name, search, offset, limit }, { db }) => {
    const id = datasetId(db, name);
    const where = search ? 'AND (u.external_id LIKE @q OR CAST(u.user_id AS TEXT) = @exact)' : '';
    const params = { id, q: `%${search ?? ''}%`, exact: search ?? '', limit, offset };
    const total = (db.prepare(`SELECT COUNT(*) AS n FROM users u WHERE dataset_id = @id ${where}`).get(params) as { n: number }).n;
    const users = db
      .prepare(
        `SELECT u.user_id AS userId, u.external_id AS externalId,
                (SELECT COUNT(*) FROM interactions x WHERE x.dataset_id = u.dataset_id AND x.user_id = u.user_id) AS length
         FROM users u WHERE dataset_id = @id ${where} ORDER BY user_id LIMIT @limit OFFSET @offset`,
      )
      .all(params) as { userId: number; externalId: string; length: number }[];
    return { total, users };
  },
  'datasets.userSequence': ({ name, userId }, { db }) => {
    const id = datasetId(db, name);
    const user = db.prepare('SELECT external_id FROM users WHERE dataset_id = ? AND user_id = ?').get(id, userId) as
      | { external_id: string }
      | undefined;
    if (!user) throw new ApiError('not_found', `Dataset "${name}" has no user ${userId}`);
    const rows = db
      .prepare(
        `SELECT x.position, x.timestamp, i.item_id, i.external_id, i.attributes_json,
                (SELECT COUNT(*) FROM interactions y WHERE y.dataset_id = x.dataset_id AND y.item_id = x.item_id) AS popularity
         FROM interactions x JOIN items i ON i.dataset_id = x.dataset_id AND i.item_id = x.item_id
         WHERE x.dataset_id = ? AND x.user_id = ? ORDER BY x.position`,
      )
      .all(id, userId) as { position: number; timestamp: number | null; item_id: number; external_id: string; attributes_json: string; popularity: number }[];
    return {
      userId,
      externalId: user.external_id,
      items: rows.map((r) => ({
        position: r.position,
        timestamp: r.timestamp,
        itemId: r.item_id,
        externalId: r.external_id,
        attributes: JSON.parse(r.attributes_json) as Attributes,
        popularity: r.popularity,
      })),
    };
  },
  'datasets.distributions': ({ name }, { db }) => {
    const data = loadSequences(db, name);
    const histogram = new Map<number, number>();
    const counts = new Int32Array(data.numItems + 1);
    for (const seq of data.sequences) {
      histogram.set(seq.length, (histogram.get(seq.length) ?? 0) + 1);
      for (const item of seq) counts[item]!++;
    }
    return {
      lengthHistogram: [...histogram.entries()].sort((a, b) => a[0] - b[0]).map(([length, users]) => ({ length, users })),
      popularity: Array.from(counts.subarray(1)).sort((a, b) => b - a),
    };
  },
};
