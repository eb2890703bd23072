import { z } from 'zod';
import { JobStarted, method, Name } from './common';

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

export const ItemMapResult = z.object({
  map: MapInfo,
  rows: z.array(z.object({ itemId: z.number().int(), x: z.number(), y: z.number(), prototype: z.number().int() })),
  prototypes: z.array(z.object({ id: z.number().int(), size: z.number().int(), label: z.string(), terms: z.array(z.string()) })),
  itemsWithoutVector: z.number().int(),
});
export type ItemMapResult = z.infer<typeof ItemMapResult>;

export const analysisMethods = {
  'analysis.itemMap': method({
    summary:
      "2-D map (t-SNE, UMAP or PCA) of a dataset's item embeddings in the semantic view, coloured by seeded K-means item groups labelled from item texts (a job; its result is an ItemMapResult).",
    input: z
      .object({
        dataset: Name,
        embeddingSetId: z.number().int().min(1),
        method: ProjectionMethod.default('umap'),
        k: z.number().int().min(2).max(100).default(8),
        seed: z.number().int().min(0).default(1),
        /** Above this many items a seeded sample is mapped, and the result says so. */
        maxPoints: z.number().int().min(10).max(50_000).default(5000),
        metric: DistanceMetric.default('cosine'),
      })
      .strict(),
    output: JobStarted,
  }),
  'analysis.itemNeighbours': method({
    summary: 'Nearest items to an item in the original embedding space (not on the 2-D map), with their texts.',
    input: z
      .object({
        dataset: Name,
        embeddingSetId: z.number().int().min(1),
        itemId: z.number().int().min(1),
        k: z.number().int().min(1).max(100).default(10),
        metric: DistanceMetric.default('cosine'),
      })
      .strict(),
    output: z.array(z.object({ itemId: z.number().int(), distance: z.number(), text: z.string() })),
  }),
} as const;
