/**
 * The results of the analysis jobs (item maps, a run's intents, its group metrics, a recommendations
 * export) as the analysis produces them; the API contract carries them as they are
 * (api/contracts/jobs.ts maps each job kind to its result).
 */
import { z } from 'zod';

export const ProjectionMethod = z.enum(['tsne', 'umap', 'pca']);
export const DistanceMetric = z.enum(['euclidean', 'cosine']);

/** A finished map: which points, how many of how many, sampled or not, and how long it took. */
export const MapInfo = z.object({
  method: ProjectionMethod,
  sampled: z.boolean(),
  total: z.number().int(),
  seed: z.number().int(),
  seconds: z.number(),
  details: z.record(z.string(), z.number()),
});
export type MapInfo = z.infer<typeof MapInfo>;

export const ItemMapResult = z.object({
  map: MapInfo,
  rows: z.array(z.object({ itemId: z.number().int(), x: z.number(), y: z.number(), prototype: z.number().int() })),
  prototypes: z.array(z.object({ id: z.number().int(), size: z.number().int(), label: z.string(), terms: z.array(z.string()) })),
  itemsWithoutVector: z.number().int(),
});
export type ItemMapResult = z.infer<typeof ItemMapResult>;

const CheckpointRef = z.object({ kind: z.enum(['best', 'last']), epoch: z.number().int() });

export const RunIntentsResult = z.object({
  runId: z.string(),
  checkpoint: CheckpointRef,
  k: z.number().int(),
  /** How the prototypes were obtained (so the analyst knows what the colours are). */
  clustering: z.string(),
  silhouette: z.number(),
  silhouetteBasis: z.object({ scored: z.number().int(), total: z.number().int(), sampled: z.boolean(), seed: z.number().int(), metric: z.string() }),
  map: MapInfo,
  rows: z.array(z.object({ userId: z.number().int(), x: z.number(), y: z.number(), prototype: z.number().int(), items: z.array(z.number().int()) })),
  itemTexts: z.record(z.string(), z.string()),
  prototypes: z.array(
    z.object({
      id: z.number().int(),
      size: z.number().int(),
      label: z.string(),
      silhouette: z.number().nullable(),
      terms: z.array(z.string()),
      topItems: z.array(z.object({ itemId: z.number().int(), count: z.number().int(), text: z.string() })),
    }),
  ),
  /**
   * Stability of the training-time prototypes: ARI between consecutive epochs' K-means assignments
   * of one fixed seeded sample of training prefixes; null when fewer than two epochs clustered.
   */
  stability: z
    .object({
      sample: z.number().int(),
      seed: z.number().int().nullable(),
      epochs: z.array(z.object({ epoch: z.number().int(), clusters: z.number().int(), sizes: z.array(z.number().int()) })),
      pairs: z.array(z.object({ from: z.number().int(), to: z.number().int(), ari: z.number() })),
      meanAri: z.number(),
    })
    .nullable(),
});
export type RunIntentsResult = z.infer<typeof RunIntentsResult>;

/** One group's metrics (HR@k, NDCG@k) and how many users it has: groups.ts MetricRow. */
const GroupRow = z.object({ users: z.number().int() }).catchall(z.number());
export const RunSummaryResult = z.object({
  runId: z.string(),
  checkpoint: CheckpointRef,
  /** Paper Table 3 for one run: groups.ts GroupTable, the groups' definition with the lengths and counts it gave. */
  groups: z.object({
    definition: z.object({
      tailFraction: z.number(),
      coldFraction: z.number(),
      hotFraction: z.number(),
      coldMaxLength: z.number().int().nullable(),
      hotMinLength: z.number().int().nullable(),
      tailItems: z.number().int(),
      items: z.number().int(),
    }),
    overall: GroupRow,
    tailItem: GroupRow,
    headItem: GroupRow,
    coldUser: GroupRow,
    hotUser: GroupRow,
  }),
  exposure: z.object({ k: z.number().int(), coverage: z.number(), tailShare: z.number(), averagePopularity: z.number(), gini: z.number() }),
});
export type RunSummaryResult = z.infer<typeof RunSummaryResult>;

export const RecommendationsExportResult = z.object({
  file: z.string(),
  format: z.enum(['csv', 'jsonl']),
  k: z.number().int(),
  input: z.enum(['test', 'full']),
  users: z.number().int(),
  rows: z.number().int(),
  /** Users left out because their history is empty for this input (one-item sequences with input test). */
  skipped: z.number().int(),
  checkpoint: CheckpointRef,
  backend: z.string(),
  seconds: z.number(),
});
export type RecommendationsExportResult = z.infer<typeof RecommendationsExportResult>;

