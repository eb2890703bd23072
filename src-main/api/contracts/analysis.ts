import { z } from 'zod';
import { DistanceMetric, ProjectionMethod } from '../../analysis/result-schemas';
import { method, Name } from './common';
import { jobStarted } from './jobs';

export { DistanceMetric, ItemMapResult, MapInfo, ProjectionMethod } from '../../analysis/result-schemas';

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
    output: jobStarted('projection'),
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
