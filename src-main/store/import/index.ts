import type { CsvColumns, DatasetSummary, ImportFormat, ImportRequest } from '../dataset-schemas';
import { throwIfCancelled } from '../../core/jobs';
import { ApiError } from '../../core/errors';
import type { Db } from '../db';
import { writeDataset } from '../datasets';
import type { InteractionLog } from './interaction-log';
import { preprocess } from './preprocess';
import { importSrTxt } from './sr-txt';
import { importMl1m } from './ml-1m';
import { importAmazon } from './amazon';
import { importYelp } from './yelp';
import { importRecbole } from './recbole';
import { importCsv } from './csv';

export interface ImporterContext {
  signal?: AbortSignal;
  /** Bytes of the main input read so far, for progress. */
  onBytes?: (read: number, total: number) => void;
  /** csv only: which header column holds what. */
  columns?: CsvColumns;
}

/** Parses one source format into raw interactions (+ item/user attributes). */
export type Importer = (source: string, items: string | undefined, ctx: ImporterContext) => Promise<InteractionLog>;

export const importers: Record<ImportFormat, Importer> = {
  'sr-txt': importSrTxt,
  'ml-1m': importMl1m,
  amazon: importAmazon,
  yelp: importYelp,
  recbole: importRecbole,
  csv: importCsv,
};

export interface ImportProgress {
  signal?: AbortSignal;
  /** phase: 'read' (fraction of input bytes) then 'write' (fraction of rows written). */
  onProgress?: (phase: 'read' | 'prepare' | 'write', fraction: number) => void;
}

/** Parse → preprocess → write in one transaction. Nothing is written unless every step succeeds. */
export async function importDataset(db: Db, request: ImportRequest, ctl: ImportProgress = {}): Promise<DatasetSummary> {
  // Other formats name their fields themselves: a mapping there would be ignored, so it is refused.
  if (request.columns && request.format !== 'csv') throw new ApiError('validation', `A column mapping applies only to the csv format (not ${request.format})`);
  const log = await importers[request.format](request.source, request.items, {
    signal: ctl.signal,
    columns: request.columns,
    onBytes: (read, total) => ctl.onProgress?.('read', read / total),
  });
  throwIfCancelled(ctl.signal);
  ctl.onProgress?.('prepare', 0);
  const prepared = preprocess(log, request.options);
  throwIfCancelled(ctl.signal);
  return writeDataset(
    db,
    { name: request.name, format: request.format, source: request.source, options: request.options, replace: request.replace },
    prepared,
    { signal: ctl.signal, onProgress: (done, total) => ctl.onProgress?.('write', done / total) },
  );
}
