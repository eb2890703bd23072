import { z } from 'zod';
import { DatasetStats, DatasetSummary, ItemRow, ImportRequest } from '../../store/dataset-schemas';
import { method, Name, NoInput } from './common';
import { jobStarted } from './jobs';

export { AttributeValue, Attributes, CsvColumns, DatasetStats, DatasetSummary, ExportResult, ImportFormat, ImportRequest, ItemRow, PreprocessOptions } from '../../store/dataset-schemas';

/** `dataset export`: a stored dataset written in another tool's format (RecBole atomic files, docs/recbole.md). */
export const ExportRequest = z
  .object({
    format: z.literal('recbole'),
    name: Name,
    /** Folder on the computer running the workstation; created if missing. Files are named after the dataset. */
    folder: z.string().min(1),
    /** Embedding set whose vectors go to `<name>.itememb`: its id, 'latest' or 'provider/model'; none when absent. */
    embeddingSet: z.union([z.number().int().min(1), z.string().min(1)]).optional(),
  })
  .strict();
export type ExportRequest = z.output<typeof ExportRequest>;

export const UserRow = z.object({ userId: z.number().int(), externalId: z.string(), length: z.number().int() });

const Page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(50) };

export const datasetMethods = {
  'datasets.list': method({ summary: 'All datasets with their statistics.', input: NoInput, output: z.array(DatasetSummary) }),
  'datasets.stats': method({
    summary: 'Table-1 statistics of one dataset.',
    input: z.object({ name: Name }).strict(),
    output: DatasetStats,
  }),
  'datasets.import': method({ summary: 'Imports a dataset (a job).', input: ImportRequest, output: jobStarted('import') }),
  'datasets.export': method({
    summary: 'Writes a dataset as RecBole atomic files (.inter, .item, item embeddings, a config) into a folder (a job; its result is an ExportResult).',
    input: ExportRequest,
    output: jobStarted('export'),
  }),
  'datasets.createDemo': method({
    summary: 'Creates the embedded synthetic demo dataset with planted intents (a job).',
    input: z.object({ name: Name.default('demo'), replace: z.boolean().default(false) }).strict(),
    output: jobStarted('demo'),
  }),
  'datasets.delete': method({
    summary: 'Deletes a dataset and everything derived from it.',
    input: z.object({ name: Name }).strict(),
    output: z.object({ deleted: z.boolean() }),
  }),
  'datasets.items': method({
    summary: 'Pages through items, optionally filtered by a text search over ids and attributes.',
    input: z.object({ name: Name, search: z.string().max(200).optional(), ...Page }).strict(),
    output: z.object({ total: z.number().int(), items: z.array(ItemRow) }),
  }),
  'datasets.users': method({
    summary: 'Pages through users with their sequence lengths.',
    input: z.object({ name: Name, search: z.string().max(200).optional(), ...Page }).strict(),
    output: z.object({ total: z.number().int(), users: z.array(UserRow) }),
  }),
  'datasets.userSequence': method({
    summary: "A user's chronological sequence as items with their attributes.",
    input: z.object({ name: Name, userId: z.number().int().min(1) }).strict(),
    output: z.object({
      userId: z.number().int(),
      externalId: z.string(),
      items: z.array(ItemRow.extend({ position: z.number().int(), timestamp: z.number().nullable() })),
    }),
  }),
  'datasets.distributions': method({
    summary: 'Sequence-length histogram and item-popularity curve (long tail).',
    input: z.object({ name: Name }).strict(),
    output: z.object({
      lengthHistogram: z.array(z.object({ length: z.number().int(), users: z.number().int() })),
      /** Interaction counts of all items, most popular first. */
      popularity: z.array(z.number().int()),
    }),
  }),
} as const;
