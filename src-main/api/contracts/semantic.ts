import { z } from 'zod';
import { method, Name } from './common';
import { jobStarted } from './jobs';

export { EmbedResult } from '../../semantic/embedding-schemas';

export const MissingValuePolicy = z.enum(['drop-clause', 'blank']);

export const TemplateBody = z
  .object({
    text: z.string().min(1).max(20_000),
    /** Placeholder → attribute sources tried in order (attribute names, year(a), title(a), list(a)). */
    placeholders: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'Placeholder names are letters, digits and "_"'), z.array(z.string().min(1)).max(20)).default({}),
    missing: MissingValuePolicy.default('drop-clause'),
  })
  .strict();

export const StoredTemplate = z.object({
  name: z.string(),
  builtin: z.boolean(),
  version: z.number().int(),
  versionId: z.number().int(),
  text: z.string(),
  placeholders: z.record(z.string(), z.array(z.string())),
  missing: MissingValuePolicy,
  createdAt: z.string(),
});

/** A template by name (latest version, or a given one) or written inline (unsaved, e.g. in the editor). */
const TemplateRef = z.union([z.object({ name: Name, version: z.number().int().min(1).optional() }).strict(), z.object({ inline: TemplateBody }).strict()]);

export const TemplateValidation = z.object({
  ok: z.boolean(),
  items: z.number().int(),
  itemsWithText: z.number().int(),
  coverage: z.array(z.object({ placeholder: z.string(), sources: z.array(z.string()), filled: z.number().int(), share: z.number() })),
  issues: z.array(z.object({ level: z.enum(['error', 'warning']), placeholder: z.string().optional(), message: z.string() })),
});

export const EmbedRequest = z
  .object({
    dataset: Name,
    /** builtin | transformers:<folder> | openai:<url> | ollama:<url> */
    provider: z.string().min(1).default('builtin'),
    model: z.string().min(1).optional(),
    /** Template name; default: the paper template matching the dataset name. */
    template: Name.optional(),
    normalize: z.boolean().default(true),
    batchSize: z.number().int().min(1).max(2048).optional(),
    pooling: z.enum(['cls', 'mean', 'last_token']).optional(),
    /** HTTP providers: seconds to wait for one reply (default 120). */
    timeoutSeconds: z.number().positive().max(3600).optional(),
    /** HTTP providers: further attempts after a timeout, 429, 5xx or lost connection (default 4). */
    retries: z.number().int().min(0).max(20).optional(),
  })
  .strict();

export const EmbeddingSetInfo = z.object({
  id: z.number().int(),
  dataset: z.string(),
  template: z.string(),
  templateVersion: z.number().int(),
  provider: z.string(),
  endpoint: z.string(),
  model: z.string(),
  variant: z.string(),
  dims: z.number().int(),
  items: z.number().int(),
  itemsWithText: z.number().int(),
  createdAt: z.string(),
});

export const semanticMethods = {
  'templates.list': method({ summary: 'Prompt templates (latest versions), the paper’s five first.', input: z.object({}).strict(), output: z.array(StoredTemplate) }),
  'templates.get': method({
    summary: 'One template with all its versions.',
    input: z.object({ name: Name, version: z.number().int().min(1).optional() }).strict(),
    output: z.object({ template: StoredTemplate, versions: z.array(StoredTemplate) }),
  }),
  'templates.save': method({
    summary: 'Creates a template or saves an edit as its next version (identical saves add nothing).',
    input: z.object({ name: Name }).extend(TemplateBody.shape).strict(),
    output: z.object({ template: StoredTemplate, created: z.boolean() }),
  }),
  'templates.delete': method({ summary: 'Deletes a user template and the embedding sets made from it.', input: z.object({ name: Name }).strict(), output: z.object({ deleted: z.boolean() }) }),
  'templates.validate': method({
    summary: 'Unknown placeholders and, per placeholder, the share of items with a value.',
    input: z.object({ dataset: Name, template: TemplateRef }).strict(),
    output: TemplateValidation,
  }),
  'templates.preview': method({
    summary: 'Rendered texts of sample items (given ids, else the first ones).',
    input: z.object({ dataset: Name, template: TemplateRef, itemIds: z.array(z.number().int().min(1)).max(100).optional(), limit: z.number().int().min(1).max(100).default(5) }).strict(),
    output: z.array(z.object({ itemId: z.number().int(), text: z.string(), missing: z.array(z.string()), hasText: z.boolean() })),
  }),
  'embeddings.embed': method({ summary: 'Embeds a dataset’s item texts through the cache (a job).', input: EmbedRequest, output: jobStarted('embed') }),
  'embeddings.sets': method({
    summary: 'Complete embedding sets, optionally of one dataset.',
    input: z.object({ dataset: Name.optional() }).strict(),
    output: z.array(EmbeddingSetInfo),
  }),
  'embeddings.deleteSet': method({ summary: 'Deletes an embedding set (cached vectors stay).', input: z.object({ id: z.number().int() }).strict(), output: z.object({ deleted: z.boolean() }) }),
} as const;
