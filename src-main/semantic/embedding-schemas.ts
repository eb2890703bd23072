/** The result of an embedding job, as the semantic view produces it and the API contract carries it. */
import { z } from 'zod';

export const EmbedResult = z.object({
  dataset: z.string(),
  provider: z.string(),
  model: z.string(),
  dims: z.number().int(),
  items: z.number().int(),
  /** Distinct texts sent to the provider in this run. */
  embedded: z.number().int(),
  /** Items whose vector came from the cache. */
  cached: z.number().int(),
  itemsWithText: z.number().int(),
  embeddingSetId: z.number().int(),
  template: z.string(),
  templateVersion: z.number().int(),
});
export type EmbedResult = z.infer<typeof EmbedResult>;
