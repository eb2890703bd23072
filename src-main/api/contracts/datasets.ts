import { z } from 'zod';
import { JobStarted, method, Name, NoInput } from './common';

export const ImportFormat = z.enum(['sr-txt', 'ml-1m', 'amazon', 'yelp', 'recbole', 'csv']);
export type ImportFormat = z.infer<typeof ImportFormat>;

/** Preprocessing with the paper's defaults (§4.1: 5-core, chronological leave-one-out). */
export const PreprocessOptions = z
  .object({
    /** Iterative k-core: drop users and items with fewer than k interactions until stable; 0 = off. */
    kcore: z.number().int().min(0).max(1000).default(5),
    /** What to do with the same item twice in a row in a user's sequence. */
    consecutiveDuplicates: z.enum(['keep', 'drop']).default('keep'),
    /** Formats with ratings (ML-1M, Amazon, Yelp, RecBole) can keep only ratings ≥ this. */
    minRating: z.number().optional(),
  })
  .strict();
export type PreprocessOptions = z.output<typeof PreprocessOptions>;

/** Which header column holds what (`--columns user=<col>,item=<col>,timestamp=<col>`). */
export const CsvColumns = z
  .object({ user: z.string().min(1), item: z.string().min(1), timestamp: z.string().min(1).optional(), rating: z.string().min(1).optional() })
  .strict();
export type CsvColumns = z.infer<typeof CsvColumns>;

export const ImportRequest = z
  .object({
    format: ImportFormat,
    name: Name,
    /** Interactions: a file (sr-txt, csv, recbole .inter, amazon reviews, yelp reviews) or a folder (ml-1m, yelp). */
    source: z.string().min(1),
    /** Optional item metadata: TSV/CSV (sr-txt, csv), .item (recbole), meta file (amazon), business file (yelp). */
    items: z.string().min(1).optional(),
    options: PreprocessOptions.default({ kcore: 5, consecutiveDuplicates: 'keep' }),
    /** Importing a name that exists fails unless this is set. */
    replace: z.boolean().default(false),
    /** csv only: the header columns holding each field, for headers that use other names. */
    columns: CsvColumns.optional(),
  })
  .strict();
export type ImportRequest = z.output<typeof ImportRequest>;

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

export const ExportResult = z.object({
  name: z.string(),
  folder: z.string(),
  files: z.array(z.object({ file: z.string(), rows: z.number().int() })),
  /** The .inter column that orders each user's interactions: real timestamps, or positions where the dataset has none. */
  timeField: z.enum(['timestamp', 'order']),
  /** The RecBole config (yaml) that loads these files. */
  config: z.string(),
  embeddingSet: z.object({ id: z.number().int(), provider: z.string(), model: z.string(), dims: z.number().int() }).optional(),
});
export type ExportResult = z.infer<typeof ExportResult>;

export const DatasetStats = z.object({
  name: z.string(),
  users: z.number().int(),
  items: z.number().int(),
  actions: z.number().int(),
  avgLength: z.number(),
  sparsity: z.number(),
  minLength: z.number().int(),
  maxLength: z.number().int(),
});
export type DatasetStats = z.infer<typeof DatasetStats>;

export const DatasetSummary = DatasetStats.extend({
  format: ImportFormat.or(z.literal('demo')),
  source: z.string(),
  split: z.string(),
  options: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

/** Item attributes are typed JSON values (strings, numbers, booleans, string lists). */
export const AttributeValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
export const Attributes = z.record(z.string(), AttributeValue);
export type Attributes = z.infer<typeof Attributes>;

export const ItemRow = z.object({
  itemId: z.number().int(),
  externalId: z.string(),
  attributes: Attributes,
  /** Interactions with this item in the whole dataset. */
  popularity: z.number().int(),
});
export type ItemRow = z.infer<typeof ItemRow>;

export const UserRow = z.object({ userId: z.number().int(), externalId: z.string(), length: z.number().int() });

const Page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(50) };

export const datasetMethods = {
  'datasets.list': method({ summary: 'All datasets with their statistics.', input: NoInput, output: z.array(DatasetSummary) }),
  'datasets.stats': method({
    summary: 'Table-1 statistics of one dataset.',
    input: z.object({ name: Name }).strict(),
    output: DatasetStats,
  }),
  'datasets.import': method({ summary: 'Imports a dataset (a job).', input: ImportRequest, output: JobStarted }),
  'datasets.export': method({
    summary: 'Writes a dataset as RecBole atomic files (.inter, .item, item embeddings, a config) into a folder (a job; its result is an ExportResult).',
    input: ExportRequest,
    output: JobStarted,
  }),
  'datasets.createDemo': method({
    summary: 'Creates the embedded synthetic demo dataset with planted intents (a job).',
    input: z.object({ name: Name.default('demo'), replace: z.boolean().default(false) }).strict(),
    output: JobStarted,
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
