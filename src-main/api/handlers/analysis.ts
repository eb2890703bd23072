import { itemMap, itemNeighbours } from '../../analysis/item-map';
import { projectInWorker } from '../../analysis/projection-runner';
import { itemAttributes } from '../../store/datasets';
import { loadSemanticTable } from '../../semantic/embedding-store';
import { ApiError } from '../contracts/common';
import type { HandlerTable } from '../service';

export const analysisHandlers: HandlerTable<'analysis.itemMap' | 'analysis.itemNeighbours'> = {
  'analysis.itemMap': (request, { db, jobs }) => {
    // Validate before starting the job, so a wrong set id is an immediate, actionable error.
    const semantic = loadSemanticTable(db, request.dataset, request.embeddingSetId);
    const attributes = itemAttributes(db, request.dataset);
    const jobId = jobs.start('projection', `${request.method.toUpperCase()} map of ${request.dataset} items`, async (job) => {
      await new Promise((resolve) => setImmediate(resolve));
      const result = await itemMap({ dims: semantic.dims, table: semantic.table, present: semantic.hasText }, attributes, request, projectInWorker, {
        signal: job.signal,
        onProgress: (done, total, message) => job.progress(done, total, message),
      });
      if (result.map.sampled) job.log(`Mapped a seeded sample of ${result.rows.length} of ${result.map.total} items (seed ${result.map.seed}).`, 'warn');
      if (result.itemsWithoutVector) job.log(`${result.itemsWithoutVector} items have no text, hence no semantic vector, and are not on the map.`);
      return result;
    }, { dataset: request.dataset });
    return { jobId, kind: 'projection' };
  },
  'analysis.itemNeighbours': ({ dataset, embeddingSetId, itemId, k, metric }, { db }) => {
    const semantic = loadSemanticTable(db, dataset, embeddingSetId);
    try {
      return itemNeighbours({ dims: semantic.dims, table: semantic.table, present: semantic.hasText }, itemId, k, itemAttributes(db, dataset), metric);
    } catch (error) {
      throw new ApiError('not_found', `Dataset "${dataset}": ${(error as Error).message}`);
    }
  },
};
