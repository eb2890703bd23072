/**
 * The shapes of stored datasets and of an import request, owned by the store and carried as they
 * are by the API contract (api/contracts/datasets.ts).
 */
import { z } from 'zod';
import { Name } from '../core/names';

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

/** The result of a dataset export job (RecBole atomic files, docs/recbole.md). */
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
