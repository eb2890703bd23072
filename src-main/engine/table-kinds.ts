/**
 * Item tables by model (docs/model.md §16): how a run gets its item table from its stored settings
 * in whatever thread builds the model — the training worker, evaluation, the analytics. A function
 * can not cross into a worker thread, so runs store data (settings) and each side looks the factory
 * up here with its own database connection. `prepare` runs once at run start and fixes whatever the
 * settings refer to (e.g. "the latest embedding set") so a resumed or re-read run gets the same table.
 */
import type { Db } from '../store/db';
import { llmdirecRunTableFactory, prepareLlmdirecRun, type RunEmbedding } from './llmdirec-table';
import type { ItemTableFactory } from './model';
import type { TrainingSettings } from './settings';

export type { RunEmbedding };

export interface TableKind {
  prepare(db: Db, dataset: string, settings: TrainingSettings): { settings: TrainingSettings; embedding?: RunEmbedding };
  factory(db: Db, dataset: string, settings: TrainingSettings): ItemTableFactory;
}

/** Models whose item table is not InDiRec's plain ID table. */
export const tableKinds: Partial<Record<TrainingSettings['model'], TableKind>> = {
  llmdirec: { prepare: prepareLlmdirecRun, factory: llmdirecRunTableFactory },
};

export function prepareTable(db: Db, dataset: string, settings: TrainingSettings): { settings: TrainingSettings; embedding?: RunEmbedding } {
  return tableKinds[settings.model]?.prepare(db, dataset, settings) ?? { settings };
}

/** The run's table factory, or undefined for the plain ID table. */
export function tableFactoryFor(db: Db, dataset: string, settings: TrainingSettings): ItemTableFactory | undefined {
  return tableKinds[settings.model]?.factory(db, dataset, settings);
}
