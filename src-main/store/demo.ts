import type { DatasetSummary } from '../api/contracts/datasets';
import { ApiError } from '../api/contracts/common';
import type { Db } from './db';

export interface DemoOptions {
  name: string;
  replace: boolean;
  signal?: AbortSignal;
}

/** The embedded synthetic demo dataset with planted intents (being written). */
export async function createDemoDataset(_db: Db, _options: DemoOptions): Promise<DatasetSummary> {
  throw new ApiError('unavailable', 'The demo dataset generator is not available in this build yet.');
}
